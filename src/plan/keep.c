/*
 * What `up` keeps of what `ecsdeploy deploy` rolled out (see plan_keep_deployed in
 * plan.h and "What the file said" in res.h).
 *
 * A deploy changes a container's image and environment variables, and a service's desired
 * count, and records on what it deploys the values the file held before (hashes). Here,
 * before planning, each such value the service runs now is compared with the stack file:
 * while the file still says one of the recorded values, the running value is kept (the
 * desired properties take it, so the plan shows no change and a revision `up` registers
 * for another change carries it, with the record); once the file says something new, the
 * file's value is taken. `--take-file SERVICE` takes the file's values of that service
 * whatever the records say.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "ecs.h"
#include "json_fields.h"
#include "plan.h"
#include "xalloc.h"

void plan_kept_free(plan_kept *k)
{
    for (size_t i = 0; i < k->n; i++) {
        free(k->items[i].id);
        free(k->items[i].path);
        free(k->items[i].value);
        free(k->items[i].file_value);
    }
    free(k->items);
    memset(k, 0, sizeof *k);
}

static void kept_add(plan_kept *k, const res_node *n, const char *path, const char *value,
                     const char *file_value, int kept)
{
    k->items = xrealloc(k->items, (k->n + 1) * sizeof *k->items);
    k->items[k->n++] = (plan_kept_item){xstrdup(n->id), xstrdup(path), xstrdup_or_null(value),
                                        xstrdup_or_null(file_value), kept};
}

/* The element of the list o[list] whose "name" is name, or NULL. */
static cJSON *named(const cJSON *o, const char *list, const char *name)
{
    cJSON *e;
    cJSON_ArrayForEach(e, cJSON_GetObjectItem(o, list))
        if (aws_json_str(e, "name") && !strcmp(aws_json_str(e, "name"), name))
            return e;
    return NULL;
}

static cJSON *container(const cJSON *doc, const char *name)
{
    return named(doc, "containerDefinitions", name);
}

static cJSON *env_entry(const cJSON *k, const char *name)
{
    return named(k, "environment", name);
}

/* One value of a container: "image", or "env" NAME. want: the desired container (with
 * references), file: the same resolved (NULL value: unknown yet), run: the running one. */
typedef struct {
    res_node *n;
    cJSON *want;
    const cJSON *file, *run;
    const char *cname;
    const cJSON *records;  /* the running revision's records */
    cJSON *carried;        /* records the desired revision carries */
    plan_kept *out;
    int changed;
} keeping;

/* One value the service runs (run) that the file says otherwise (file; NULL: unset), with
 * the record of its key: 1 when it is kept (the file still says what it said before the
 * deploy; the record is carried), 0 when the file's is taken. Listed either way. */
static int decide(keeping *x, const char *key, const char *record, const char *path,
                  const char *run, const char *file)
{
    int keep = res_file_record_has(record, file);
    if (keep) {
        cJSON_AddStringToObject(x->carried, key, record);
        x->changed = 1;
    }
    kept_add(x->out, x->n, path, run, file, keep);
    return keep;
}

static void keep_image(keeping *x)
{
    char *key = res_file_tag_key(x->cname, "image", NULL);
    const char *record = aws_json_str(x->records, key);
    const char *file = aws_json_str(x->file, "image"), *run = aws_json_str(x->run, "image");
    if (record && file && run && strcmp(file, run) != 0) {
        char *path = xasprintf("containerDefinitions[%s].image", x->cname);
        if (decide(x, key, record, path, run, file))
            cJSON_ReplaceItemInObject(x->want, "image", cJSON_CreateString(run));
        free(path);
    }
    free(key);
}

/* The desired container's variable set to value (NULL: removed). */
static void set_env(cJSON *want, const char *name, const char *value)
{
    cJSON *env = cJSON_GetObjectItem(want, "environment"), *e;
    int i = 0;
    cJSON_ArrayForEach(e, env) {
        if (aws_json_str(e, "name") && !strcmp(aws_json_str(e, "name"), name))
            break;
        i++;
    }
    if (e && value) {
        cJSON_ReplaceItemInObject(e, "value", cJSON_CreateString(value));
    } else if (e) {
        cJSON_DeleteItemFromArray(env, i);
    } else if (value) {
        if (!env)
            env = cJSON_AddArrayToObject(want, "environment");
        e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "name", name);
        cJSON_AddStringToObject(e, "value", value);
        cJSON_AddItemToArray(env, e);
    }
}

static void keep_env(keeping *x, const char *name)
{
    const cJSON *fe = env_entry(x->file, name), *re = env_entry(x->run, name);
    const cJSON *fv = fe ? cJSON_GetObjectItem(fe, "value") : NULL;
    if (fe && !cJSON_IsString(fv)) /* a reference not known yet: the file's value is new */
        return;
    const char *run = re ? aws_json_str(re, "value") : NULL, *file = fe ? fv->valuestring : NULL;
    if ((!file && !run) || (file && run && !strcmp(file, run)))
        return;
    char *key = res_file_tag_key(x->cname, "env", name);
    const char *record = aws_json_str(x->records, key);
    if (record) {
        char *path = xasprintf("containerDefinitions[%s].environment.%s", x->cname, name);
        if (decide(x, key, record, path, run, file))
            set_env(x->want, name, run);
        free(path);
    }
    free(key);
}

