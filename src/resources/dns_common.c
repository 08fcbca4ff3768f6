/* What the DNS kinds share: who owns a zone or a record (see dns_internal.h), the zone that
 * holds a name, reading zones side by side, and waiting for a change to be INSYNC. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "dns_internal.h"
#include "xalloc.h"

#define OWNER_LABEL "_ecsdeploy."
#define WILDCARD_LABEL "_wildcard."

char *dnsres_zone_ref_prefix(const char *stack, const char *id)
{
    return xasprintf("ecsdeploy:%s:%s:", stack, id);
}

char *dnsres_zone_ref_id(const char *stack, const char *ref)
{
    char *head = xasprintf("ecsdeploy:%s:zone/", stack);
    size_t hl = strlen(head);
    char *id = NULL;
    if (ref && strncmp(ref, head, hl) == 0) {
        const char *end = strchr(ref + hl, ':');
        if (end && end > ref + hl)
            id = xasprintf("zone/%.*s", (int)(end - (ref + hl)), ref + hl);
    }
    free(head);
    return id;
}

char *dnsres_owner_name(const char *name)
{
    char *plain = r53_name_plain(name);
    char *out = strncmp(plain, "*.", 2) == 0 ? xasprintf(OWNER_LABEL WILDCARD_LABEL "%s", plain + 2)
                                              : xasprintf(OWNER_LABEL "%s", plain);
    free(plain);
    return out;
}

char *dnsres_owned_name(const char *owner)
{
    char *plain = r53_name_plain(owner);
    char *out = NULL;
    size_t ol = strlen(OWNER_LABEL), wl = strlen(WILDCARD_LABEL);
    if (strncmp(plain, OWNER_LABEL, ol) == 0 && plain[ol]) {
        const char *rest = plain + ol;
        out = strncmp(rest, WILDCARD_LABEL, wl) == 0 && rest[wl] ? xasprintf("*.%s", rest + wl)
                                                                   : xstrdup(rest);
    }
    free(plain);
    return out;
}

char *dnsres_owner_value(const char *stack, const char *id)
{
    return xasprintf("\"heritage=ecsdeploy,stack=%s,id=%s\"", stack, id);
}

char *dnsres_owner_id(const char *stack, const char *value)
{
    char *head = xasprintf("\"heritage=ecsdeploy,stack=%s,id=", stack);
    size_t hl = strlen(head), vl = value ? strlen(value) : 0;
    char *id = NULL;
    if (vl > hl + 1 && strncmp(value, head, hl) == 0 && value[vl - 1] == '"')
        id = xstrndup(value + hl, vl - hl - 1);
    free(head);
    return id;
}

char *dnsres_index_key(const char *stack)
{
    return xasprintf("ecsdeploy:records:%s", stack);
}

const r53_zone *dnsres_zone_for(const r53_zones *zones, const char *name, const char *preferred,
                                aws_error *err)
{
    for (size_t i = 0; preferred && i < zones->n; i++)
        if (strcmp(zones->items[i].id, preferred) == 0) {
            r53_zones one = {&zones->items[i], 1};
            if (r53_zone_for_name(&one, name, NULL))
                return &zones->items[i];
        }
    int twins = 0;
    const r53_zone *z = r53_zone_for_name(zones, name, &twins);
    if (z)
        return z;
    buf seen = BUF_INIT;
    for (size_t i = 0; i < zones->n; i++)
        if (!zones->items[i].private_zone)
            buf_printf(&seen, "%s%s", seen.len ? ", " : "", zones->items[i].name);
    if (twins)
        aws_error_set(err, AWS_ERR_INPUT, "AmbiguousHostedZone",
                      "two public hosted zones of the account have the name that holds %s: "
                      "delete the one not delegated to (zones seen: %s)", name, buf_str(&seen));
    else
        aws_error_set(err, AWS_ERR_INPUT, "NoHostedZone",
                      "no public hosted zone of the account holds %s (zones seen: %s); create "
                      "one (zones: in the stack file, or in Route 53) or use a name in one of "
                      "those", name, seen.len ? buf_str(&seen) : "none");
    buf_free(&seen);
    return NULL;
}

res_node *dnsres_stack_zone_node(res_graph *g, const char *name)
{
    char *plain = r53_name_plain(name);
    const char *base = strncmp(plain, "*.", 2) == 0 ? plain + 2 : plain;
    const stack_zone *z = g->stack ? stack_zone_holding(g->stack, base) : NULL;
    res_node *n = NULL;
    if (z) {
        char *id = xasprintf("zone/%s", z->name);
        n = res_graph_find(g, id);
        free(id);
    }
    free(plain);
    return n;
}

typedef struct {
    res_ctx *ctx;
    const char *const *ids;
    r53_record_sets *sets;
} zone_lists;

static int list_one(void *ud, size_t i, aws_error *err)
{
    zone_lists *l = ud;
    if (r53_list_record_sets(l->ctx->aws, l->ids[i], &l->sets[i], err) == 0)
        return 0;
    if (!aws_error_is(err, AWS_IS_NOT_FOUND))
        return -1;
    memset(&l->sets[i], 0, sizeof l->sets[i]);
    return 0;
}

int dnsres_list_zones(res_ctx *ctx, const char *const *ids, size_t n, r53_record_sets *sets,
                      aws_error *err)
{
    memset(sets, 0, n * sizeof *sets);
    zone_lists l = {ctx, ids, sets};
    return res_parallel(n, RES_READS_AT_ONCE, list_one, &l, err);
}

static int poll_insync(res_ctx *ctx, res_node *n, void *ud, char *status, size_t len,
                       aws_error *err)
{
    (void)n;
    char *state = NULL;
    if (r53_get_change(ctx->aws, ud, &state, err) != 0)
        return -1;
    snprintf(status, len, "%s", state);
    int done = strcmp(state, "INSYNC") == 0;
    free(state);
    return done;
}

int dnsres_wait_insync(res_ctx *ctx, res_node *n, res_action action, const char *change_id,
                       aws_error *err)
{
    if (!change_id)
        return 0;
    return res_wait(ctx, n, action, "Route 53 to answer with the change (INSYNC)", poll_insync,
                    (void *)change_id, err);
}
