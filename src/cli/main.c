#include "cli_internal.h"

int main(int argc, char **argv)
{
    cli_harden_process(); /* before any library allocates */
    return cli_main(argc, argv);
}
