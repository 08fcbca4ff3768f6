/* Shared by the load-balancing kinds: ownership by tags, gone errors, actions. */
#include <stdlib.h>
#include <string.h>

#include "aws_retry.h"
#include "elb_internal.h"
#include "xalloc.h"

/* DescribeTags takes up to 20 ARNs: one call per 20, side by side. */
#define TAGS_PER_CALL 20

typedef struct {
    res_ctx *ctx;
    const char *const *arns;
    size_t n;
    elbv2_tag_descs *got; /* per call */
} tag_reads;

/* Move every description of from into to. */
static void take_tags(elbv2_tag_descs *to, elbv2_tag_descs *from)
{
    for (size_t k = 0; k < from->n; k++) {
        to->items = xrealloc(to->items, (to->n + 1) * sizeof *to->items);
        to->items[to->n++] = from->items[k];
    }
    free(from->items);
    memset(from, 0, sizeof *from);
}

static int tags_one(void *ud, size_t i, aws_error *err)
{
    tag_reads *t = ud;
    const char *one[] = {t->arns[i], NULL};
    int rc = elbv2_describe_tags(t->ctx->aws, one, &t->got[i], err);
    return rc != 0 && aws_error_is(err, AWS_IS_NOT_FOUND) ? 0 : rc;
}

static int tags_chunk(void *ud, size_t c, aws_error *err)
{
    tag_reads *t = ud;
    size_t from = c * TAGS_PER_CALL;
    size_t k = t->n - from < TAGS_PER_CALL ? t->n - from : TAGS_PER_CALL;
    const char **list = xcalloc(k + 1, sizeof *list);
    memcpy(list, t->arns + from, k * sizeof *list);
    int rc = elbv2_describe_tags(t->ctx->aws, list, &t->got[c], err);
    free(list);
    if (rc == 0 || !aws_error_is(err, AWS_IS_NOT_FOUND))
        return rc;
    /* one of them deleted since the list fails the whole call: ask for each on its own */
    elbv2_tag_descs_free(&t->got[c]);
    tag_reads each = {.ctx = t->ctx, .arns = t->arns + from, .n = k,
                      .got = xcalloc(k, sizeof *each.got)};
    rc = res_parallel(k, RES_READS_AT_ONCE, tags_one, &each, err);
    for (size_t i = 0; i < k; i++) {
        if (rc == 0)
            take_tags(&t->got[c], &each.got[i]);
        elbv2_tag_descs_free(&each.got[i]);
    }
    free(each.got);
    return rc;
}

int elbres_owned(res_ctx *ctx, const char *const *arns, size_t n, char ***ids, aws_error *err)
{
    *ids = xcalloc(n ? n : 1, sizeof **ids);
    if (n == 0)
        return 0;
    size_t calls = (n + TAGS_PER_CALL - 1) / TAGS_PER_CALL;
    tag_reads t = {.ctx = ctx, .arns = arns, .n = n, .got = xcalloc(calls, sizeof *t.got)};
    int rc = res_parallel(calls, RES_READS_AT_ONCE, tags_chunk, &t, err);
    elbv2_tag_descs tags = {0};
    for (size_t c = 0; c < calls; c++) {
        if (rc == 0)
            take_tags(&tags, &t.got[c]);
        elbv2_tag_descs_free(&t.got[c]);
    }
    free(t.got);
    for (size_t d = 0; rc == 0 && d < tags.n; d++) {
        const char *id = res_tags_node(ctx, &tags.items[d].tags);
        if (!id)
            continue;
        for (size_t i = 0; i < n; i++)
            if (!(*ids)[i] && strcmp(arns[i], tags.items[d].arn) == 0)
                (*ids)[i] = xstrdup(id);
    }
    elbv2_tag_descs_free(&tags);
    return rc;
}

typedef struct {
    res_ctx *ctx;
    const char *const *arns;
    size_t n;
    char ***ids;
    elbres_attrs_fn read;
    svc_tags *attrs;
} owned_read;

