/* The rest of a service: volumes, permissions, allow_from, reach, deployment, and the
 * raw task-definition escape hatch. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "stack_internal.h"
#include "xalloc.h"

static const char *const volume_keys[] = {"name", "path", "container", "read_only", "ebs", "efs", NULL};
static const char *const ebs_keys[] = {"size_gib", "type", "iops", "throughput", "encrypted",
                                       "kms_key", "filesystem", NULL};
static const char *const efs_keys[] = {"file_system_id", "root_directory", "access_point",
                                       "transit_encryption", NULL};
static const char *const ebs_types[] = {"gp3", "gp2", "io1", "io2", "st1", "sc1", "standard", NULL};
static const char *const fs_names[] = {"ext4", "ext3", "xfs", NULL};
static const char *const perm_keys[] = {"bucket", "access", "prefix", "secret", "actions",
                                        "resources", "effect", NULL};
static const char *const access_names[] = {"read", "write", "read-write", NULL};
static const char *const effect_names[] = {"Allow", "Deny", NULL};
static const char *const ingress_keys[] = {"service", "group", "cidr", "port", NULL};
static const char *const reach_keys[] = {"group", "port", "protocol", NULL};
static const char *const proto_names[] = {"tcp", "udp", NULL};
static const char *const deploy_keys[] = {"strategy", "min_healthy_percent", "max_percent",
                                          "bake_minutes", "canary_percent", "canary_bake_minutes",
                                          "step_percent", "step_bake_minutes", NULL};
static const char *const strategy_names[] = {"rolling", "blue-green", "canary", "linear", NULL};
static const char *const td_keys[] = {
    "containerDefinitions", "volumes", "placementConstraints", "proxyConfiguration",
    "inferenceAccelerators", "ephemeralStorage", "runtimePlatform", "pidMode", "ipcMode",
    "enableFaultInjection", "tags", "cpu", "memory", NULL};

/* Each list section: call fn for every item (a map unless scalar_ok). */
typedef void (*item_fn)(stack_ctx *c, const stack_node *item, stack_service *svc);

static void each_item(stack_ctx *c, const stack_node *map, const char *key, item_fn fn, stack_service *svc)
{
    const stack_node *l = stack_node_get(map, key);
    if (!l)
        return;
    size_t old = stack_path_push(c, key);
    if (l->kind != STACK_NODE_SEQ) {
        stack_err(c, l, "must be a list");
    } else if (!stack_too_many(c, l, 100, "entries", "this list may hold")) {
        for (size_t i = 0; i < l->n; i++) {
            size_t o2 = stack_path_push_index(c, i);
            fn(c, l->vals[i], svc);
            stack_path_pop(c, o2);
        }
    }
    stack_path_pop(c, old);
}

static void decode_ebs(stack_ctx *c, const stack_node *e, stack_volume *v)
{
    size_t old = stack_path_push(c, "ebs");
    v->kind = STACK_VOL_EBS;
    v->encrypted = 1;
    if (stack_want_map(c, e)) {
        stack_check_keys(c, e, ebs_keys);
        int t = 0, fs = 0;
        stack_get_enum(c, e, "type", ebs_types, &t);
        v->type = xstrdup(ebs_types[t]);
        static const int lo[] = {1, 1, 4, 4, 125, 125, 1}, hi[] = {16384, 16384, 16384, 65536, 16384, 16384, 1024};
        if (!stack_node_get(e, "size_gib"))
            stack_err_missing(c, e, "size_gib");
        stack_get_int(c, e, "size_gib", lo[t], hi[t], &v->size_gib);
        static const int iops_lo[] = {3000, 0, 100, 100}, iops_hi[] = {16000, 0, 64000, 256000};
        const stack_node *iops = stack_node_get(e, "iops");
        if (iops && (t == 1 || t > 3))
            stack_err_key(c, iops, "iops", "applies to gp3, io1 and io2 volumes only");
        else if (iops)
            stack_get_int(c, e, "iops", iops_lo[t], iops_hi[t], &v->iops);
        else if (t == 2 || t == 3)
            stack_err(c, e, "an %s volume needs iops", ebs_types[t]);
        const stack_node *tp = stack_node_get(e, "throughput");
        if (tp && t != 0)
            stack_err_key(c, tp, "throughput", "applies to gp3 volumes only");
        else
            stack_get_int(c, e, "throughput", 125, 1000, &v->throughput);
        stack_get_bool(c, e, "encrypted", &v->encrypted);
        stack_get_str(c, e, "kms_key", 0, &v->kms_key);
        stack_get_enum(c, e, "filesystem", fs_names, &fs);
        v->filesystem = xstrdup(fs_names[fs]);
    }
    stack_path_pop(c, old);
}

