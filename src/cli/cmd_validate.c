/*
 * ecsdeploy validate: load and check the stack file offline, print a short summary (or
 * the resolved model as JSON). Also cli_load_stack(), which every command uses first.
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cli_internal.h"
#include "stack.h"
#include "suggest.h"

/* The problems as one JSON document on stdout, for `validate --output json`. */
static void print_problems_json(const stack_diags *d)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "file", d->file ? d->file : "");
    cJSON_AddBoolToObject(o, "valid", 0);
    cJSON *a = cJSON_AddArrayToObject(o, "problems");
    for (size_t i = 0; i < d->n; i++) {
        cJSON *p = cJSON_CreateObject();
        cJSON_AddNumberToObject(p, "line", d->items[i].loc.line);
        cJSON_AddNumberToObject(p, "column", d->items[i].loc.col);
        cJSON_AddStringToObject(p, "message", d->items[i].message);
        cJSON_AddItemToArray(a, p);
    }
    cli_print_json(o, 1);
}

static int load_stack(const cli_globals *g, stack_model **out, int json_problems)
{
    stack_options o = {g->sets, g->nsets, g->set_files, g->nset_files, g->environment};
    stack_diags d;
    memset(&d, 0, sizeof d);
    const char *file = g->stack_file ? g->stack_file : "ecsdeploy.yml";
    if (stack_load_file(file, &o, out, &d) == 0) {
        stack_diags_free(&d);
        return 0;
    }
    if (json_problems)
        print_problems_json(&d);
    stack_diags_print(&d, stderr, STACK_DIAG_PRINT_CAP);
    fprintf(stderr, "ecsdeploy: %s: %zu problem%s; nothing was sent to AWS\n", d.file ? d.file : file, d.n,
            d.n == 1 ? "" : "s");
    stack_diags_free(&d);
    return EXIT_USAGE;
}

int cli_load_stack(const cli_globals *g, stack_model **out)
{
    return load_stack(g, out, 0);
}

int cli_no_such_service(const stack_model *st, const char *name, const char *hint)
{
    const char **names = calloc(st->nservices + 1, sizeof *names);
    buf list = BUF_INIT;
    for (size_t i = 0; names && i < st->nservices; i++) {
        names[i] = st->services[i].name;
        buf_printf(&list, "%s%s", i ? ", " : "", names[i]);
    }
    const char *close = names ? util_suggest(name, names) : NULL;
    buf b = BUF_INIT;
    if (close)
        buf_printf(&b, " (did you mean '%s'?)", close);
    buf_printf(&b, "; it has %s%s", st->nservices ? "" : "no services", buf_str(&list));
    if (hint)
        buf_printf(&b, "; %s", hint);
    int rc = cli_usage_error("the stack %s has no service '%s'%s", st->name, name, buf_str(&b));
    buf_free(&b);
    buf_free(&list);
    free(names);
    return rc;
}

static void line(const char *label, buf *b)
{
    if (b->len)
        printf("  %-15s %s\n", label, buf_str(b));
    buf_reset(b);
}

static void summary_network(const stack_model *s, buf *b)
{
    const stack_network *n = &s->network;
    if (n->mode == STACK_VPC_DEFAULT)
        buf_puts(b, "the account's default VPC");
    else if (n->mode == STACK_VPC_EXISTING)
        buf_printf(b, "existing %s (%zu public, %zu private subnets)", n->vpc_id, n->npublic_subnet_ids,
                   n->nprivate_subnet_ids);
    else
        buf_printf(b, "new VPC %s, %d zone%s, %s%s%s subnets (/%d), NAT %s", n->cidr, n->zones,
                   n->zones == 1 ? "" : "s", n->public_subnets ? "public" : "",
                   n->public_subnets && n->private_subnets ? " and " : "", n->private_subnets ? "private" : "",
                   n->subnet_prefix, stack_nat_name(n->nat));
    if (n->ipv6)
        buf_puts(b, ", dual-stack (IPv6)");
}

