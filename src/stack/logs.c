/* logs: retention (days or never) and the log group names, for the stack and for each
 * service; which group each service logs to once everything is decoded. */
#include <stdlib.h>
#include <string.h>

#include "stack_internal.h"
#include "stack_names.h"
#include "xalloc.h"

static const char *const logs_keys[] = {"retention_days", "name", NULL};

/* A number of days CloudWatch Logs keeps (after ${parameters}), or never. */
static void decode_retention(stack_ctx *c, const stack_node *n, int *days)
{
    const stack_node *v = stack_node_get(n, "retention_days");
    if (!v)
        return;
    size_t old = stack_path_push(c, "retention_days");
    char *text = NULL;
    if (stack_scalar(c, v, &text) == 0) {
        char *end = NULL;
        long d = strtol(text, &end, 10);
        if (!strcmp(text, "never"))
            *days = 0;
        else if (!*text || *end || text[0] == '-' || text[0] == '+')
            stack_err(c, v, "'%s' is not a number of days or never", text);
        else if (d > 100000 || !stack_valid_retention((int)d))
            stack_err(c, v, "%s is not a CloudWatch Logs retention; use 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, "
                           "180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 or never", text);
        else
            *days = (int)d;
        free(text);
    }
    stack_path_pop(c, old);
}

void stack_decode_logs(stack_ctx *c, const stack_node *n, int *retention_days, char **name)
{
    size_t old = stack_path_push(c, "logs");
    if (stack_want_map(c, n)) {
        stack_check_keys(c, n, logs_keys);
        decode_retention(c, n, retention_days);
        if (stack_get_str(c, n, "name", 0, name) == 0 && *name) {
            const char *why = stack_check_log_group_name(*name);
            if (why)
                stack_err_key(c, stack_node_get(n, "name"), "name", "'%s' %s", *name, why);
        }
    }
    stack_path_pop(c, old);
}

/* Each service's group: its own name, the stack's shared one, or the default. Two
 * services may share a group only through the stack's `logs.name`, which also holds the
 * retention of that group. */
void stack_resolve_log_groups(stack_ctx *c, const stack_node *root)
{
    stack_model *s = c->s;
    for (size_t i = 0; i < s->nservices; i++) {
        stack_service *v = &s->services[i];
        const stack_node *own = stack_node_get(stack_node_get(stack_node_get(root, "services"), v->name), "logs");
        if (v->log_group) {
            if (s->log_group && !strcmp(v->log_group, s->log_group))
                stack_report(c, stack_node_get(own, "name"), v->loc, "services.%s.logs.name: '%s' is already "
                            "the stack's log group (logs.name); leave the service's name out", v->name,
                            v->log_group);
        } else if (s->log_group) {
            v->log_group = xstrdup(s->log_group);
            v->log_group_shared = 1;
            if (stack_node_get(own, "retention_days"))
                stack_report(c, stack_node_get(own, "retention_days"), v->loc, "services.%s.logs.retention_days: "
                            "the service logs to the stack's group %s, whose retention is the stack's "
                            "logs.retention_days; set it there, or give the service its own logs.name",
                            v->name, s->log_group);
            v->log_retention_days = s->log_retention_days;
        } else if (s->name) {
            v->log_group = stack_name_log_group(s->name, v->name);
        }
    }
    for (size_t i = 0; i < s->nservices; i++)
        for (size_t j = 0; j < i; j++) {
            const stack_service *v = &s->services[i], *w = &s->services[j];
            if (v->log_group_shared || w->log_group_shared || !v->log_group || !w->log_group ||
                strcmp(v->log_group, w->log_group) != 0)
                continue;
            const stack_node *own = stack_node_get(stack_node_get(stack_node_get(root, "services"), v->name), "logs");
            stack_report(c, stack_node_get(own, "name"), v->loc, "services.%s.logs.name: '%s' is already the "
                        "log group of service %s; to share one group, name it in the stack's logs.name",
                        v->name, v->log_group, w->name);
        }
}
