/* The account the credentials belong to, asked of STS once per context: what default
 * bucket names are made of (stack_name_bucket). */
#include <pthread.h>
#include <stdlib.h>

#include "res.h"
#include "sts.h"

const char *res_account(res_ctx *ctx, aws_error *err)
{
    pthread_mutex_lock(&ctx->lock);
    const char *known = ctx->account;
    pthread_mutex_unlock(&ctx->lock);
    if (known)
        return known;
    /* two threads asking at once both ask STS; the first answer is kept */
    sts_identity id = {0};
    if (sts_get_caller_identity(ctx->aws, &id, err) != 0) {
        sts_identity_free(&id);
        return NULL;
    }
    if (!id.account || !*id.account) {
        sts_identity_free(&id);
        aws_error_set(err, AWS_ERR_PARSE, "NoAccount", "STS GetCallerIdentity answered without an account");
        return NULL;
    }
    pthread_mutex_lock(&ctx->lock);
    if (!ctx->account) {
        ctx->account = id.account;
        id.account = NULL;
    }
    known = ctx->account;
    pthread_mutex_unlock(&ctx->lock);
    sts_identity_free(&id);
    return known;
}
