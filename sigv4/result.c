/* SigV4 results: freeing them, wiping what may be secret. */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "sigv4.h"

static void wipe_free(char *s)
{
    if (s)
        OPENSSL_cleanse(s, strlen(s));
    free(s);
}

void sigv4_result_free(sigv4_result *res)
{
    if (!res)
        return;
    /* Values, the query and the canonical request may hold the session token. */
    for (size_t i = 0; i < res->nadd && i < SIGV4_MAX_ADD; i++) {
        free((char *)res->add[i].name);
        wipe_free((char *)res->add[i].value);
    }
    wipe_free(res->query);
    wipe_free(res->canonical_request);
    free(res->string_to_sign);
    memset(res, 0, sizeof *res);
}