static int owned_or_read(void *v, size_t i, aws_error *err)
{
    owned_read *o = v;
    if (i == 0)
        return elbres_owned(o->ctx, o->arns, o->n, o->ids, err);
    return o->read(o->ctx->aws, o->arns[i - 1], &o->attrs[i - 1], err);
}

int elbres_owned_attrs(res_ctx *ctx, const char *const *arns, size_t n, elbres_attrs_fn read,
                       char ***ids, svc_tags **attrs, aws_error *err)
{
    *attrs = xcalloc(n + 1, sizeof **attrs);
    owned_read o = {.ctx = ctx, .arns = arns, .n = n, .ids = ids, .read = read, .attrs = *attrs};
    int *rcs = xcalloc(n + 1, sizeof *rcs);
    aws_error *errs = xcalloc(n + 1, sizeof *errs);
    res_parallel_all(n + 1, RES_READS_AT_ONCE, owned_or_read, &o, rcs, errs);
    int rc = 0;
    if (rcs[0] != 0) {
        *err = errs[0];
        rc = -1;
    }
    for (size_t i = 0; rc == 0 && i < n; i++) {
        if (!(*ids)[i] || rcs[i + 1] == 0)
            continue;
        if (aws_error_is(&errs[i + 1], AWS_IS_NOT_FOUND)) {
            free((*ids)[i]);
            (*ids)[i] = NULL;
            continue;
        }
        *err = errs[i + 1];
        rc = -1;
    }
    free(rcs);
    free(errs);
    return rc;
}

void elbres_ids_free(char **ids, size_t n)
{
    for (size_t i = 0; ids && i < n; i++)
        free(ids[i]);
    free(ids);
}

void elbres_attrs_free(svc_tags *attrs, size_t n)
{
    for (size_t i = 0; attrs && i < n; i++)
        svc_tags_free(&attrs[i]);
    free(attrs);
}

int elbres_poll_failed(const aws_error *err, char *status, size_t len)
{
    if (aws_retry_classify(err) == AWS_RETRY_NO)
        return -1;
    snprintf(status, len, "AWS answered %s, asking again", err->code);
    return 0;
}

/* The load balancer's state, AWS's words: "active", "provisioning: reason", ... */
static int lb_state(res_ctx *ctx, const char *lb_arn, char *state, size_t len, aws_error *err)
{
    const char *arns[] = {lb_arn, NULL};
    elbv2_lbs l = {0};
    if (elbv2_describe_load_balancers(ctx->aws, arns, NULL, 0, &l, err) != 0)
        return -1;
    if (l.n == 0)
        aws_error_set(err, AWS_ERR_SERVICE, "LoadBalancerNotFound", "load balancer %s not found",
                      lb_arn);
    else
        snprintf(state, len, "%s%s%s", l.items[0].state, *l.items[0].state_reason ? ": " : "",
                 l.items[0].state_reason);
    int found = l.n > 0;
    elbv2_lbs_free(&l);
    return found ? 0 : -1;
}

static int poll_active(res_ctx *ctx, res_node *n, void *ud, char *status, size_t len, aws_error *err)
{
    (void)n;
    if (lb_state(ctx, ud, status, len, err) != 0)
        return elbres_poll_failed(err, status, len);
    if (strcmp(status, "active") == 0)
        return 1;
    if (strncmp(status, "failed", 6) == 0) {
        aws_error_set(err, AWS_ERR_SERVICE, "LoadBalancerFailed", "load balancer %s %s",
                      (const char *)ud, status);
        return -1;
    }
    return 0;
}

int elbres_wait_active(res_ctx *ctx, res_node *n, res_action action, const char *lb_arn,
                       aws_error *err)
{
    return res_wait(ctx, n, action, "the load balancer to become active", poll_active,
                    (void *)lb_arn, err);
}

