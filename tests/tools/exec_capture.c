/*
 * Drive the library entry bootstrap steps use, from scripted tests:
 *   exec_capture CLUSTER SERVICE COMMAND [TIMEOUT-SECONDS]
 * The AWS client comes from the environment (AWS_ENDPOINT_URL, keys, region). Writes the
 * captured output to stdout as is and "exit=N" (the command's status) on stderr; exit 0
 * when the capture worked, 1 with the error on stderr otherwise, 2 for bad usage.
 */
#include <stdio.h>
#include <stdlib.h>

#include "aws.h"
#include "exec.h"

int main(int argc, char **argv)
{
    if (argc < 4 || argc > 5) {
        fprintf(stderr, "usage: exec_capture CLUSTER SERVICE COMMAND [TIMEOUT]\n");
        return 2;
    }
    aws_client_options o = {0};
    aws_client *c;
    aws_error err;
    if (aws_client_new(&o, &c, &err) != 0) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    buf out = BUF_INIT;
    int code = -1;
    int rc = exec_capture_service(c, argv[1], argv[2], NULL, argv[3], argc > 4 ? atof(argv[4]) : 30,
                                  &out, &code, &err);
    if (rc == 0) {
        fwrite(out.data, 1, out.len, stdout);
        fprintf(stderr, "exit=%d\n", code);
    } else {
        fprintf(stderr, "error %s: %s\n", err.code, err.message);
    }
    exec_buf_wipe(&out);
    aws_client_free(c);
    return rc == 0 ? 0 : 1;
}
