/* IAM OpenID Connect providers against the local fake: create, read, find by URL, client
 * ids, thumbprints, tags, a CI role trusting GitHub Actions, the refusals, and a create whose
 * answer is lost. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fakeaws_fixture.h"
#include "iam.h"

#define GITHUB "https://token.actions.githubusercontent.com"
#define PRINT "6938fd4d98bab03faadb97b34396831e3780aea1"

static char *ci_trust(const char *provider_arn)
{
    char *doc = malloc(1024);
    snprintf(doc, 1024,
             "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":"
             "{\"Federated\":\"%s\"},\"Action\":\"sts:AssumeRoleWithWebIdentity\",\"Condition\":"
             "{\"StringEquals\":{\"token.actions.githubusercontent.com:aud\":\"sts.amazonaws.com\"},"
             "\"StringLike\":{\"token.actions.githubusercontent.com:sub\":"
             "\"repo:example/site:ref:refs/heads/main\"}}}]}", provider_arn);
    return doc;
}

START_TEST(providers)
{
    aws_client *c = fake_client();
    aws_error err;
    svc_strings clients = {0}, prints = {0};
    svc_strings_add(&clients, "sts.amazonaws.com");
    svc_strings_add(&prints, PRINT);
    svc_tags tags = {0};
    svc_tags_add(&tags, "ecsdeploy:stack", "oidc");
    char *arn;
    OK(iam_create_oidc_provider(c, GITHUB, &clients, &prints, &tags, &arn, &err));
    ck_assert_str_eq(arn, "arn:aws:iam::000000000000:oidc-provider/token.actions.githubusercontent.com");
    char *again;
    FAILS_WITH(iam_create_oidc_provider(c, GITHUB, NULL, NULL, NULL, &again, &err),
               "EntityAlreadyExists");
    ck_assert(aws_error_is(&err, AWS_IS_EXISTS));
    FAILS_WITH(iam_create_oidc_provider(c, "http://insecure.example.com", NULL, NULL, NULL, NULL,
                                        &err), "InvalidInput");
    svc_strings bad = {0};
    svc_strings_add(&bad, "not-a-thumbprint-but-forty-characters-xx");
    FAILS_WITH(iam_create_oidc_provider(c, "https://gitlab.example.com", NULL, &bad, NULL, NULL,
                                        &err), "InvalidInput");
    svc_strings_free(&bad);

    iam_oidc_provider p;
    OK(iam_get_oidc_provider(c, arn, &p, &err));
    ck_assert_str_eq(p.url, "token.actions.githubusercontent.com");
    ck_assert_uint_eq(p.client_ids.n, 1);
    ck_assert_str_eq(p.client_ids.items[0], "sts.amazonaws.com");
    ck_assert_uint_eq(p.thumbprints.n, 1);
    ck_assert_str_eq(svc_tags_get(&p.tags, "ecsdeploy:stack"), "oidc");
    iam_oidc_provider_free(&p);

    char *found;
    OK(iam_find_oidc_provider(c, "token.actions.githubusercontent.com/", &found, &err));
    ck_assert_str_eq(found, arn);
    free(found);
    OK(iam_find_oidc_provider(c, "https://other.example.com", &found, &err));
    ck_assert_ptr_null(found);

    OK(iam_add_oidc_client_id(c, arn, "api://ci", &err));
    OK(iam_remove_oidc_client_id(c, arn, "sts.amazonaws.com", &err));
    svc_strings two = {0};
    svc_strings_add(&two, PRINT);
    svc_strings_add(&two, "1c58a3a8518e8759bf075b76b750d4f2df264fcd");
    OK(iam_update_oidc_thumbprints(c, arn, &two, &err));
    svc_strings_free(&two);
    svc_tags more = {0};
    svc_tags_add(&more, "team", "ci");
    OK(iam_tag_oidc_provider(c, arn, &more, &err));
    svc_strings keys = {0};
    svc_strings_add(&keys, "ecsdeploy:stack");
    OK(iam_untag_oidc_provider(c, arn, &keys, &err));
    OK(iam_get_oidc_provider(c, arn, &p, &err));
    ck_assert_uint_eq(p.client_ids.n, 1);
    ck_assert_str_eq(p.client_ids.items[0], "api://ci");
    ck_assert_uint_eq(p.thumbprints.n, 2);
    ck_assert_uint_eq(p.tags.n, 1);
    ck_assert_str_eq(svc_tags_get(&p.tags, "team"), "ci");
    iam_oidc_provider_free(&p);

    /* a role GitHub Actions can assume for one repository and branch */
    char *trust = ci_trust(arn);
    iam_create_role_input role = {.name = "svc-oidc-ci", .trust_policy = trust};
    OK(iam_create_role(c, &role, NULL, &err));
    OK(iam_delete_role(c, "svc-oidc-ci", &err));

    svc_strings all;
    OK(iam_list_oidc_providers(c, &all, &err));
    ck_assert_uint_eq(all.n, 1);
    svc_strings_free(&all);
    OK(iam_delete_oidc_provider(c, arn, &err));
    FAILS_WITH(iam_get_oidc_provider(c, arn, &p, &err), "NoSuchEntity");
    ck_assert(aws_error_is(&err, AWS_IS_NOT_FOUND));
    FAILS_WITH(iam_delete_oidc_provider(c, arn, &err), "NoSuchEntity");
    /* and now the trust policy names a provider that is not there */
    FAILS_WITH(iam_create_role(c, &role, NULL, &err), "MalformedPolicyDocument");

    free(trust);
    free(arn);
    svc_strings_free(&keys);
    svc_tags_free(&more);
    svc_tags_free(&tags);
    svc_strings_free(&clients);
    svc_strings_free(&prints);
    aws_client_free(c);
}
END_TEST

/* The create happens, its answer is lost: the client finds the provider by its URL rather
 * than meeting EntityAlreadyExists on the retry. */
START_TEST(create_lost_answer)
{
    aws_client *c = fake_client();
    aws_error err;
    fake_lose_next("iam", "CreateOpenIDConnectProvider", "error");
    char *arn;
    OK(iam_create_oidc_provider(c, "https://lost.example.com/oidc", NULL, NULL, NULL, &arn, &err));
    ck_assert_str_eq(arn, "arn:aws:iam::000000000000:oidc-provider/lost.example.com/oidc");
    fake_no_faults();
    OK(iam_delete_oidc_provider(c, arn, &err));
    free(arn);
    aws_client_free(c);
}
END_TEST

FAKE_SUITE(svc_iam_oidc, NULL, NULL, 60, providers, create_lost_answer)