int elbres_refused_before_active(res_ctx *ctx, res_node *n, res_action action,
                                 const char *lb_arn, aws_error *err)
{
    if (!lb_arn || !aws_error_is(err, AWS_IS_BUSY))
        return 0;
    aws_error refusal = *err, read;
    char state[256] = "";
    if (lb_state(ctx, lb_arn, state, sizeof state, &read) != 0 ||
        strncmp(state, "provisioning", 12) != 0) {
        *err = refusal;
        return 0;
    }
    res_event(ctx, n, action, RES_EV_PROGRESS,
              "AWS refused it while the load balancer provisions (%s): waiting for it, then again",
              refusal.code);
    return elbres_wait_active(ctx, n, action, lb_arn, err) == 0 ? 1 : -1;
}

int elbres_discover_retry(res_ctx *ctx, elbres_discover_fn fn, res_found_list *out, aws_error *err)
{
    for (int attempt = 1;; attempt++) {
        res_found_list found = {0};
        int rc = fn(ctx, &found, err);
        /* an endpoint that could not be reached: the client has tried it already */
        if (rc == 0 || attempt == 4 || aws_retry_classify(err) == AWS_RETRY_NO ||
            aws_retry_never_sent(err) || res_sleep(ctx, 0.25 * attempt) != 0) {
            for (size_t i = 0; rc == 0 && i < found.n; i++)
                res_found_add(out, found.items[i].id, found.items[i].physical_id,
                              cJSON_Duplicate(found.items[i].props, 1));
            res_found_list_free(&found);
            return rc;
        }
        res_found_list_free(&found);
    }
}

int elbres_stack_lbs(res_ctx *ctx, elbv2_lbs *out, aws_error *err)
{
    memset(out, 0, sizeof *out);
    elbv2_lbs all = {0};
    if (elbv2_describe_load_balancers(ctx->aws, NULL, NULL, 0, &all, err) != 0)
        return -1;
    char *prefix = xasprintf("%s-", ctx->stack_name);
    for (size_t i = 0; i < all.n; i++) {
        if (strncmp(all.items[i].name, prefix, strlen(prefix)) != 0) {
            elbv2_lb_free(&all.items[i]);
            continue;
        }
        all.items[out->n++] = all.items[i];
    }
    out->items = all.items;
    free(prefix);
    return 0;
}

static void str_if(cJSON *o, const char *name, const char *v)
{
    if (v && *v)
        cJSON_AddStringToObject(o, name, v);
}

static void auth_common(cJSON *o, const elbv2_action *a)
{
    str_if(o, "scope", a->scope);
    str_if(o, "on_unauthenticated", a->on_unauthenticated_request);
    if (a->session_timeout)
        cJSON_AddNumberToObject(o, "session_timeout", (double)a->session_timeout);
}

/* ARNs of a forward, the primary first: a group named like another plus "-g" is the
 * blue/green alternate (stack_name_target_group). */
static cJSON *forward_groups(const elbv2_action *a)
{
    cJSON *tg = cJSON_CreateArray();
    if (a->nforward == 0) {
        cJSON_AddItemToArray(tg, cJSON_CreateString(a->target_group_arn));
        return tg;
    }
    size_t first = 0;
    if (a->nforward == 2) {
        const char *x = strstr(a->forward[0].target_group_arn, ":targetgroup/");
        const char *y = strstr(a->forward[1].target_group_arn, ":targetgroup/");
        if (x && y) {
            size_t ylen = strcspn(y + 13, "/");
            size_t xlen = strcspn(x + 13, "/");
            if (xlen == ylen + 2 && strncmp(x + 13, y + 13, ylen) == 0 && x[13 + ylen] == '-')
                first = 1;
        }
    }
    for (size_t k = 0; k < a->nforward; k++)
        cJSON_AddItemToArray(tg, cJSON_CreateString(a->forward[(first + k) % a->nforward].target_group_arn));
    return tg;
}

/* An action in the compared shape (a cJSON object): {type, ...}. Forward actions list
 * "target_groups" (ARNs, weights left out: ECS moves them in blue/green). The OIDC client
 * secret is never in it. */
