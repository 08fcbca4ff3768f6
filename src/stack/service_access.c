/* Who a service may reach and who may reach it: permissions (IAM statements, buckets,
 * secrets), allow_from (services, groups, CIDRs) and reach (rules into existing groups). */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "stack_internal.h"
#include "stack_names.h"
#include "xalloc.h"

static const char *const perm_keys[] = {"bucket", "bucket_name", "access", "prefix", "secret", "actions",
                                        "resources", "effect", "conditions", NULL};
static const char *const access_names[] = {"read", "write", "read-write", NULL};
static const char *const effect_names[] = {"Allow", "Deny", NULL};
static const char *const ingress_keys[] = {"service", "group", "cidr", "port", NULL};
static const char *const reach_keys[] = {"group", "port", "protocol", NULL};
static const char *const proto_names[] = {"tcp", "udp", NULL};

static void statement_item(stack_ctx *c, const stack_node *n, stack_permission *p)
{
    char **actions = NULL, **resources = NULL;
    size_t na = 0, nr = 0;
    int effect = 0;
    p->kind = STACK_PERM_STATEMENT;
    stack_get_strlist(c, n, "actions", 1, &actions, &na);
    stack_get_strlist(c, n, "resources", 1, &resources, &nr);
    stack_get_enum(c, n, "effect", effect_names, &effect);
    if (!stack_node_get(n, "resources"))
        stack_err_missing(c, n, "resources");
    for (size_t i = 0; i < na; i++) {
        const char *colon = strchr(actions[i], ':');
        if (strcmp(actions[i], "*") != 0 && (!colon || colon == actions[i] || !colon[1]))
            stack_err_key(c, stack_node_get(n, "actions"), "actions",
                         "'%s' is not an IAM action like s3:GetObject", actions[i]);
    }
    for (size_t i = 0; i < nr; i++)
        if (strcmp(resources[i], "*") != 0 && strncmp(resources[i], "arn:", 4) != 0)
            stack_err_key(c, stack_node_get(n, "resources"), "resources",
                         "'%s' is not an ARN or \"*\"", resources[i]);
    cJSON *st = cJSON_CreateObject();
    cJSON_AddStringToObject(st, "Effect", effect_names[effect]);
    cJSON *a = cJSON_AddArrayToObject(st, "Action"), *r = cJSON_AddArrayToObject(st, "Resource");
    for (size_t i = 0; i < na; i++)
        cJSON_AddItemToArray(a, cJSON_CreateString(actions[i]));
    for (size_t i = 0; i < nr; i++)
        cJSON_AddItemToArray(r, cJSON_CreateString(resources[i]));
    if (p->conditions_json)
        cJSON_AddItemToObject(st, "Condition", cJSON_Parse(p->conditions_json));
    char *js = cJSON_PrintUnformatted(st);
    p->statement_json = xstrdup(js);
    cJSON_free(js);
    cJSON_Delete(st);
    stack_strlist_free(actions, na);
    stack_strlist_free(resources, nr);
}

/* A bucket permission: a stack bucket by logical name, or any bucket by its S3 name. */
static void bucket_item(stack_ctx *c, const stack_node *n, stack_permission *p)
{
    int acc = 0;
    p->kind = STACK_PERM_BUCKET;
    if (stack_node_get(n, "bucket"))
        stack_get_str(c, n, "bucket", 1, &p->bucket);
    else if (stack_get_str(c, n, "bucket_name", 1, &p->bucket_name) == 0 && p->bucket_name) {
        const char *why = stack_check_bucket_name(p->bucket_name);
        if (why)
            stack_err_key(c, stack_node_get(n, "bucket_name"), "bucket_name", "'%s' is not an S3 bucket name: "
                         "it %s", p->bucket_name, why);
    }
    if (stack_get_enum(c, n, "access", access_names, &acc) == 0)
        p->access = (stack_access)acc;
    if (stack_get_str(c, n, "prefix", 0, &p->prefix) == 0 && p->prefix &&
        (p->prefix[0] == '/' || strpbrk(p->prefix, "*?") || !p->prefix[0]))
        stack_err_key(c, stack_node_get(n, "prefix"), "prefix", "'%s' is not a key prefix like app/ (no leading "
                     "'/', no wildcards: ecsdeploy adds the '*')", p->prefix);
    if (p->prefix && p->conditions_json) {
        cJSON *cond = cJSON_Parse(p->conditions_json);
        if (cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(cond, "StringLike"), "s3:prefix"))
            stack_err_key(c, stack_node_get(n, "conditions"), "conditions",
                         "StringLike s3:prefix is what prefix: '%s' sets on s3:ListBucket; keep one of them",
                         p->prefix);
        cJSON_Delete(cond);
    }
}

