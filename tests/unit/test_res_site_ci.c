/* Sites, bucket CORS and the CI identity without AWS: the stack file's sites:, ci: and
 * cors: in the model; the nodes they become (a site's distribution properties and grant,
 * its origin access control, the OIDC provider, the CI role's trust and permissions split
 * into managed policies, the denial of changes to itself); the grant read back from a
 * bucket policy; every kind of the registry having its row in the CI permission table. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "res.h"
#include "stack.h"
#include "../../src/resources/ci_internal.h"
#include "../../src/resources/policy_internal.h"
#include "../../src/resources/site_internal.h"
#include "unit_suite.h"
#include "stack_fixture.h"

static const char *const FILE_TEXT =
    "stack: shop\n"
    "buckets:\n"
    "  web:\n"
    "    name: shop-web\n"
    "    cors:\n"
    "      - { origins: [\"https://app.example.com\"], methods: [GET, HEAD], headers: \"*\",\n"
    "          expose_headers: [ETag], max_age: 600 }\n"
    "  data: { keep: false, name: shop-data }\n"
    "sites:\n"
    "  app: { bucket: web, path: /latest, spa: true, price_class: 100, domain: app.example.com,\n"
    "         certificate: \"arn:aws:acm:us-east-1:123456789012:certificate/abc\" }\n"
    "ci:\n"
    "  github: { repository: acme/shop, branches: [main, \"release/*\"], environments: [prod] }\n"
    "  publish: [app]\n"
    "services:\n"
    "  web: { image: nginx, port: 80 }\n"
    "outputs:\n"
    "  site: ${sites.app.url}\n"
    "  role: ${ci.github.role_arn}\n";

START_TEST(model)
{
    stack_model *s = test_load_stack(FILE_TEXT, NULL);
    const stack_bucket *b = stack_find_bucket(s, "web");
    ck_assert_uint_eq(b->ncors, 1);
    ck_assert_str_eq(b->cors[0].origins[0], "https://app.example.com");
    ck_assert_uint_eq(b->cors[0].nmethods, 2);
    ck_assert_str_eq(b->cors[0].headers[0], "*");
    ck_assert_int_eq(b->cors[0].max_age, 600);
    ck_assert_uint_eq(stack_find_bucket(s, "data")->ncors, 0);
    const stack_site *x = stack_find_site(s, "app");
    ck_assert_str_eq(x->bucket, "web");
    ck_assert_str_eq(x->path, "/latest");
    ck_assert_str_eq(x->default_root_object, "index.html");
    ck_assert_int_eq(x->spa, 1);
    ck_assert_int_eq(x->price_class, STACK_PRICE_100);
    ck_assert_str_eq(x->domain, "app.example.com");
    ck_assert_int_eq(s->ci.enabled, 1);
    ck_assert_str_eq(s->ci.repository, "acme/shop");
    ck_assert_uint_eq(s->ci.nbranches, 2);
    ck_assert_str_eq(s->ci.environments[0], "prod");
    ck_assert_str_eq(s->ci.publish[0], "app");
    /* a site's url is known offline when it has a domain; the role's ARN is not */
    ck_assert_uint_eq(s->nrefs, 2);
    char *url = stack_ref_static_value(s, &s->refs[0]);
    ck_assert_str_eq(url, "https://app.example.com");
    free(url);
    ck_assert_ptr_null(stack_ref_static_value(s, &s->refs[1]));
    char *id = res_stack_ref_node_id(&s->refs[1]);
    ck_assert_str_eq(id, "role/ci");
    free(id);
    stack_free(s);
}
END_TEST

static const cJSON *at(const cJSON *o, const char *path)
{
    char copy[200];
    snprintf(copy, sizeof copy, "%s", path);
    for (char *p = strtok(copy, "."); p && o; p = strtok(NULL, "."))
        o = cJSON_GetObjectItemCaseSensitive(o, p);
    return o;
}

static const char *str(const cJSON *o, const char *path)
{
    const cJSON *v = at(o, path);
    ck_assert_msg(cJSON_IsString(v), "%s is not a string", path);
    return v->valuestring;
}

