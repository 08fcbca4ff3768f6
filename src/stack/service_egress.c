/* egress: where a service's tasks may send traffic. Given, the rules replace AWS's
 * allow-all egress rule of the service's group; left out, that rule stays. One item is
 * { to: DEST | [DEST, …], port: N | "A-B", protocol: tcp|udp|all }, one rule per
 * destination; a destination is a CIDR (IPv4 or IPv6), `vpc`, another service, a file
 * system or database of the stack (file_systems.NAME, databases.NAME), a prefix list
 * (pl-…) or an existing group (sg-…). */
#include <stdlib.h>
#include <string.h>

#include "stack_internal.h"
#include "stack_names.h"
#include "xalloc.h"

static const char *const egress_keys[] = {"to", "port", "protocol", NULL};
static const char *const proto_names[] = {"tcp", "udp", "all", NULL};

/* AWS's default quota of rules per direction of a security group. */
#define EGRESS_MAX_RULES 60

/* "443" or "1024-65535" (or a plain number node). 0, or -1 after reporting. */
static int read_ports(stack_ctx *c, const stack_node *n, int *from, int *to)
{
    char *text = NULL;
    if (stack_scalar(c, n, &text) != 0 || !text)
        return -1;
    char *end;
    long a = strtol(text, &end, 10), b = a;
    if (end != text && *end == '-')
        b = strtol(end + 1, &end, 10);
    int ok = end != text && *end == '\0' && a >= 0 && a <= 65535 && b >= a && b <= 65535;
    if (!ok)
        stack_err(c, n, "'%s' is not a port (0 to 65535) or a range like 1024-65535", text);
    free(text);
    if (!ok)
        return -1;
    *from = (int)a;
    *to = (int)b;
    return 0;
}

/* What kind of destination `to` is, with its normalised value (new string) or NULL after
 * reporting. */
static char *read_dest(stack_ctx *c, const stack_node *at, const char *to, stack_dest_kind *kind)
{
    static const struct {
        const char *section, *node_prefix;
    } sections[] = {{"file_systems.", "sg/efs-"}, {"databases.", "sg/db-"}};
    for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++) {
        size_t len = strlen(sections[i].section);
        if (strncmp(to, sections[i].section, len) == 0) {
            const char *why = stack_check_logical_name(to + len);
            if (why) {
                stack_err(c, at, "'%s': '%s' %s", to, to + len, why);
                return NULL;
            }
            *kind = STACK_DEST_NODE;
            return xasprintf("%s%s", sections[i].node_prefix, to + len);
        }
    }
    if (strchr(to, '/')) {
        char *why = NULL, *cidr = stack_cidr_check(to, &why);
        if (!cidr)
            stack_err(c, at, "%s", why);
        free(why);
        *kind = STACK_DEST_CIDR;
        return cidr;
    }
    if (strcmp(to, "vpc") == 0) {
        *kind = STACK_DEST_VPC;
        return xstrdup(to);
    }
    if (strncmp(to, "pl-", 3) == 0 || strncmp(to, "sg-", 3) == 0) {
        size_t n = strspn(to + 3, "0123456789abcdef");
        if (to[3 + n] || (n != 8 && n != 17)) {
            stack_err(c, at, "'%s' is not a %s id (%.3s followed by 8 or 17 hexadecimal digits)", to,
                      to[0] == 'p' ? "prefix list" : "security group", to);
            return NULL;
        }
        *kind = to[0] == 'p' ? STACK_DEST_PREFIX_LIST : STACK_DEST_GROUP;
        return xstrdup(to);
    }
    if (strchr(to, '.') || stack_check_logical_name(to)) {
        stack_err(c, at, "'%s' is not a destination: write a CIDR (0.0.0.0/0, ::/0), vpc, a service "
                         "of this stack, file_systems.NAME, databases.NAME, a prefix list (pl-…) or a "
                         "security group (sg-…)", to);
        return NULL;
    }
    *kind = STACK_DEST_SERVICE;
    return xstrdup(to);
}

static void add_rule(stack_service *svc, size_t *cap, const stack_egress *e)
{
    if (svc->negress == *cap) {
        *cap = *cap ? 2 * *cap : 8;
        svc->egress = xrealloc(svc->egress, *cap * sizeof *svc->egress);
    }
    svc->egress[svc->negress++] = *e;
}

/* The rules read so far, and the room made for them. */
typedef struct {
    stack_service *svc;
    size_t cap;
} egress_rules;