static void decode_efs(stack_ctx *c, const stack_node *e, stack_volume *v)
{
    size_t old = stack_path_push(c, "efs");
    v->kind = STACK_VOL_EFS;
    v->transit_encryption = 1;
    if (stack_want_map(c, e)) {
        stack_check_keys(c, e, efs_keys);
        if (stack_get_str(c, e, "file_system_id", 1, &v->file_system_id) == 0 && v->file_system_id &&
            strncmp(v->file_system_id, "fs-", 3) != 0)
            stack_err_key(c, stack_node_get(e, "file_system_id"), "file_system_id",
                         "'%s' is not an EFS file system id (fs-…)", v->file_system_id);
        stack_get_str(c, e, "root_directory", 0, &v->root_directory);
        if (stack_get_str(c, e, "access_point", 0, &v->access_point) == 0 && v->access_point &&
            strncmp(v->access_point, "fsap-", 5) != 0)
            stack_err_key(c, stack_node_get(e, "access_point"), "access_point",
                         "'%s' is not an EFS access point id (fsap-…)", v->access_point);
        stack_get_bool(c, e, "transit_encryption", &v->transit_encryption);
    }
    stack_path_pop(c, old);
}

static void volume_item(stack_ctx *c, const stack_node *n, stack_service *svc)
{
    if (!stack_want_map(c, n))
        return;
    stack_volume *v = &svc->volumes[svc->nvolumes++];
    v->loc = n->loc;
    stack_check_keys(c, n, volume_keys);
    stack_get_str(c, n, "name", 0, &v->name);
    if (!v->name)
        v->name = xasprintf("vol-%zu", svc->nvolumes);
    if (stack_get_str(c, n, "path", 1, &v->path) == 0 && v->path && v->path[0] != '/')
        stack_err_key(c, stack_node_get(n, "path"), "path", "'%s' must be an absolute path", v->path);
    stack_get_str(c, n, "container", 0, &v->container);
    stack_get_bool(c, n, "read_only", &v->read_only);
    const stack_node *ebs = stack_node_get(n, "ebs"), *efs = stack_node_get(n, "efs");
    if (ebs && efs)
        stack_err(c, n, "a volume is either 'ebs' or 'efs', not both");
    else if (ebs)
        decode_ebs(c, ebs, v);
    else if (efs)
        decode_efs(c, efs, v);
    else
        stack_err(c, n, "needs 'ebs: { size_gib: N }' or 'efs: { file_system_id: fs-… }'");
    int ebs_seen = 0;
    for (size_t i = 0; i + 1 < svc->nvolumes; i++) {
        if (v->kind == STACK_VOL_EBS && svc->volumes[i].kind == STACK_VOL_EBS && ebs && !ebs_seen++)
            stack_err_key(c, ebs, "ebs", "ECS attaches one EBS volume per task; another is given at line %d",
                         svc->volumes[i].loc.line);
        if (strcmp(v->name, svc->volumes[i].name) == 0)
            stack_err_key(c, stack_node_get(n, "name"), "name", "volume '%s' is already declared", v->name);
    }
}

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
    char *js = cJSON_PrintUnformatted(st);
    p->statement_json = xstrdup(js);
    cJSON_free(js);
    cJSON_Delete(st);
    stack_strlist_free(actions, na);
    stack_strlist_free(resources, nr);
}

