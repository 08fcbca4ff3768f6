/* Private to sigv4/: input checks before signing. */
#ifndef ECSDEPLOY_SIGV4_VALIDATE_H
#define ECSDEPLOY_SIGV4_VALIDATE_H

#include <stddef.h>
#include <time.h>

#include "sigv4.h"

/* 0 when the inputs can be signed, else -1 with a message in err. */
int sigv4_validate(const sigv4_request *req, const sigv4_credentials *cred,
                   const sigv4_params *params, int presign, char *err, size_t errlen);

/* X-Amz-Date ("20150830T123600Z") and scope date ("20150830") of when. */
int sigv4_timestamps(time_t when, char amzdate[17], char date[9], char *err, size_t errlen);

#endif