static void summary_service(const stack_service *v, buf *b)
{
    if (v->scaling.set)
        buf_printf(b, "%s: %d cpu, %d MiB, %s, %d to %d tasks (autoscaled)", v->name, v->cpu, v->memory,
                   stack_arch_name(v->arch), v->scaling.min, v->scaling.max);
    else
        buf_printf(b, "%s: %d cpu, %d MiB, %s, %d task%s", v->name, v->cpu, v->memory,
                   stack_arch_name(v->arch), v->desired_count, v->desired_count == 1 ? "" : "s");
    if (stack_service_port(v))
        buf_printf(b, ", port %d", stack_service_port(v));
    buf_printf(b, ", %s subnets", stack_tier_name(v->subnets));
    if (v->has_load_balancer)
        buf_printf(b, ", behind %s", v->lb.load_balancer);
    if (v->has_discovery)
        buf_printf(b, ", discovery %s", v->discovery_name);
    if (v->ncontainers > 1)
        buf_printf(b, ", %zu more container%s", v->ncontainers - 1, v->ncontainers == 2 ? "" : "s");
    if (v->deployment.strategy != STACK_DEPLOY_ROLLING)
        buf_printf(b, ", %s", stack_strategy_name(v->deployment.strategy));
    for (size_t i = 0; i < v->nreach; i++)
        buf_printf(b, "%s%s:%d", i ? ", " : ", reaches ", v->reach[i].group, v->reach[i].port);
    for (size_t i = 0, shown = 0; i < v->ndatabases + v->ncaches; i++) {
        int db = i < v->ndatabases;
        size_t j = db ? i : i - v->ndatabases;
        if (stack_store_use_repeats(db ? v->databases : v->caches, j))
            continue;
        buf_printf(b, "%s%s", shown++ ? ", " : ", uses ", db ? v->databases[j].name : v->caches[j].name);
    }
    if (v->connect.set && v->connect.client_only)
        buf_puts(b, ", Service Connect client");
    else if (v->connect.set)
        buf_printf(b, ", Service Connect %s:%d", v->connect.alias, v->connect.alias_port);
    if (v->negress)
        buf_printf(b, ", %zu egress rule%s", v->negress, v->negress == 1 ? "" : "s");
    if (v->exec)
        buf_puts(b, ", exec");
}