static void permission_item(stack_ctx *c, const stack_node *n, stack_service *svc)
{
    if (!stack_want_map(c, n))
        return;
    stack_permission *p = &svc->permissions[svc->npermissions];
    p->loc = n->loc;
    stack_check_keys(c, n, perm_keys);
    int kinds = !!stack_node_get(n, "bucket") + !!stack_node_get(n, "secret") + !!stack_node_get(n, "actions");
    if (kinds == 1)
        svc->npermissions++;
    else {
        stack_err(c, n, "a permission is one of { bucket: NAME, access: read|write|read-write }, "
                       "{ secret: NAME } or { actions: […], resources: […] }");
        return;
    }
    const char *bucket_only[] = {"access", "prefix"}, *stmt_only[] = {"resources", "effect"};
    for (int i = 0; i < 2; i++) {
        if (!stack_node_get(n, "bucket") && stack_node_get(n, bucket_only[i]))
            stack_err_key(c, stack_node_get(n, bucket_only[i]), bucket_only[i], "applies to bucket permissions only");
        if (!stack_node_get(n, "actions") && stack_node_get(n, stmt_only[i]))
            stack_err_key(c, stack_node_get(n, stmt_only[i]), stmt_only[i], "applies to { actions: … } statements only");
    }
    if (stack_node_get(n, "bucket")) {
        int acc = 0;
        p->kind = STACK_PERM_BUCKET;
        stack_get_str(c, n, "bucket", 1, &p->bucket);
        if (stack_get_enum(c, n, "access", access_names, &acc) == 0)
            p->access = (stack_access)acc;
        stack_get_str(c, n, "prefix", 0, &p->prefix);
    } else if (stack_node_get(n, "secret")) {
        p->kind = STACK_PERM_SECRET;
        stack_get_str(c, n, "secret", 1, &p->secret);
    } else {
        statement_item(c, n, p);
    }
}

static int looks_cidr(const char *s)
{
    unsigned a;
    int p;
    return stack_parse_cidr(s, &a, &p) == 0;
}

static void ingress_item(stack_ctx *c, const stack_node *n, stack_service *svc)
{
    stack_ingress *g = &svc->allow_from[svc->nallow_from];
    g->loc = n->loc;
    char *peer = NULL;
    if (n->kind == STACK_NODE_SCALAR) {
        if (stack_scalar(c, n, &peer) != 0)
            return;
        g->kind = strncmp(peer, "sg-", 3) == 0 ? STACK_PEER_GROUP : strchr(peer, '/') ? STACK_PEER_CIDR : STACK_PEER_SERVICE;
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
            stack_err(c, n, "name one peer: { service: NAME }, { group: sg-… } or { cidr: 10.0.0.0/8 }");
            free(peer);
            return;
        }
    }
    if (!peer)
        return;
    if (g->kind == STACK_PEER_CIDR && !looks_cidr(peer))
        stack_err(c, n, "'%s' is not a CIDR block like 10.0.0.0/8", peer);
    g->peer = peer;
    svc->nallow_from++;
}

static void reach_item(stack_ctx *c, const stack_node *n, stack_service *svc)
{
    if (!stack_want_map(c, n))
        return;
    stack_reach *r = &svc->reach[svc->nreach++];
    int proto = 0;
    r->loc = n->loc;
    stack_check_keys(c, n, reach_keys);
    if (stack_get_str(c, n, "group", 1, &r->group) == 0 && r->group && strncmp(r->group, "sg-", 3) != 0)
        stack_err_key(c, stack_node_get(n, "group"), "group", "'%s' is not a security group id (sg-…)", r->group);
    if (!stack_node_get(n, "port"))
        stack_err_missing(c, n, "port");
    stack_get_int(c, n, "port", 1, 65535, &r->port);
    stack_get_enum(c, n, "protocol", proto_names, &proto);
    r->protocol = xstrdup(proto_names[proto]);
}

