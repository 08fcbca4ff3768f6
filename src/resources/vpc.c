/*
 * vpc/main: the stack's VPC. A new one (CIDR, DNS support and hostnames on, tagged; with
 * network.ipv6 an Amazon-provided IPv6 /56 too), or an existing one named by id, or the
 * account's default VPC — both external: read, never changed.
 *
 * Properties: cidr, dns_support, dns_hostnames, ipv6 (only when the file asks for it:
 * IPv6 is added in place, and a file that stops asking leaves the block where it is, as
 * subnets and load balancers may still hold addresses of it); actual ones add ipv6_cidr,
 * the /56 that subnets carve their /64s from.
 */
#include <stdlib.h>
#include <string.h>

#include "net_internal.h"
#include "xalloc.h"

static int vpc_build(res_graph *g, const stack_model *s)
{
    const stack_network *net = &s->network;
    cJSON *d = cJSON_CreateObject();
    res_node *n;
    if (net->mode == STACK_VPC_NEW) {
        cJSON_AddStringToObject(d, "cidr", net->cidr);
        cJSON_AddBoolToObject(d, "dns_support", 1);
        cJSON_AddBoolToObject(d, "dns_hostnames", 1);
        if (net->ipv6)
            cJSON_AddBoolToObject(d, "ipv6", 1);
        n = res_graph_addf(g, &res_kind_vpc, "main", d, "VPC %s%s", net->cidr,
                           net->ipv6 ? " (dual-stack)" : "");
    } else if (net->mode == STACK_VPC_EXISTING) {
        n = res_graph_addf(g, &res_kind_vpc, "main", d, "existing VPC %s", net->vpc_id);
        n->external = 1;
    } else {
        n = res_graph_add(g, &res_kind_vpc, "main", "the account's default VPC", d);
        n->external = 1;
    }
    n->model = net;
    return 0;
}

/* The two DNS attributes of every VPC found, read side by side (one call each). */
typedef struct {
    res_ctx *ctx;
    const ec2_vpcs *vpcs;
    int *values; /* [2 * vpc + attribute] */
} attr_reads;

static int read_one(void *ud, size_t i, aws_error *err)
{
    attr_reads *r = ud;
    static const char *const names[] = {"enableDnsSupport", "enableDnsHostnames"};
    return ec2_describe_vpc_attribute(r->ctx->aws, r->vpcs->items[i / 2].id, names[i % 2],
                                      &r->values[i], err);
}

static cJSON *vpc_props(const ec2_vpc *v)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "cidr", v->cidr);
    const ec2_ipv6_block *b = ec2_vpc_ipv6(v);
    cJSON_AddBoolToObject(p, "ipv6", b != NULL);
    if (b) { /* left out, not "": a reference to it is then not known yet */
        char *cidr = resnet_ipv6_canonical(b->cidr);
        cJSON_AddStringToObject(p, "ipv6_cidr", cidr);
        free(cidr);
    }
    return p;
}

/* With more than one VPC of the stack (a CreateVpc retried after its answer was lost),
 * the one holding the stack's subnets is the real one. */
static double subnets_in(const ec2_subnets *subs, const char *vpc)
{
    double n = 0;
    for (size_t i = 0; subs && i < subs->n; i++)
        n += strcmp(subs->items[i].vpc_id, vpc) == 0;
    return n;
}