/* The statements of every CI managed policy, and the role's denial. */
static void statements(const res_graph *g, cJSON **allowed, const cJSON **denied, size_t *npolicies)
{
    *allowed = cJSON_CreateArray();
    *npolicies = 0;
    for (size_t i = 0; i < g->n; i++) {
        const res_node *n = g->nodes[i];
        if (strncmp(n->id, "policy/ci-", 10) != 0)
            continue;
        (*npolicies)++;
        ck_assert_ptr_eq(n->kind, &res_kind_policy);
        const cJSON *st;
        cJSON_ArrayForEach(st, at(n->desired, "document.Statement"))
            cJSON_AddItemToArray(*allowed, cJSON_Duplicate(st, 1));
    }
    const res_node *role = res_graph_find(g, "role/ci");
    *denied = at(cJSON_GetObjectItem(role->desired, "inline"), CI_POLICY_NAME ".Statement");
}

/* The statement that allows `action` (and, when not NULL, the resource part `on`). */
static const cJSON *allowing(const cJSON *sts, const char *action, const char *on)
{
    const cJSON *st;
    cJSON_ArrayForEach(st, sts) {
        const cJSON *a = cJSON_GetObjectItem(st, "Action"), *e;
        int has = cJSON_IsString(a) && strcmp(a->valuestring, action) == 0;
        cJSON_ArrayForEach(e, a) has |= strcmp(e->valuestring, action) == 0;
        if (!has)
            continue;
        if (!on)
            return st;
        char *text = cJSON_PrintUnformatted(cJSON_GetObjectItem(st, "Resource"));
        int ok = strstr(text, on) != NULL;
        cJSON_free(text);
        if (ok)
            return st;
    }
    return NULL;
}

