/* scaling: a service's desired count kept by Application Auto Scaling between min and
 * max, with target tracking on CPU, memory or the ALB's requests per task, and scheduled
 * actions (cron, at or rate, in a time zone). Everything AWS checks that can be checked
 * without a call is checked here: capacities, targets, cooldowns, schedule expressions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stack_internal.h"
#include "xalloc.h"

static const char *const scaling_keys[] = {"min", "max", "cpu", "memory", "requests",
                                           "scale_in_cooldown", "scale_out_cooldown", "schedule", NULL};
static const char *const schedule_keys[] = {"name", "cron", "at", "rate", "min", "max", "timezone", NULL};

/* Application Auto Scaling's limits for ECS: at most 200 scheduled actions per target,
 * cooldowns of at most a day. A service's count is at most 5000 (ECS). */
#define SCALING_MAX_SCHEDULE 200
#define SCALING_MAX_COUNT 5000

/* A cron expression as AWS reads it: six fields (minutes hours day-of-month month
 * day-of-week year), '?' in exactly one of the two day fields. NULL, or what is wrong. */
static const char *cron_problem(const char *expr)
{
    char copy[256];
    if (strlen(expr) >= sizeof copy)
        return "is too long";
    snprintf(copy, sizeof copy, "%s", expr);
    char *fields[7], *save = NULL;
    int n = 0;
    for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
        if (n == 7)
            return "has more than six fields (minutes hours day-of-month month day-of-week year)";
        fields[n++] = t;
    }
    if (n != 6)
        return "needs six fields: minutes hours day-of-month month day-of-week year, like \"0 8 ? * MON-FRI *\"";
    for (int i = 0; i < n; i++)
        if (strspn(fields[i], "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz*?,/#-L") !=
            strlen(fields[i]))
            return "has a field with characters a cron field cannot hold";
    if ((strcmp(fields[2], "?") == 0) == (strcmp(fields[4], "?") == 0))
        return "must have '?' in exactly one of day-of-month (3rd field) and day-of-week (5th field)";
    return NULL;
}

/* "2026-01-01T00:00:00", a date that exists. */
static const char *at_problem(const char *t)
{
    int y, mo, d, h, mi, s;
    char tail;
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (strlen(t) != 19 || sscanf(t, "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &s, &tail) != 6)
        return "must be a time like 2026-01-01T08:00:00";
    if (mo < 1 || mo > 12 || d < 1 || d > days[mo - 1] || h > 23 || mi > 59 || s > 59 ||
        (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))))
        return "is not a date and time that exists";
    return NULL;
}

/* "5 minutes", "1 hour", "2 days". */
static const char *rate_problem(const char *t)
{
    char unit[16], tail;
    int v;
    if (sscanf(t, "%d %15s%c", &v, unit, &tail) != 2)
        return "must be a number and a unit, like \"5 minutes\", \"1 hour\" or \"2 days\"";
    if (v < 1)
        return "must be at least 1";
    static const char *const units[] = {"minute", "hour", "day"};
    for (size_t i = 0; i < 3; i++) {
        size_t len = strlen(units[i]);
        if (strncmp(unit, units[i], len) == 0 &&
            (unit[len] == '\0' || (unit[len] == 's' && unit[len + 1] == '\0')))
            return NULL;
    }
    return "has a unit other than minute(s), hour(s) or day(s)";
}

/* An IANA time zone name by its shape (the names themselves are AWS's to check):
 * "UTC", "Europe/Paris", "America/Argentina/Buenos_Aires", "Etc/GMT+9". */