static int discover_owned(res_ctx *ctx, res_found_list *out, aws_error *err)
{
    resnet_query q;
    const ec2_describe_in *in = resnet_stack_in(ctx, &q);
    ec2_vpcs l = {0};
    if (ec2_describe_vpcs(ctx->aws, in, &l, err) != 0)
        return -1;
    int rc = 0;
    ec2_subnets subs = {0};
    if (l.n > 1)
        rc = ec2_describe_subnets(ctx->aws, in, &subs, err);
    attr_reads reads = {ctx, &l, xcalloc(2 * l.n + 1, sizeof(int))};
    if (rc == 0 && l.n)
        rc = res_parallel(2 * l.n, RES_READS_AT_ONCE, read_one, &reads, err);
    for (size_t i = 0; rc == 0 && i < l.n; i++) {
        const char *id = resnet_node_id(&l.items[i].tags);
        if (!id || strcmp(l.items[i].state, "deleted") == 0)
            continue;
        if (ctx->stack && ctx->stack->network.mode != STACK_VPC_NEW && strcmp(id, "vpc/main") == 0)
            continue; /* the file now names an external VPC under this id */
        cJSON *p = vpc_props(&l.items[i]);
        cJSON_AddBoolToObject(p, "dns_support", reads.values[2 * i]);
        cJSON_AddBoolToObject(p, "dns_hostnames", reads.values[2 * i + 1]);
        resnet_found_add_ranked(out, id, l.items[i].id, p, subnets_in(&subs, l.items[i].id));
    }
    free(reads.values);
    resnet_found_finish(out);
    ec2_subnets_free(&subs);
    ec2_vpcs_free(&l);
    return rc;
}

static int discover_external(res_ctx *ctx, res_found_list *out, aws_error *err)
{
    const stack_network *net = &ctx->stack->network;
    ec2_vpc v = {0};
    if (net->mode == STACK_VPC_EXISTING) {
        const char *ids[] = {net->vpc_id, NULL};
        ec2_describe_in in = {.ids = ids};
        ec2_vpcs l = {0};
        if (ec2_describe_vpcs(ctx->aws, &in, &l, err) != 0 || l.n == 0) {
            if (l.n == 0 && err->kind == AWS_ERR_NONE)
                aws_error_set(err, AWS_ERR_SERVICE, "InvalidVpcID.NotFound", "no such VPC");
            ec2_vpcs_free(&l);
            aws_error_prefix(err, "the VPC %s named in network.vpc.id: ", net->vpc_id);
            return -1;
        }
        resnet_found_add(out, "vpc/main", l.items[0].id, vpc_props(&l.items[0]));
        ec2_vpcs_free(&l);
        return 0;
    }
    int found = 0;
    if (ec2_default_vpc(ctx->aws, &v, &found, err) != 0)
        return -1;
    if (!found) {
        aws_error_set(err, AWS_ERR_SERVICE, "NoDefaultVpc",
                      "the stack file uses the default VPC (network.vpc: default) but region %s "
                      "has none; create one (aws ec2 create-default-vpc) or name a VPC",
                      ctx->region ? ctx->region : "in use");
        return -1;
    }
    resnet_found_add(out, "vpc/main", v.id, vpc_props(&v));
    ec2_vpc_free(&v);
    return 0;
}

static int vpc_discover(res_ctx *ctx, res_found_list *out, aws_error *err)
{
    aws_error_clear(err);
    if (discover_owned(ctx, out, err) != 0)
        return -1;
    if (ctx->stack && ctx->stack->network.mode != STACK_VPC_NEW)
        return discover_external(ctx, out, err);
    return 0;
}

static int flag(const cJSON *o, const char *name)
{
    return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, name));
}

/* Set the DNS attributes that differ from `have` (NULL: set both). */
static int set_attrs(res_ctx *ctx, const char *id, const cJSON *want, const cJSON *have,
                     aws_error *err)
{
    static const char *const names[][2] = {{"dns_support", "enableDnsSupport"},
                                           {"dns_hostnames", "enableDnsHostnames"}};
    for (size_t i = 0; i < 2; i++) {
        if (!cJSON_GetObjectItemCaseSensitive(want, names[i][0]))
            continue;
        if (have && cJSON_GetObjectItemCaseSensitive(have, names[i][0]) &&
            flag(have, names[i][0]) == flag(want, names[i][0]))
            continue;
        if (ec2_modify_vpc_attribute(ctx->aws, id, names[i][1], flag(want, names[i][0]), err) != 0)
            return -1;
    }
    return 0;
}

/* A new VPC's two attributes, set side by side, each only where it differs from what EC2
 * gives a new VPC: DNS support on, DNS hostnames off. */