START_TEST(graph)
{
    stack_model *s = test_load_stack(FILE_TEXT, NULL);
    res_graph *g;
    char msg[256];
    ck_assert_msg(res_graph_build(s, "eu-west-1", &g, msg, sizeof msg) == 0, "%s", msg);
    /* the bucket's CORS, as compared */
    const res_node *bucket = res_graph_find(g, "bucket/web");
    const cJSON *rule = cJSON_GetArrayItem(cJSON_GetObjectItem(bucket->desired, "cors"), 0);
    ck_assert_str_eq(cJSON_GetArrayItem(cJSON_GetObjectItem(rule, "expose_headers"), 0)->valuestring,
                     "ETag");
    ck_assert_int_eq(cJSON_GetObjectItem(rule, "max_age")->valueint, 600);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(
                         res_graph_find(g, "bucket/data")->desired, "cors")), 0);
    /* the site and its origin access control */
    const res_node *site = res_graph_find(g, "site/app"), *oac = res_graph_find(g, "oac/app");
    ck_assert_ptr_nonnull(site);
    ck_assert_str_eq(str(oac->desired, "name"), "shop-app");
    ck_assert_str_eq(str(oac->desired, "description"), "ecsdeploy shop site app");
    ck_assert_str_eq(str(site->desired, "comment"), "ecsdeploy shop site app");
    ck_assert_str_eq(str(site->desired, "origin.domain"), "shop-web.s3.eu-west-1.amazonaws.com");
    ck_assert_str_eq(str(site->desired, "origin.path"), "/latest");
    ck_assert_str_eq(str(site->desired, "origin.oac.ref"), "oac/app");
    ck_assert_str_eq(str(site->desired, "price_class"), "PriceClass_100");
    ck_assert_str_eq(str(site->desired, "grant"), "s3:GetObject on arn:aws:s3:::shop-web/latest/*");
    ck_assert_ptr_nonnull(res_node_dep(site, "bucket"));
    ck_assert_ptr_nonnull(res_node_dep(site, "oac"));
    /* the CI role trusts the provider for the repository's branches and environments */
    const res_node *role = res_graph_find(g, "role/ci");
    ck_assert_str_eq(str(role->desired, "name"), "shop-ci");
    ck_assert_str_eq(str(role->desired, "path"), "/ecsdeploy/shop/");
    const cJSON *trust = cJSON_GetArrayItem(at(role->desired, "trust.Statement"), 0);
    ck_assert_str_eq(str(trust, "Principal.Federated.ref"), "oidc_provider/github");
    const cJSON *subs = cJSON_GetObjectItem(at(trust, "Condition.StringLike"),
                                            "token.actions.githubusercontent.com:sub");
    ck_assert_int_eq(cJSON_GetArraySize(subs), 3);
    ck_assert_str_eq(cJSON_GetArrayItem(subs, 1)->valuestring,
                     "repo:acme/shop:ref:refs/heads/release/*");
    ck_assert_str_eq(cJSON_GetArrayItem(subs, 2)->valuestring, "repo:acme/shop:environment:prod");
    ck_assert_str_eq(cJSON_GetObjectItem(at(trust, "Condition.StringEquals"),
                                         "token.actions.githubusercontent.com:aud")->valuestring,
                     "sts.amazonaws.com");
    /* its permissions: managed policies it depends on, the denial inline */
    cJSON *allowed;
    const cJSON *denied;
    size_t npolicies;
    statements(g, &allowed, &denied, &npolicies);
    ck_assert_uint_ge(npolicies, 1);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(role->desired, "managed")),
                     (int)npolicies);
    ck_assert_ptr_nonnull(res_node_dep(role, "policy"));
    const cJSON *pass = allowing(allowed, "iam:PassRole", NULL);
    ck_assert_ptr_nonnull(pass);
    char *text = cJSON_PrintUnformatted(pass);
    ck_assert_ptr_nonnull(strstr(text, "role/ecsdeploy/shop/*"));
    ck_assert_ptr_nonnull(strstr(text, "\"iam:PassedToService\":[\"ecs-tasks.amazonaws.com\""));
    cJSON_free(text);
    ck_assert_ptr_nonnull(allowing(allowed, "s3:PutBucketCORS", "arn:aws:s3:::shop-web"));
    ck_assert_ptr_nonnull(allowing(allowed, "cloudfront:UpdateDistribution", "distribution/*"));
    /* a kept bucket is never deleted by `up`; one that is not kept may be */
    ck_assert_ptr_nonnull(allowing(allowed, "s3:DeleteBucket", "arn:aws:s3:::shop-data\""));
    ck_assert_ptr_null(allowing(allowed, "s3:DeleteBucket", "arn:aws:s3:::shop-web\""));
    /* publishing the site: its path of the bucket, its distribution's invalidations */
    ck_assert_ptr_nonnull(allowing(allowed, "s3:PutObject", "arn:aws:s3:::shop-web/latest/*"));
    const cJSON *inval = allowing(allowed, "cloudfront:CreateInvalidation", NULL);
    ck_assert_str_eq(str(inval, "Condition.StringEquals.aws:ResourceTag/ecsdeploy:id"), "site/app");
    /* nothing the stack does not have: no NAT gateway, no load balancer here */
    ck_assert_ptr_null(allowing(allowed, "ec2:CreateNatGateway", NULL));
    ck_assert_ptr_null(allowing(allowed, "elasticloadbalancing:CreateLoadBalancer", NULL));
    /* ...but every kind's discovery reads */
    ck_assert_ptr_nonnull(allowing(allowed, "elasticloadbalancing:DescribeLoadBalancers", NULL));
    /* never a change of itself */
    ck_assert_ptr_null(allowing(allowed, "iam:CreateOpenIDConnectProvider", NULL));
    const cJSON *deny = cJSON_GetArrayItem(denied, 0);
    ck_assert_str_eq(str(deny, "Effect"), "Deny");
    text = cJSON_PrintUnformatted(deny);
    ck_assert_ptr_nonnull(strstr(text, "role/ecsdeploy/shop/shop-ci\""));
    ck_assert_ptr_nonnull(strstr(text, "policy/ecsdeploy/shop/shop-ci-*"));
    ck_assert_ptr_nonnull(strstr(text, "iam:PutRolePolicy"));
    ck_assert_ptr_nonnull(strstr(text, "iam:CreatePolicyVersion"));
    cJSON_free(text);
    cJSON_Delete(allowed);
    res_graph_free(g);
    stack_free(s);
}
END_TEST

