/* Rules of the service settings across sections: which log group each service logs to,
 * the secrets that hold private registry credentials, the buckets named by S3 name. */
#include <stdlib.h>
#include <string.h>

#include "stack_internal.h"
#include "xalloc.h"

/* A registry credential is a JSON secret {"username": …, "password": …} that exists
 * before the task starts: not a generated value, nor one a bootstrap step writes later. */
static void registry_credentials(stack_ctx *c, const stack_node *root, const stack_service *v,
                                 const stack_container *k, int main)
{
    if (!k->repository_credentials)
        return;
    const stack_node *at = main ? stack_at(root, "services", v->name, "repository_credentials", NULL)
                                : stack_at(root, "services", v->name, "containers", k->name,
                                           "repository_credentials", NULL);
    char *path = main ? xasprintf("services.%s.repository_credentials", v->name)
                      : xasprintf("services.%s.containers.%s.repository_credentials", v->name, k->name);
    const stack_secret *sec = stack_find_secret(c->s, k->repository_credentials);
    if (!sec || sec->source == STACK_SECRET_BOOTSTRAP)
        stack_report(c, at, k->loc, "%s: '%s' is not %s; name a secret holding {\"username\": …, "
                    "\"password\": …} (existing:, from_file: or from_env:)", path, k->repository_credentials,
                    sec ? "available before the task starts (a bootstrap step fills it)" : "declared under 'secrets:'");
    else if (sec->source == STACK_SECRET_GENERATE || sec->or_generate)
        stack_report(c, at, k->loc, "%s: secret '%s' may be generated, and a registry credential is "
                    "{\"username\": …, \"password\": …}; give it with existing:, from_file: or from_env: alone",
                    path, k->repository_credentials);
    free(path);
}

/* { bucket_name: X } for a bucket of the stack that the file names X: say to use its
 * logical name, which keeps the permission when the name changes. */
static void bucket_names(stack_ctx *c, const stack_service *v)
{
    for (size_t i = 0; i < v->npermissions; i++) {
        const stack_permission *p = &v->permissions[i];
        for (size_t j = 0; p->kind == STACK_PERM_BUCKET && p->bucket_name && j < c->s->nbuckets; j++) {
            const stack_bucket *b = &c->s->buckets[j];
            if (b->bucket_name && !strcmp(b->bucket_name, p->bucket_name))
                stack_diag_add(c->d, p->loc, "services.%s.permissions[%zu]: %s is the stack's bucket %s; write "
                              "{ bucket: %s }", v->name, i, p->bucket_name, b->name, b->name);
        }
    }
}

void stack_check_settings(stack_ctx *c, const stack_node *root)
{
    stack_resolve_log_groups(c, root);
    for (size_t i = 0; i < c->s->nservices; i++) {
        const stack_service *v = &c->s->services[i];
        for (size_t k = 0; k < v->ncontainers; k++)
            registry_credentials(c, root, v, &v->containers[k], k == 0);
        bucket_names(c, v);
    }
}