static void print_summary(const char *file, const stack_model *s)
{
    buf b = BUF_INIT;
    if (s->region)
        printf("%s: stack %s is valid (region %s)\n", file, s->name, s->region);
    else
        printf("%s: stack %s is valid\n", file, s->name);
    for (size_t i = 0; i < s->nenvironments; i++) /* which one this is, and the others */
        buf_printf(&b, "%s%s%s", i ? ", " : "", s->environments[i],
                   s->environment && !strcmp(s->environment, s->environments[i]) ? " (this one)" : "");
    line("environments", &b);
    summary_network(s, &b);
    line("network", &b);
    for (size_t i = 0; i < s->nservices; i++) {
        summary_service(&s->services[i], &b);
        line(i ? "" : "services", &b);
    }
    for (size_t i = 0; i < s->nload_balancers; i++) {
        const stack_load_balancer *lb = &s->load_balancers[i];
        buf_printf(&b, "%s: %s", lb->name, lb->internal ? "internal" : "internet-facing");
        for (size_t j = 0; j < lb->nlisteners; j++)
            buf_printf(&b, "%s%s:%d%s%s", j ? ", " : " ", lb->listeners[j].protocol == STACK_PROTO_HTTPS ? "HTTPS" : "HTTP",
                       lb->listeners[j].port, lb->listeners[j].redirect_port ? " (redirect)" : "",
                       lb->listeners[j].nmanaged_names ? " (DNS-validated certificate)" : "");
        for (size_t j = 0; j < lb->ndomains; j++)
            buf_printf(&b, "%s%s", j ? ", " : ", at ", lb->domains[j]);
        line(i ? "" : "load balancers", &b);
    }
    for (size_t i = 0; i < s->nzones; i++)
        buf_printf(&b, "%s%s (%s%s)", i ? ", " : "", s->zones[i].name, s->zones[i].domain,
                   s->zones[i].keep ? ", kept" : "");
    line("zones", &b);
    for (size_t i = 0; i < s->nsecrets; i++)
        buf_printf(&b, "%s%s (%s%s)", i ? ", " : "", s->secrets[i].name, stack_secret_source_name(s->secrets[i].source),
                   s->secrets[i].or_generate ? ", else generate" : "");
    line("secrets", &b);
    for (size_t i = 0; i < s->nbuckets; i++) {
        const stack_bucket *k = &s->buckets[i];
        if (k->bucket_name) /* a default name needs the account: shown with its hash to come */
            buf_printf(&b, "%s%s (%s%s)", i ? ", " : "", k->name, k->bucket_name, k->keep ? ", kept" : "");
        else
            buf_printf(&b, "%s%s (%s-%s-<hash of account and region>%s)", i ? ", " : "", k->name, s->name,
                       k->name, k->keep ? ", kept" : "");
    }
    line("buckets", &b);
    for (size_t i = 0; i < s->nsites; i++) {
        const stack_site *x = &s->sites[i];
        buf_printf(&b, "%s%s (bucket %s%s%s, %s%s)", i ? ", " : "", x->name, x->bucket,
                   x->path ? x->path : "", x->spa ? ", single-page app" : "",
                   x->domain ? "https://" : "CloudFront's domain", x->domain ? x->domain : "");
    }
    line("sites", &b);
    if (s->ci.enabled) {
        buf_printf(&b, "GitHub %s", s->ci.repository ? s->ci.repository : "");
        for (size_t i = 0; i < s->ci.nbranches; i++)
            buf_printf(&b, "%s%s", i ? ", " : ", branches ", s->ci.branches[i]);
        for (size_t i = 0; i < s->ci.nenvironments; i++)
            buf_printf(&b, "%s%s", i ? ", " : ", environments ", s->ci.environments[i]);
        for (size_t i = 0; i < s->ci.npublish; i++)
            buf_printf(&b, "%s%s", i ? ", " : ", publishes ", s->ci.publish[i]);
    }
    line("ci", &b);
    for (size_t i = 0; i < s->ndatabases; i++) {
        const stack_database *db = &s->databases[i];
        if (db->existing)
            buf_printf(&b, "%s%s (existing %s)", i ? ", " : "", db->name, db->existing);
        else
            buf_printf(&b, "%s%s (%s%s%s, %s, %d GiB%s%s)", i ? ", " : "", db->name,
                       stack_db_engine_name(db->engine), db->version ? " " : "",
                       db->version ? db->version : "", db->instance_class, db->storage_gib,
                       db->multi_az ? ", Multi-AZ" : "", db->keep ? ", kept" : "");
    }
    line("databases", &b);
    for (size_t i = 0; i < s->ncaches; i++)
        buf_printf(&b, "%s%s (existing %s)", i ? ", " : "", s->caches[i].name, s->caches[i].existing);
    line("caches", &b);
    for (size_t i = 0; i < s->nfile_systems; i++) {
        const stack_file_system *fs = &s->file_systems[i];
        buf_printf(&b, "%s%s (%s", i ? ", " : "", fs->name, fs->existing ? fs->existing : fs->keep ? "kept" : "new");
        for (size_t j = 0; j < fs->naccess_points; j++)
            buf_printf(&b, "%s%s", j ? " " : ", access points ", fs->access_points[j].name);
        buf_puts(&b, ")");
    }
    line("file systems", &b);
    static const char *const sources[] = {"value", "from_file", "generate", "existing", "path"};
    for (size_t i = 0; i < s->nssm_parameters; i++) {
        const stack_ssm_parameter *p = &s->ssm_parameters[i];
        buf_printf(&b, "%s%s (%s%s%s)", i ? ", " : "", p->name, p->type ? p->type : "", p->type ? ", " : "",
                   sources[p->source]);
    }
    line("parameters", &b);
    if (s->namespace_name)
        buf_puts(&b, s->namespace_name);
    line("discovery", &b);
    if (s->connect_namespace)
        buf_puts(&b, s->connect_namespace);
    line("service connect", &b);
    for (size_t i = 0; i < s->nbootstrap; i++)
        buf_printf(&b, "%s%s (in %s, fills %s)", i ? ", " : "", s->bootstrap[i].name, s->bootstrap[i].service,
                   s->bootstrap[i].secret);
    line("bootstrap", &b);
    for (size_t i = 0; i < s->noutputs; i++)
        buf_printf(&b, "%s%s", i ? ", " : "", s->outputs[i].name);
    line("outputs", &b);
    buf_free(&b);
}

static int run_validate(const cli_globals *g, void *state, int argc, char **argv)
{
    (void)state;
    if (argc > 0)
        return cli_usage_error("validate takes no arguments, got '%s' (name the file with -f FILE)", argv[0]);
    stack_model *s = NULL;
    int rc = load_stack(g, &s, g->output == OUTPUT_JSON);
    if (rc != 0)
        return rc;
    if (g->output == OUTPUT_JSON) {
        char *js = stack_to_json(s);
        puts(js);
        free(js);
    } else {
        print_summary(s->file, s);
    }
    stack_free(s);
    return EXIT_OK;
}

const cli_command_code cli_code_validate = {.run = run_validate};