typedef struct {
    res_ctx *ctx;
    const char *id;
    const cJSON *want;
} attr_writes;

static int write_one(void *ud, size_t i, aws_error *err)
{
    attr_writes *w = ud;
    static const char *const names[][2] = {{"dns_support", "enableDnsSupport"},
                                           {"dns_hostnames", "enableDnsHostnames"}};
    static const int new_vpc[] = {1, 0};
    if (!cJSON_GetObjectItemCaseSensitive(w->want, names[i][0]) ||
        flag(w->want, names[i][0]) == new_vpc[i])
        return 0;
    return ec2_modify_vpc_attribute(w->ctx->aws, w->id, names[i][1], flag(w->want, names[i][0]),
                                    err);
}

static int write_attrs(res_ctx *ctx, void *ud, aws_error *err)
{
    (void)ctx;
    return res_parallel(2, 2, write_one, ud, err);
}

static cJSON *actual_from(const cJSON *desired, const char *cidr, const char *ipv6_cidr)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "cidr", cidr);
    cJSON_AddBoolToObject(p, "dns_support", flag(desired, "dns_support"));
    cJSON_AddBoolToObject(p, "dns_hostnames", flag(desired, "dns_hostnames"));
    cJSON_AddBoolToObject(p, "ipv6", ipv6_cidr && *ipv6_cidr);
    if (ipv6_cidr && *ipv6_cidr) {
        char *canonical = resnet_ipv6_canonical(ipv6_cidr);
        cJSON_AddStringToObject(p, "ipv6_cidr", canonical);
        free(canonical);
    }
    return p;
}

/* ---- IPv6 -------------------------------------------------------------------------- */

static int read_vpc(res_ctx *ctx, const char *id, ec2_vpc *out, aws_error *err)
{
    const char *ids[] = {id, NULL};
    ec2_describe_in in = {.ids = ids};
    ec2_vpcs l = {0};
    if (ec2_describe_vpcs(ctx->aws, &in, &l, err) != 0)
        return -1;
    int rc = 0;
    if (l.n == 1) {
        *out = l.items[0];
        memset(&l.items[0], 0, sizeof l.items[0]);
    } else {
        aws_error_set(err, AWS_ERR_SERVICE, "InvalidVpcID.NotFound", "VPC %s is not there", id);
        rc = -1;
    }
    ec2_vpcs_free(&l);
    return rc;
}

static int poll_ipv6(res_ctx *ctx, res_node *n, void *ud, char *status, size_t len, aws_error *err)
{
    char **cidr = ud;
    ec2_vpc v = {0};
    if (read_vpc(ctx, n->physical_id, &v, err) != 0)
        return -1;
    const ec2_ipv6_block *b = ec2_vpc_ipv6(&v);
    int done = b && !strcmp(b->state, "associated");
    snprintf(status, len, "%s", b ? b->state : "no block");
    if (done)
        *cidr = xstrdup(b->cidr);
    ec2_vpc_free(&v);
    return done;
}

/* An IPv6 block for the VPC: the one it has, else a new one. AssociateVpcCidrBlock has no
 * idempotency token, so a call retried after its answer was lost may leave a second block:
 * every block but the first listed goes again. *cidr (free()) the block once associated. */
static int ensure_ipv6(res_ctx *ctx, res_node *n, res_action action, char **cidr, aws_error *err)
{
    ec2_vpc v = {0};
    if (read_vpc(ctx, n->physical_id, &v, err) != 0)
        return -1;
    int rc = 0;
    if (!ec2_vpc_ipv6(&v))
        rc = ec2_associate_vpc_ipv6(ctx->aws, n->physical_id, NULL, err);
    ec2_vpc_free(&v);
    if (rc == 0)
        rc = res_wait(ctx, n, action, "the VPC's IPv6 block to be associated", poll_ipv6, cidr, err);
    if (rc != 0 || read_vpc(ctx, n->physical_id, &v, err) != 0)
        return -1;
    const ec2_ipv6_block *keep = ec2_vpc_ipv6(&v);
    for (size_t i = 0; rc == 0 && i < v.nipv6; i++) {
        const ec2_ipv6_block *b = &v.ipv6[i];
        if (b != keep && (!strcmp(b->state, "associated") || !strcmp(b->state, "associating")) &&
            ec2_disassociate_vpc_cidr(ctx->aws, b->assoc_id, err) != 0 && !aws_error_is(err, AWS_IS_NOT_FOUND))
            rc = -1;
    }
    if (rc == 0 && keep && strcmp(keep->cidr, *cidr) != 0) {
        free(*cidr);
        *cidr = xstrdup(keep->cidr);
    }
    ec2_vpc_free(&v);
    return rc;
}