static void egress_item(stack_ctx *c, const stack_node *n, void *ud)
{
    stack_service *svc = ((egress_rules *)ud)->svc;
    size_t *cap = &((egress_rules *)ud)->cap;
    int proto = 0, from = 0, to_port = 0;
    stack_get_enum(c, n, "protocol", proto_names, &proto);
    const stack_node *port = stack_node_get(n, "port");
    if (proto == 2 && port)
        stack_err_key(c, port, "port", "protocol all covers every port; leave 'port' out");
    else if (proto != 2 && !port)
        stack_err(c, n, "needs port: N (or a range like \"1024-65535\"), or protocol: all");
    else if (port && read_ports(c, port, &from, &to_port) != 0)
        return;
    const stack_node *dests = stack_node_get(n, "to");
    if (!dests) {
        stack_err_missing(c, n, "to");
        return;
    }
    size_t old = stack_path_push(c, "to");
    size_t count = dests->kind == STACK_NODE_SEQ ? dests->n : 1;
    if (dests->kind == STACK_NODE_SEQ && !count)
        stack_err(c, dests, "name at least one destination");
    for (size_t i = 0; i < count; i++) {
        const stack_node *d = dests->kind == STACK_NODE_SEQ ? dests->vals[i] : dests;
        size_t o2 = dests->kind == STACK_NODE_SEQ ? stack_path_push_index(c, i) : c->path.len;
        char *text = NULL;
        if (stack_scalar(c, d, &text) == 0 && text) {
            stack_egress e = {.loc = d->loc, .port = from, .to_port = to_port};
            e.to = read_dest(c, d, text, &e.kind);
            if (e.to) {
                e.written = text;
                e.protocol = xstrdup(proto_names[proto]);
                add_rule(svc, cap, &e);
                text = NULL;
            }
        }
        free(text);
        stack_path_pop(c, o2);
    }
    stack_path_pop(c, old);
}

void stack_decode_egress(stack_ctx *c, const stack_node *n, stack_service *svc)
{
    const stack_node *l = stack_node_get(n, "egress");
    if (!l)
        return;
    static const char not_rules[] = "must be a list of rules like [ { to: 0.0.0.0/0, port: 443 } "
                                    "]; leave 'egress' out to keep AWS's allow-all rule";
    static const stack_list rules = {.not_list = not_rules, .empty = not_rules,
                                     .max = EGRESS_MAX_RULES, .what = "rules",
                                     .why = "a security group takes per direction",
                                     .keys = egress_keys};
    size_t old = stack_path_push(c, "egress");
    egress_rules r = {svc, 0};
    if (stack_decode_list(c, l, &rules, NULL, egress_item, &r) && svc->negress > EGRESS_MAX_RULES)
        stack_err(c, l, "%zu rules (one per destination) are more than the %d a security group "
                        "takes per direction", svc->negress, EGRESS_MAX_RULES);
    stack_path_pop(c, old);
}

/* Once every service is known: service destinations exist, and no rule is given twice. */
void stack_check_egress(stack_ctx *c, const stack_service *v)
{
    for (size_t i = 0; i < v->negress; i++) {
        const stack_egress *e = &v->egress[i];
        if (e->kind == STACK_DEST_SERVICE && !stack_find_service(c->s, e->to))
            stack_diag_add(c->d, e->loc, "services.%s.egress: there is no service '%s'", v->name, e->to);
        if (e->kind == STACK_DEST_NODE && !strncmp(e->to, "sg/efs-", 7)) {
            const stack_file_system *fs = stack_find_file_system(c->s, e->to + 7);
            if (!fs)
                stack_diag_add(c->d, e->loc, "services.%s.egress: there is no file system '%s' in "
                               "file_systems", v->name, e->to + 7);
            else if (fs->existing)
                stack_diag_add(c->d, e->loc, "services.%s.egress: file system '%s' is an existing one, "
                               "without a group of the stack: write its mount targets' CIDR or group",
                               v->name, e->to + 7);
        }
        for (size_t j = 0; j < i; j++) {
            const stack_egress *f = &v->egress[j];
            if (f->kind == e->kind && !strcmp(f->to, e->to) && !strcmp(f->protocol, e->protocol) &&
                f->port == e->port && f->to_port == e->to_port) {
                stack_diag_add(c->d, e->loc, "services.%s.egress: the rule to %s is given twice (line %d)",
                               v->name, e->written, f->loc.line);
                break;
            }
        }
    }
}