static void permission_item(stack_ctx *c, const stack_node *n, void *ud)
{
    stack_service *svc = ud;
    stack_permission *p = &svc->permissions[svc->npermissions];
    p->loc = n->loc;
    int kinds = !!stack_node_get(n, "bucket") + !!stack_node_get(n, "bucket_name") +
                !!stack_node_get(n, "secret") + !!stack_node_get(n, "actions");
    if (kinds == 1)
        svc->npermissions++;
    else {
        stack_err(c, n, "a permission is one of { bucket: NAME, access: read|write|read-write }, "
                       "{ bucket_name: S3-NAME, prefix: p/, access: … }, { secret: NAME } or "
                       "{ actions: […], resources: […] }");
        return;
    }
    int bucket = stack_node_get(n, "bucket") || stack_node_get(n, "bucket_name");
    const char *bucket_only[] = {"access", "prefix"}, *stmt_only[] = {"resources", "effect"};
    for (int i = 0; i < 2; i++) {
        if (!bucket && stack_node_get(n, bucket_only[i]))
            stack_err_key(c, stack_node_get(n, bucket_only[i]), bucket_only[i], "applies to bucket permissions only");
        if (!stack_node_get(n, "actions") && stack_node_get(n, stmt_only[i]))
            stack_err_key(c, stack_node_get(n, stmt_only[i]), stmt_only[i], "applies to { actions: … } statements only");
    }
    const stack_node *cond = stack_node_get(n, "conditions");
    if (cond && stack_node_get(n, "secret"))
        stack_err_key(c, cond, "conditions", "applies to bucket permissions and { actions: … } statements only");
    else if (cond)
        p->conditions_json = stack_decode_conditions(c, cond);
    if (bucket) {
        bucket_item(c, n, p);
    } else if (stack_node_get(n, "secret")) {
        p->kind = STACK_PERM_SECRET;
        stack_get_str(c, n, "secret", 1, &p->secret);
    } else {
        statement_item(c, n, p);
    }
}

static void ingress_item(stack_ctx *c, const stack_node *n, void *ud)
{
    stack_service *svc = ud;
    stack_ingress *g = &svc->allow_from[svc->nallow_from];
    g->loc = n->loc;
    char *peer = NULL;
    if (n->kind == STACK_NODE_SCALAR) {
        if (stack_scalar(c, n, &peer) != 0)
            return;
        g->kind = strncmp(peer, "sg-", 3) == 0 ? STACK_PEER_GROUP
                  : strchr(peer, '/')           ? STACK_PEER_CIDR
                                                : STACK_PEER_SERVICE;
    } else if (stack_want_map(c, n)) {
        stack_check_keys(c, n, ingress_keys);
        const char *kinds[] = {"service", "group", "cidr"};
        int found = 0;
        for (int k = 0; k < 3; k++)
            if (stack_node_get(n, kinds[k])) {
                found++;
                g->kind = (stack_peer_kind)k;
                stack_get_str(c, n, kinds[k], 0, &peer);
            }
        stack_get_int(c, n, "port", 1, 65535, &g->port);
        if (found != 1) {
            stack_err(c, n, "name one peer: { service: NAME }, { group: sg-… } or { cidr: 10.0.0.0/8 "
                           "or 2001:db8::/32 }");
            free(peer);
            return;
        }
    }
    if (!peer)
        return;
    if (g->kind == STACK_PEER_CIDR) {
        char *why = NULL, *cidr = stack_cidr_check(peer, &why);
        if (!cidr)
            stack_err(c, n, "%s", why);
        free(why);
        free(peer);
        if (!cidr)
            return;
        peer = cidr;
    }
    g->peer = peer;
    svc->nallow_from++;
}

static void reach_item(stack_ctx *c, const stack_node *n, void *ud)
{
    stack_service *svc = ud;
    stack_reach *r = &svc->reach[svc->nreach++];
    int proto = 0;
    r->loc = n->loc;
    if (stack_get_str(c, n, "group", 1, &r->group) == 0 && r->group && strncmp(r->group, "sg-", 3) != 0)
        stack_err_key(c, stack_node_get(n, "group"), "group", "'%s' is not a security group id (sg-…)", r->group);
    if (!stack_node_get(n, "port"))
        stack_err_missing(c, n, "port");
    stack_get_int(c, n, "port", 1, 65535, &r->port);
    stack_get_enum(c, n, "protocol", proto_names, &proto);
    r->protocol = xstrdup(proto_names[proto]);
}

void stack_decode_access(stack_ctx *c, const stack_node *n, stack_service *svc)
{
    svc->permissions = xcalloc(stack_list_len(n, "permissions") + 1, sizeof *svc->permissions);
    stack_each_item(c, n, "permissions", perm_keys, permission_item, svc);
    svc->allow_from = xcalloc(stack_list_len(n, "allow_from") + 1, sizeof *svc->allow_from);
    stack_each_item(c, n, "allow_from", NULL, ingress_item, svc);
    svc->reach = xcalloc(stack_list_len(n, "reach") + 1, sizeof *svc->reach);
    stack_each_item(c, n, "reach", reach_keys, reach_item, svc);
}