/* A large stack's permissions fill several managed policies, each within IAM's size. */
START_TEST(policies_within_size)
{
    char text[8192];
    int len = snprintf(text, sizeof text, "stack: big\nnetwork: { nat: per-zone, zones: 3 }\n"
                                          "ci: { github: { repository: a/b, branches: [main] } }\n"
                                          "load_balancers:\n");
    for (int i = 0; i < 4; i++)
        len += snprintf(text + len, sizeof text - (size_t)len,
                        "  lb%d: { listeners: [ { port: 80 } ] }\n", i);
    len += snprintf(text + len, sizeof text - (size_t)len, "buckets:\n");
    for (int i = 0; i < 8; i++)
        len += snprintf(text + len, sizeof text - (size_t)len, "  b%d: { name: bucket-number-%d-of-big }\n",
                        i, i);
    len += snprintf(text + len, sizeof text - (size_t)len, "services:\n");
    for (int i = 0; i < 12; i++)
        len += snprintf(text + len, sizeof text - (size_t)len,
                        "  s%d: { image: nginx, port: 80, load_balancer: { name: lb%d, paths: /s%d/* } }\n",
                        i, i % 4, i);
    stack_model *s = test_load_stack(text, NULL);
    res_graph *g;
    char msg[256];
    ck_assert_msg(res_graph_build(s, "us-east-1", &g, msg, sizeof msg) == 0, "%s", msg);
    size_t n = 0;
    for (size_t i = 0; i < g->n; i++) {
        const res_node *p = g->nodes[i];
        if (strncmp(p->id, "policy/ci-", 10) != 0)
            continue;
        n++;
        char *doc = cJSON_PrintUnformatted(cJSON_GetObjectItem(p->desired, "document"));
        /* the references (account) print longer than the 12 digits they become */
        ck_assert_msg(strlen(doc) < 2 * POLICY_MAX_CHARS, "%s: %zu characters", p->id, strlen(doc));
        cJSON_free(doc);
    }
    ck_assert_uint_ge(n, 2);
    res_graph_free(g);
    stack_free(s);
}
END_TEST

START_TEST(grant_read_back)
{
    char *sid = site_grant_sid("my-app");
    ck_assert_str_eq(sid, "ecsdeploySitemyXapp");
    const char *policy =
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"ecsdeployDenyInsecureTransport\","
        "\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":\"*\"},"
        "{\"Sid\":\"ecsdeploySitemyXapp\",\"Effect\":\"Allow\",\"Principal\":{\"Service\":"
        "\"cloudfront.amazonaws.com\"},\"Action\":\"s3:GetObject\",\"Resource\":"
        "\"arn:aws:s3:::b/*\",\"Condition\":{\"StringEquals\":{\"AWS:SourceArn\":"
        "\"arn:aws:cloudfront::1:distribution/E1\"}}}]}";
    char *g = site_grant_found(policy, sid, "arn:aws:cloudfront::1:distribution/E1");
    char *want = site_grant_text("aws", "b", NULL);
    ck_assert_str_eq(g, want);
    free(g);
    g = site_grant_found(policy, sid, "arn:aws:cloudfront::1:distribution/E2");
    ck_assert_str_eq(g, "s3:GetObject on arn:aws:s3:::b/* for arn:aws:cloudfront::1:distribution/E1");
    free(g);
    g = site_grant_found(policy, "ecsdeploySiteother", "x");
    ck_assert_str_eq(g, "");
    free(g);
    g = site_grant_found(NULL, sid, "x");
    ck_assert_str_eq(g, "");
    free(g);
    char *bucket = site_origin_bucket("b.s3.eu-west-1.amazonaws.com");
    ck_assert_str_eq(bucket, "b");
    free(bucket);
    ck_assert_ptr_null(site_origin_bucket("example.com"));
    free(want);
    free(sid);
}
END_TEST

/* Every kind has a row in the CI permission table: a new kind without one would leave the
 * CI role without the calls its discovery makes on every `up`. */
START_TEST(every_kind_has_ci_permissions)
{
    const char *missing = NULL;
    ck_assert_msg(ci_policy_covers(res_registry_get(), &missing),
                  "kind %s has no ci_grant (its grants in its own file)", missing);
}
END_TEST

UNIT_SUITE(res_site_ci, 0, model, graph, policies_within_size, grant_read_back,
           every_kind_has_ci_permissions)