static cJSON *elbres_action_json(const elbv2_action *a)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "type", a->type);
    if (strcmp(a->type, "forward") == 0) {
        cJSON_AddItemToObject(o, "target_groups", forward_groups(a));
    } else if (strcmp(a->type, "redirect") == 0) {
        str_if(o, "protocol", a->redirect.protocol);
        str_if(o, "port", a->redirect.port);
        str_if(o, "status_code", a->redirect.status_code);
    } else if (strcmp(a->type, "fixed-response") == 0) {
        str_if(o, "status_code", a->fixed.status_code);
        str_if(o, "content_type", a->fixed.content_type);
    } else if (strcmp(a->type, "authenticate-oidc") == 0) {
        str_if(o, "issuer", a->oidc.issuer);
        str_if(o, "authorization_endpoint", a->oidc.authorization_endpoint);
        str_if(o, "token_endpoint", a->oidc.token_endpoint);
        str_if(o, "user_info_endpoint", a->oidc.user_info_endpoint);
        str_if(o, "client_id", a->oidc.client_id);
        auth_common(o, a);
    } else if (strcmp(a->type, "authenticate-cognito") == 0) {
        str_if(o, "user_pool_arn", a->cognito.user_pool_arn);
        str_if(o, "user_pool_client_id", a->cognito.user_pool_client_id);
        str_if(o, "user_pool_domain", a->cognito.user_pool_domain);
        auth_common(o, a);
    }
    return o;
}

cJSON *elbres_actions_json(const elbv2_action *a, size_t n)
{
    cJSON *arr = cJSON_CreateArray();
    const elbv2_action **sorted = xcalloc(n ? n : 1, sizeof *sorted);
    for (size_t i = 0; i < n; i++)
        sorted[i] = &a[i];
    for (size_t i = 1; i < n; i++) /* insertion sort by Order: tiny lists */
        for (size_t j = i; j > 0 && sorted[j - 1]->order > sorted[j]->order; j--) {
            const elbv2_action *t = sorted[j];
            sorted[j] = sorted[j - 1];
            sorted[j - 1] = t;
        }
    for (size_t i = 0; i < n; i++)
        cJSON_AddItemToArray(arr, elbres_action_json(sorted[i]));
    free(sorted);
    return arr;
}

static char *dup_member(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsString(v) ? xstrdup(v->valuestring) : NULL;
}

static void auth_from(elbv2_action *a, const cJSON *o)
{
    a->scope = dup_member(o, "scope");
    a->on_unauthenticated_request = dup_member(o, "on_unauthenticated");
    a->session_timeout = aws_json_int(o, "session_timeout", 0);
}

static void forward_from(elbv2_action *a, const cJSON *o, const int *weights)
{
    const cJSON *tgs = cJSON_GetObjectItemCaseSensitive(o, "target_groups");
    int n = cJSON_GetArraySize(tgs);
    if (n == 1 && !weights) {
        a->target_group_arn = xstrdup(cJSON_GetArrayItem(tgs, 0)->valuestring);
        return;
    }
    a->forward = xcalloc((size_t)(n ? n : 1), sizeof *a->forward);
    a->nforward = (size_t)n;
    for (int k = 0; k < n; k++) {
        a->forward[k].target_group_arn = xstrdup(cJSON_GetArrayItem(tgs, k)->valuestring);
        /* no weights given (a rollback to earlier settings): all on the first group */
        a->forward[k].weight = weights ? weights[k] : k == 0 ? 100 : 0;
    }
}