static int vpc_create(res_ctx *ctx, res_node *n, aws_error *err)
{
    const cJSON *cidr = cJSON_GetObjectItemCaseSensitive(n->desired, "cidr");
    svc_tags tags;
    resnet_tags(ctx, n, &tags);
    ec2_vpc v = {0};
    int rc = ec2_create_vpc(ctx->aws, cidr->valuestring, &tags, &v, err);
    svc_tags_free(&tags);
    if (rc != 0)
        return -1;
    /* recorded at once, so a failure below still leaves it for rollback */
    res_node_set(ctx, n, v.id, actual_from(n->desired, v.cidr, NULL));
    /* the DNS attributes are the first calls naming it (the file always sets them): no
     * DescribeVpcs before them, unless EC2 does not see the VPC yet */
    attr_writes w = {ctx, v.id, n->desired};
    rc = resnet_first_call(ctx, v.id, ec2_wait_vpc_available, write_attrs, &w, err);
    char *ipv6 = NULL;
    if (rc == 0 && flag(n->desired, "ipv6") && (rc = ensure_ipv6(ctx, n, RES_CREATE, &ipv6, err)) == 0)
        res_node_set(ctx, n, v.id, actual_from(n->desired, v.cidr, ipv6));
    free(ipv6);
    ec2_vpc_free(&v);
    return rc;
}

static int vpc_update(res_ctx *ctx, res_node *n, aws_error *err)
{
    if (set_attrs(ctx, n->physical_id, n->desired, n->actual, err) != 0)
        return -1;
    const cJSON *cidr = cJSON_GetObjectItemCaseSensitive(n->actual, "cidr");
    char *ipv6 = xstrdup_or_null(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(n->actual, "ipv6_cidr")));
    int rc = 0;
    if (flag(n->desired, "ipv6") && !flag(n->actual, "ipv6")) {
        free(ipv6);
        ipv6 = NULL;
        rc = ensure_ipv6(ctx, n, RES_UPDATE, &ipv6, err);
    }
    if (rc == 0)
        res_node_set(ctx, n, n->physical_id,
                     actual_from(n->desired, cJSON_IsString(cidr) ? cidr->valuestring : "", ipv6));
    free(ipv6);
    return rc;
}

static int vpc_remove(res_ctx *ctx, res_node *n, aws_error *err)
{
    return resnet_delete_retrying(ctx, n, "VPC", n->physical_id, ec2_delete_vpc, "vpc-id", err);
}

static const char *const vpc_replace_on[] = {"cidr", NULL};

static const res_ec2_grants ci_grants = {
    .reads = "ec2:DescribeVpcs ec2:DescribeVpcAttribute ec2:DescribeAvailabilityZones",
    .create = "ec2:CreateVpc",
    .changes = "ec2:ModifyVpcAttribute ec2:DeleteVpc ec2:AssociateVpcCidrBlock "
               "ec2:DisassociateVpcCidrBlock",
};

const res_kind res_kind_vpc = {
    .name = "vpc",
    .title = "VPC",
    .build = vpc_build,
    .discover = vpc_discover,
    .create = vpc_create,
    .update = vpc_update,
    .remove = vpc_remove,
    .replace_on = vpc_replace_on,
    .ci_ec2 = &ci_grants,
};