/* Each variable the file or the running container has, once, that a record names. */
static void recorded_env(keeping *x)
{
    const cJSON *lists[2] = {cJSON_GetObjectItem(x->file, "environment"),
                             cJSON_GetObjectItem(x->run, "environment")};
    for (int l = 0; l < 2; l++) {
        const cJSON *e;
        cJSON_ArrayForEach(e, lists[l]) {
            const char *name = aws_json_str(e, "name");
            if (!name || (l == 1 && env_entry(x->file, name)))
                continue;
            char *key = res_file_tag_key(x->cname, "env", name);
            int recorded = aws_json_str(x->records, key) != NULL;
            free(key);
            if (recorded)
                keep_env(x, name);
        }
    }
}

static void keep_task_def(res_ctx *ctx, res_node *n, plan_kept *out)
{
    cJSON *doc = cJSON_GetObjectItem(n->desired, "document");
    const cJSON *records = cJSON_GetObjectItem(n->actual, "file_records");
    const cJSON *running = cJSON_GetObjectItem(n->actual, "canonical");
    if (!doc || !running || cJSON_GetArraySize(records) == 0)
        return;
    cJSON *resolved = res_resolve(ctx, doc);
    cJSON *carried = cJSON_CreateObject();
    int changed = 0;
    cJSON *want;
    cJSON_ArrayForEach(want, cJSON_GetObjectItem(doc, "containerDefinitions")) {
        const char *name = aws_json_str(want, "name");
        const cJSON *run = name ? container(running, name) : NULL;
        if (!run)
            continue;
        keeping x = {n, want, container(resolved, name), run, name, records, carried, out, 0};
        keep_image(&x);
        recorded_env(&x);
        changed |= x.changed;
    }
    cJSON_Delete(resolved);
    if (changed) {
        cJSON_ReplaceItemInObject(n->desired, "canonical", ecs_taskdef_canonical(doc));
        cJSON_DeleteItemFromObject(n->desired, "file_records");
        cJSON_AddItemToObject(n->desired, "file_records", carried);
    } else {
        cJSON_Delete(carried);
    }
}

static void keep_count(res_node *n, plan_kept *out)
{
    const char *record = aws_json_str(n->actual, "file_count_record");
    const cJSON *want = cJSON_GetObjectItem(n->desired, "desired_count");
    const cJSON *run = cJSON_GetObjectItem(n->actual, "desired_count");
    if (!record || !cJSON_IsNumber(want) || !cJSON_IsNumber(run) || want->valueint == run->valueint)
        return;
    char file[32], now[32];
    snprintf(file, sizeof file, "%d", want->valueint);
    snprintf(now, sizeof now, "%d", run->valueint);
    int keep = res_file_record_has(record, file);
    kept_add(out, n, "desired_count", now, file, keep);
    if (keep) {
        cJSON_ReplaceItemInObject(n->desired, "desired_count", cJSON_CreateNumber(run->valueint));
        cJSON_AddStringToObject(n->desired, "file_count_record", record);
    }
}

static int taken(const char *service, const char *const *take_file, size_t ntake)
{
    for (size_t i = 0; i < ntake; i++)
        if (!strcmp(take_file[i], service))
            return 1;
    return 0;
}

void plan_keep_deployed(res_ctx *ctx, const char *const *take_file, size_t ntake, plan_kept *out)
{
    memset(out, 0, sizeof *out);
    res_graph *g = ctx->graph;
    for (size_t i = 0; i < g->n; i++) {
        res_node *n = g->nodes[i];
        const char *slash = strchr(n->id, '/');
        if (!n->desired || !n->actual || n->external || !slash)
            continue;
        int td = !strcmp(n->kind->name, "task_def"), svc = !strcmp(n->kind->name, "service");
        if (!td && !svc)
            continue;
        if (taken(slash + 1, take_file, ntake)) {
            out->taken = 1;
            continue;
        }
        if (td)
            keep_task_def(ctx, n, out);
        else
            keep_count(n, out);
    }
}

char *plan_kept_text(const plan_kept *k)
{
    buf b = BUF_INIT;
    for (int kept = 1; kept >= 0; kept--) {
        size_t shown = 0;
        for (size_t i = 0; i < k->n; i++) {
            const plan_kept_item *x = &k->items[i];
            if (x->kept != kept)
                continue;
            if (shown++ == 0)
                buf_puts(&b, kept ? "Kept as deployed (the file still says what it said before "
                                    "`ecsdeploy deploy` changed it; up --take-file SERVICE "
                                    "takes the file's):\n"
                                  : "Taken from the file (it changed since `ecsdeploy deploy` set "
                                    "what runs):\n");
            const char *run = x->value ? x->value : "(unset)";
            const char *file = x->file_value ? x->file_value : "(unset)";
            if (kept)
                buf_printf(&b, "    %s %s: %s (the file says %s)\n", x->id, x->path, run, file);
            else
                buf_printf(&b, "    %s %s: %s -> %s\n", x->id, x->path, run, file);
        }
    }
    return buf_detach(&b);
}

static const util_json_field kept_fields[] = {
    UTIL_JF("id", STR, plan_kept_item, id),
    UTIL_JF("path", STR, plan_kept_item, path),
    UTIL_JF("deployed", STR, plan_kept_item, value),
    UTIL_JF("file", STR, plan_kept_item, file_value),
    UTIL_JF("kept", BOOL, plan_kept_item, kept),
    UTIL_JF_END};

cJSON *plan_kept_json(const plan_kept *k)
{
    cJSON *a = cJSON_CreateArray();
    util_json_items(a, kept_fields, k->items, sizeof *k->items, k->n);
    return a;
}