static int zone_shape_ok(const char *z)
{
    if (!*z || strlen(z) > 64 || z[0] == '/' || z[strlen(z) - 1] == '/' || strstr(z, "//"))
        return 0;
    return strspn(z, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/_+-") == strlen(z);
}

static void schedule_item(stack_ctx *c, const stack_node *n, void *ud)
{
    stack_scaling *sc = ud;
    stack_schedule *a = &sc->schedule[sc->nschedule];
    memset(a, 0, sizeof *a);
    a->loc = n->loc;
    a->min = a->max = -1;
    stack_get_str(c, n, "name", 1, &a->name);
    if (a->name && (strlen(a->name) > 200 || !*a->name ||
                    strspn(a->name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") !=
                        strlen(a->name)))
        stack_err_key(c, stack_node_get(n, "name"), "name",
                      "'%s' must be letters, digits, '-', '_' or '.' (at most 200)", a->name);
    static const char *const forms[] = {"cron", "at", "rate"};
    int given = 0;
    for (int f = 0; f < 3; f++) {
        const stack_node *x = stack_node_get(n, forms[f]);
        char *v = NULL;
        if (!x)
            continue;
        given++;
        if (stack_get_str(c, n, forms[f], 0, &v) != 0 || !v)
            continue;
        /* written with or without its wrapper: "0 8 * * ? *" or "cron(0 8 * * ? *)" */
        size_t fl = strlen(forms[f]), vl = strlen(v);
        if (strncmp(v, forms[f], fl) == 0 && v[fl] == '(' && vl > fl + 1 && v[vl - 1] == ')') {
            memmove(v, v + fl + 1, vl - fl - 2);
            v[vl - fl - 2] = '\0';
        }
        const char *why = f == 0 ? cron_problem(v) : f == 1 ? at_problem(v) : rate_problem(v);
        if (why)
            stack_err_key(c, x, forms[f], "'%s' %s", v, why);
        else if (!a->schedule)
            a->schedule = xasprintf("%s(%s)", forms[f], v);
        free(v);
    }
    if (given != 1)
        stack_err(c, n, "give one of cron: \"0 8 ? * MON-FRI *\", at: \"2026-01-01T08:00:00\" or "
                        "rate: \"1 day\"");
    stack_get_int(c, n, "min", 0, SCALING_MAX_COUNT, &a->min);
    stack_get_int(c, n, "max", 0, SCALING_MAX_COUNT, &a->max);
    if (!stack_node_get(n, "min") && !stack_node_get(n, "max"))
        stack_err(c, n, "give the min and/or max the action sets");
    else if (a->min >= 0 && a->max >= 0 && a->min > a->max)
        stack_err_key(c, stack_node_get(n, "min"), "min", "%d is more than max (%d)", a->min, a->max);
    if (stack_get_str(c, n, "timezone", 0, &a->timezone) == 0 && a->timezone && !zone_shape_ok(a->timezone))
        stack_err_key(c, stack_node_get(n, "timezone"), "timezone",
                      "'%s' is not a time zone name like UTC, Europe/Paris or America/New_York", a->timezone);
    for (size_t i = 0; a->name && i < sc->nschedule; i++)
        if (sc->schedule[i].name && !strcmp(sc->schedule[i].name, a->name))
            stack_err_key(c, stack_node_get(n, "name"), "name", "'%s' is already the name of another "
                          "action (line %d)", a->name, sc->schedule[i].loc.line);
    sc->nschedule++;
}

static void decode_schedule(stack_ctx *c, const stack_node *l, stack_scaling *sc)
{
    static const stack_list actions = {
        .not_list = "must be a list of actions like [ { name: day, cron: \"0 8 ? * MON-FRI *\", min: 2 } ]",
        .max = SCALING_MAX_SCHEDULE, .what = "actions",
        .why = "Application Auto Scaling keeps per service", .size = sizeof(stack_schedule),
        .keys = schedule_keys};
    size_t old = stack_path_push(c, "schedule");
    stack_decode_list(c, l, &actions, (void **)&sc->schedule, schedule_item, sc);
    stack_path_pop(c, old);
}

void stack_decode_scaling(stack_ctx *c, const stack_node *svc_node, stack_service *svc)
{
    const stack_node *n = stack_node_get(svc_node, "scaling");
    if (!n)
        return;
    stack_scaling *sc = &svc->scaling;
    size_t old = stack_path_push(c, "scaling");
    sc->loc = n->loc;
    sc->scale_in_cooldown = sc->scale_out_cooldown = 300;
    if (!stack_want_map(c, n)) {
        stack_path_pop(c, old);
        return;
    }
    sc->set = 1;
    stack_check_keys(c, n, scaling_keys);
    if (!stack_node_get(n, "min"))
        stack_err_missing(c, n, "min");
    if (!stack_node_get(n, "max"))
        stack_err_missing(c, n, "max");
    int ok = stack_get_int(c, n, "min", 0, SCALING_MAX_COUNT, &sc->min) == 0;
    ok &= stack_get_int(c, n, "max", 1, SCALING_MAX_COUNT, &sc->max) == 0;
    if (ok && stack_node_get(n, "min") && stack_node_get(n, "max") && sc->min > sc->max)
        stack_err_key(c, stack_node_get(n, "min"), "min", "%d is more than max (%d)", sc->min, sc->max);
    stack_get_double(c, n, "cpu", 1, 100, &sc->cpu);
    stack_get_double(c, n, "memory", 1, 100, &sc->memory);
    stack_get_double(c, n, "requests", 1, 1000000, &sc->requests);
    stack_get_int(c, n, "scale_in_cooldown", 0, 86400, &sc->scale_in_cooldown);
    stack_get_int(c, n, "scale_out_cooldown", 0, 86400, &sc->scale_out_cooldown);
    const stack_node *sched = stack_node_get(n, "schedule");
    if (sched)
        decode_schedule(c, sched, sc);
    if (!sc->cpu && !sc->memory && !sc->requests && !sc->nschedule && !sched)
        stack_err(c, n, "scales on nothing: give a target (cpu: 60, memory: 70, requests: 1000) "
                        "and/or a schedule");
    stack_path_pop(c, old);
}

/* Across the service: requests need a load balancer; the count at creation is in range. */
void stack_check_scaling(stack_ctx *c, const stack_node *root, stack_service *v)
{
    stack_scaling *sc = &v->scaling;
    if (!sc->set)
        return;
    const stack_node *at = stack_at(root, "services", v->name, "scaling", NULL);
    if (sc->requests && !v->has_load_balancer)
        stack_report(c, stack_at(at, "requests", NULL), sc->loc, "services.%s.scaling.requests: tracks the "
                     "load balancer's requests per task, so the service needs a load_balancer", v->name);
    const stack_node *dc = stack_at(root, "services", v->name, "desired_count", NULL);
    if (dc && dc != stack_at(root, "services", v->name, NULL)) {
        if (v->desired_count < sc->min || v->desired_count > sc->max)
            stack_report(c, dc, sc->loc, "services.%s.desired_count: %d is outside scaling's range %d to %d "
                         "(autoscaling would move it at once)", v->name, v->desired_count, sc->min, sc->max);
    } else {
        v->desired_count = sc->min > 0 ? sc->min : 1;
    }
}
