/*
 * What the process does for itself before anything else: no core dump (a core would hold
 * credentials, secrets and command output), not dumpable (no ptrace attach by the same
 * user, /proc/PID/mem closed), and allocators for libcurl and OpenSSL that zero freed
 * memory (see aws_http_global_init).
 */
#include <sys/prctl.h>
#include <sys/resource.h>

#include "aws.h"
#include "cli_internal.h"

int cli_harden_process(void)
{
    int rc = 0;
    struct rlimit none = {0, 0};
    if (setrlimit(RLIMIT_CORE, &none) != 0)
        rc = -1;
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
        rc = -1;
    aws_http_global_init();
    return rc;
}