elbv2_action *elbres_actions_from(const cJSON *actions, const int *weights,
                                  const char *client_secret, size_t *n)
{
    *n = (size_t)cJSON_GetArraySize(actions);
    elbv2_action *out = xcalloc(*n ? *n : 1, sizeof *out);
    size_t i = 0;
    for (const cJSON *o = actions ? actions->child : NULL; o; o = o->next, i++) {
        elbv2_action *a = &out[i];
        a->type = dup_member(o, "type");
        a->order = (int)i + 1;
        if (strcmp(a->type, "forward") == 0) {
            forward_from(a, o, weights);
        } else if (strcmp(a->type, "redirect") == 0) {
            a->redirect.protocol = dup_member(o, "protocol");
            a->redirect.port = dup_member(o, "port");
            a->redirect.status_code = dup_member(o, "status_code");
        } else if (strcmp(a->type, "fixed-response") == 0) {
            a->fixed.status_code = dup_member(o, "status_code");
            a->fixed.content_type = dup_member(o, "content_type");
        } else if (strcmp(a->type, "authenticate-oidc") == 0) {
            a->oidc.issuer = dup_member(o, "issuer");
            a->oidc.authorization_endpoint = dup_member(o, "authorization_endpoint");
            a->oidc.token_endpoint = dup_member(o, "token_endpoint");
            a->oidc.user_info_endpoint = dup_member(o, "user_info_endpoint");
            a->oidc.client_id = dup_member(o, "client_id");
            a->oidc.client_secret = xstrdup_or_null(client_secret);
            auth_from(a, o);
        } else if (strcmp(a->type, "authenticate-cognito") == 0) {
            a->cognito.user_pool_arn = dup_member(o, "user_pool_arn");
            a->cognito.user_pool_client_id = dup_member(o, "user_pool_client_id");
            a->cognito.user_pool_domain = dup_member(o, "user_pool_domain");
            auth_from(a, o);
        }
    }
    return out;
}

cJSON *elbres_auth_json(const stack_auth *auth)
{
    if (auth->kind == STACK_AUTH_NONE)
        return NULL;
    cJSON *o = cJSON_CreateObject();
    if (auth->kind == STACK_AUTH_OIDC) {
        cJSON_AddStringToObject(o, "type", "authenticate-oidc");
        str_if(o, "issuer", auth->issuer);
        str_if(o, "authorization_endpoint", auth->authorization_endpoint);
        str_if(o, "token_endpoint", auth->token_endpoint);
        str_if(o, "user_info_endpoint", auth->user_info_endpoint);
        str_if(o, "client_id", auth->client_id);
    } else {
        cJSON_AddStringToObject(o, "type", "authenticate-cognito");
        str_if(o, "user_pool_arn", auth->user_pool_arn);
        str_if(o, "user_pool_client_id", auth->user_pool_client_id);
        str_if(o, "user_pool_domain", auth->user_pool_domain);
    }
    str_if(o, "scope", auth->scope);
    str_if(o, "on_unauthenticated", auth->on_unauthenticated);
    if (auth->session_timeout)
        cJSON_AddNumberToObject(o, "session_timeout", auth->session_timeout);
    return o;
}

typedef struct {
    res_ctx *ctx;
    elbv2_lbs *lbs;
    elbv2_listeners *per_lb;
} listeners_of;

static int listeners_one(void *ud, size_t i, aws_error *err)
{
    listeners_of *l = ud;
    int rc = elbv2_describe_listeners(l->ctx->aws, l->lbs->items[i].arn, NULL, 0, &l->per_lb[i], err);
    return rc != 0 && aws_error_is(err, AWS_IS_NOT_FOUND) ? 0 : rc;
}

int elbres_stack_listeners(res_ctx *ctx, elbv2_listeners *out, aws_error *err)
{
    memset(out, 0, sizeof *out);
    elbv2_lbs lbs;
    if (elbres_stack_lbs(ctx, &lbs, err) != 0)
        return -1;
    listeners_of l = {.ctx = ctx, .lbs = &lbs, .per_lb = xcalloc(lbs.n + 1, sizeof *l.per_lb)};
    int rc = res_parallel(lbs.n, RES_READS_AT_ONCE, listeners_one, &l, err);
    for (size_t i = 0; i < lbs.n; i++) {
        for (size_t k = 0; rc == 0 && k < l.per_lb[i].n; k++) {
            out->items = xrealloc(out->items, (out->n + 1) * sizeof *out->items);
            out->items[out->n++] = l.per_lb[i].items[k];
            memset(&l.per_lb[i].items[k], 0, sizeof l.per_lb[i].items[k]);
        }
        elbv2_listeners_free(&l.per_lb[i]);
    }
    free(l.per_lb);
    elbv2_lbs_free(&lbs);
    if (rc != 0)
        elbv2_listeners_free(out);
    return rc;
}