static void decode_deployment(stack_ctx *c, const stack_node *n, stack_deployment *d)
{
    size_t old = stack_path_push(c, "deployment");
    d->loc = n->loc;
    if (stack_want_map(c, n)) {
        int st = 0;
        stack_check_keys(c, n, deploy_keys);
        stack_get_enum(c, n, "strategy", strategy_names, &st);
        d->strategy = (stack_strategy)st;
        stack_get_int(c, n, "min_healthy_percent", 0, 100, &d->min_healthy_percent);
        stack_get_int(c, n, "max_percent", 100, 400, &d->max_percent);
        stack_get_int(c, n, "bake_minutes", 0, 1440, &d->bake_minutes);
        stack_get_double(c, n, "canary_percent", 0.1, 100, &d->canary_percent);
        stack_get_int(c, n, "canary_bake_minutes", 0, 1440, &d->canary_bake_minutes);
        stack_get_double(c, n, "step_percent", 3, 100, &d->step_percent);
        stack_get_int(c, n, "step_bake_minutes", 0, 1440, &d->step_bake_minutes);
        const char *only[] = {"bake_minutes", "canary_percent", "canary_bake_minutes", "step_percent", "step_bake_minutes"};
        const stack_strategy owner[] = {STACK_DEPLOY_ROLLING, STACK_DEPLOY_CANARY, STACK_DEPLOY_CANARY,
                                       STACK_DEPLOY_LINEAR, STACK_DEPLOY_LINEAR};
        for (int i = 0; i < 5; i++) {
            const stack_node *k = stack_node_get(n, only[i]);
            if (k && (i == 0 ? d->strategy == STACK_DEPLOY_ROLLING : d->strategy != owner[i]))
                stack_err_key(c, k, only[i], "applies to strategy: %s only",
                             i == 0 ? "blue-green, canary or linear" : strategy_names[owner[i]]);
        }
    }
    stack_path_pop(c, old);
}

/* YAML → JSON for the task-definition escape hatch. */
static cJSON *to_json(stack_ctx *c, const stack_node *n)
{
    if (n->kind == STACK_NODE_NULL)
        return cJSON_CreateNull();
    if (n->kind == STACK_NODE_MAP || n->kind == STACK_NODE_SEQ) {
        cJSON *o = n->kind == STACK_NODE_MAP ? cJSON_CreateObject() : cJSON_CreateArray();
        for (size_t i = 0; i < n->n; i++) {
            cJSON *v = to_json(c, n->vals[i]);
            if (n->kind == STACK_NODE_MAP)
                cJSON_AddItemToObject(o, n->keys[i]->str, v);
            else
                cJSON_AddItemToArray(o, v);
        }
        return o;
    }
    char *s = NULL;
    if (stack_scalar(c, n, &s) != 0)
        return cJSON_CreateNull();
    cJSON *v;
    char *end;
    double d = strtod(s, &end);
    if (n->plain && (!strcmp(s, "true") || !strcmp(s, "false")))
        v = cJSON_CreateBool(s[0] == 't');
    else if (n->plain && *s && !*end && d == d)
        v = cJSON_CreateNumber(d);
    else
        v = cJSON_CreateString(s);
    free(s);
    return v;
}

static void decode_raw_td(stack_ctx *c, const stack_node *n, stack_service *svc)
{
    size_t old = stack_path_push(c, "task_definition");
    if (stack_want_map(c, n)) {
        stack_check_keys(c, n, td_keys);
        cJSON *o = to_json(c, n);
        char *js = cJSON_PrintUnformatted(o);
        svc->task_definition_json = xstrdup(js);
        cJSON_free(js);
        cJSON_Delete(o);
    }
    stack_path_pop(c, old);
}

static size_t list_len(const stack_node *map, const char *key)
{
    const stack_node *l = stack_node_get(map, key);
    return l && l->kind == STACK_NODE_SEQ ? l->n : 0;
}

void stack_decode_service_extras(stack_ctx *c, const stack_node *n, stack_service *svc)
{
    svc->volumes = xcalloc(list_len(n, "volumes") + 1, sizeof *svc->volumes);
    each_item(c, n, "volumes", volume_item, svc);
    svc->permissions = xcalloc(list_len(n, "permissions") + 1, sizeof *svc->permissions);
    each_item(c, n, "permissions", permission_item, svc);
    svc->allow_from = xcalloc(list_len(n, "allow_from") + 1, sizeof *svc->allow_from);
    each_item(c, n, "allow_from", ingress_item, svc);
    svc->reach = xcalloc(list_len(n, "reach") + 1, sizeof *svc->reach);
    each_item(c, n, "reach", reach_item, svc);
    stack_deployment *d = &svc->deployment;
    d->min_healthy_percent = 100;
    d->max_percent = 200;
    d->bake_minutes = 5;
    d->canary_percent = 10;
    d->canary_bake_minutes = 5;
    d->step_percent = 10;
    d->step_bake_minutes = 1;
    const stack_node *x;
    if ((x = stack_node_get(n, "deployment")))
        decode_deployment(c, x, d);
    if ((x = stack_node_get(n, "task_definition")))
        decode_raw_td(c, x, svc);
}
