/* Deciding each node's action, and showing the plan. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "plan.h"
#include "xalloc.h"

/* Longer values are cut in the text plan (the JSON plan has them whole). */
#define PLAN_VALUE_MAX 160

/* Each action as the plan shows it: its name, its mark in the text plan and the colour
 * of its line on a terminal. */
static const struct {
    const char *name, *mark, *color;
} actions[] = {
    [RES_NONE] = {"none", " ", ""},
    [RES_CREATE] = {"create", "+", "\033[32m"},
    [RES_UPDATE] = {"update", "~", "\033[33m"},
    [RES_REPLACE] = {"replace", "-/+", "\033[35m"},
    [RES_DELETE] = {"delete", "-", "\033[31m"},
};

const char *plan_action_name(res_action a)
{
    return (unsigned)a < sizeof actions / sizeof actions[0] ? actions[a].name : "?";
}

static res_action up_action(res_ctx *ctx, res_node *n)
{
    if (!n->desired) /* kept: a kind keeps what holds data when the file drops it */
        return n->external || !n->physical_id || n->keep ? RES_NONE : RES_DELETE;
    if (n->external)
        return RES_NONE;
    if (!n->physical_id)
        return RES_CREATE;
    cJSON *desired = res_resolve(ctx, n->desired);
    res_diff(n->kind, desired, n->actual, &n->changes);
    cJSON_Delete(desired);
    if (n->changes.n == 0)
        return RES_NONE;
    for (size_t i = 0; i < n->changes.n; i++)
        if (n->changes.items[i].replaces || !n->kind->update)
            return RES_REPLACE;
    return RES_UPDATE;
}

/* What a resource that stays stands on stays too (a kept database: its subnet group,
 * security group, subnets and VPC), marked kept: dependencies come before their
 * dependents in build order, so one pass from the end reaches every level. */
static void keep_what_stays_needs(res_graph *g)
{
    for (size_t i = g->n; i-- > 0;) {
        const res_node *n = g->nodes[i];
        if (!n->physical_id || n->action == RES_DELETE || n->action == RES_REPLACE)
            continue;
        for (size_t d = 0; d < n->ndeps; d++)
            if (n->deps[d]->action == RES_DELETE) {
                n->deps[d]->action = RES_NONE;
                n->deps[d]->keep = 1;
            }
    }
}

/* Nodes are in build order, dependencies first, so a node's references are judged after
 * the actions of what it refers to are known. */
void plan_compute(res_ctx *ctx, int for_down)
{
    res_graph *g = ctx->graph;
    for (size_t i = 0; i < g->n; i++)
        g->nodes[i]->action = RES_NONE;
    ctx->planning = 1;
    for (size_t i = 0; i < g->n; i++) {
        res_node *n = g->nodes[i];
        res_changes_free(&n->changes);
        if (for_down)
            n->action = n->physical_id && !n->external && (!n->keep || ctx->purge) ? RES_DELETE
                                                                                    : RES_NONE;
        else
            n->action = up_action(ctx, n);
    }
    keep_what_stays_needs(g);
    for (size_t i = 0; for_down && i < g->n; i++) {
        res_node *n = g->nodes[i];
        if (n->action == RES_DELETE && n->kind->delete_changes)
            n->kind->delete_changes(ctx, n, &n->changes);
    }
    ctx->planning = 0;
}

plan_counts plan_count(const res_graph *g)
{
    plan_counts c = {0};
    for (size_t i = 0; i < g->n; i++) {
        const res_node *n = g->nodes[i];
        switch (n->action) {
        case RES_NONE:
            if (n->physical_id && n->keep && !n->desired)
                c.kept++;
            else
                c.unchanged++;
            break;
        case RES_CREATE: c.create++; break;
        case RES_UPDATE: c.update++; break;
        case RES_REPLACE: c.replace++; break;
        case RES_DELETE: c.delete++; break;
        }
    }
    return c;
}

int plan_left_kept(const res_node *n)
{
    return n->physical_id && n->keep && n->action == RES_NONE && !n->external;
}

int plan_needs_settle(const res_ctx *ctx, const res_node *n)
{
    return n->action == RES_NONE && ctx->wait_services && n->physical_id && n->desired &&
           n->kind->unsettled && n->kind->settle && n->kind->unsettled(n);
}

size_t plan_count_unsettled(const res_ctx *ctx)
{
    size_t c = 0;
    for (size_t i = 0; i < ctx->graph->n; i++)
        c += (size_t)plan_needs_settle(ctx, ctx->graph->nodes[i]);
    return c;
}

res_node **plan_kept_replacements(const res_graph *g)
{
    res_node **list = NULL;
    size_t n = 0;
    for (size_t i = 0; i < g->n; i++) {
        if (g->nodes[i]->action == RES_REPLACE && g->nodes[i]->keep && !g->nodes[i]->kind->replace_keeps_data) {
            list = xrealloc(list, (n + 2) * sizeof *list);
            list[n++] = g->nodes[i];
            list[n] = NULL;
        }
    }
    return list;
}

res_node **plan_missing_externals(const res_graph *g)
{
    res_node **list = NULL;
    size_t n = 0;
    for (size_t i = 0; i < g->n; i++) {
        const res_node *x = g->nodes[i];
        if (x->external && x->desired && !x->physical_id) {
            list = xrealloc(list, (n + 2) * sizeof *list);
            list[n++] = g->nodes[i];
            list[n] = NULL;
        }
    }
    return list;
}

/* A value for a line of text: control characters escaped, "" for an empty string, and
 * long values cut (at a character boundary) with how much was left out. */
static void put_value(buf *b, const char *v)
{
    size_t len = strlen(v), cut = len;
    if (len == 0) {
        buf_puts(b, "\"\"");
        return;
    }
    if (len > PLAN_VALUE_MAX) {
        cut = PLAN_VALUE_MAX - 20;
        while (cut > 0 && ((unsigned char)v[cut] & 0xC0) == 0x80)
            cut--;
    }
    for (size_t i = 0; i < cut; i++) {
        unsigned char c = (unsigned char)v[i];
        if (c == '\n')
            buf_puts(b, "\\n");
        else if (c == '\t')
            buf_puts(b, "\\t");
        else if (c < ' ' || c == 0x7f)
            buf_printf(b, "\\x%02x", c);
        else
            buf_putc(b, (char)c);
    }
    if (cut < len)
        buf_printf(b, "… (%zu more characters)", len - cut);
}

/* "path: from -> to", "+ path: to" (added), "- path: from" (removed). */
static void render_change(buf *b, const res_change *ch)
{
    buf_puts(b, "        ");
    if (!ch->from || !ch->to)
        buf_puts(b, ch->from ? "- " : "+ ");
    buf_printf(b, "%s: ", ch->path);
    if (ch->from)
        put_value(b, ch->from);
    if (ch->from && ch->to)
        buf_puts(b, " -> ");
    if (ch->to)
        put_value(b, ch->to);
    buf_printf(b, "%s\n", ch->replaces ? "  (forces replacement)" : "");
}

/* One node's line and its changes, field by field. */
static void render_node(buf *b, const res_node *n, int color)
{
    buf_printf(b, "%s%-3s %-8s %s%s", color ? actions[n->action].color : "",
               actions[n->action].mark, actions[n->action].name, n->id,
               color ? "\033[0m" : "");
    if (n->physical_id)
        buf_printf(b, " (%s)", n->physical_id);
    if (n->label && strcmp(n->label, n->id) != 0)
        buf_printf(b, "  %s", n->label);
    buf_putc(b, '\n');
    for (size_t c = 0; c < n->changes.n; c++)
        render_change(b, &n->changes.items[c]);
}

char *plan_render_destructive_text(const res_graph *g, int color)
{
    buf b = BUF_INIT;
    for (size_t i = 0; i < g->n; i++)
        if (g->nodes[i]->action == RES_REPLACE || g->nodes[i]->action == RES_DELETE)
            render_node(&b, g->nodes[i], color);
    return buf_detach(&b);
}

char *plan_render_noted_text(const res_graph *g, int color)
{
    buf b = BUF_INIT;
    for (size_t i = 0; i < g->n; i++)
        if (g->nodes[i]->action != RES_NONE && g->nodes[i]->changes.n)
            render_node(&b, g->nodes[i], color);
    return buf_detach(&b);
}

char *plan_render_text(const res_graph *g, int color)
{
    buf b = BUF_INIT;
    for (size_t i = 0; i < g->n; i++)
        if (g->nodes[i]->action != RES_NONE)
            render_node(&b, g->nodes[i], color);
    plan_counts c = plan_count(g);
    if (c.create + c.update + c.replace + c.delete == 0)
        buf_printf(&b, "No changes: %zu resources match the stack file.\n", c.unchanged);
    else
        buf_printf(&b, "Plan: %zu to create, %zu to update, %zu to replace, %zu to delete, %zu unchanged.\n",
                   c.create, c.update, c.replace, c.delete, c.unchanged);
    return buf_detach(&b);
}

cJSON *plan_render_json(const res_graph *g)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *actions = cJSON_AddArrayToObject(root, "resources");
    for (size_t i = 0; i < g->n; i++) {
        const res_node *n = g->nodes[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "id", n->id);
        cJSON_AddStringToObject(o, "kind", n->kind->name);
        cJSON_AddStringToObject(o, "action", plan_action_name(n->action));
        if (n->physical_id)
            cJSON_AddStringToObject(o, "physical_id", n->physical_id);
        cJSON *deps = cJSON_AddArrayToObject(o, "depends_on");
        for (size_t d = 0; d < n->ndeps; d++)
            cJSON_AddItemToArray(deps, cJSON_CreateString(n->deps[d]->id));
        cJSON *changes = cJSON_AddArrayToObject(o, "changes");
        for (size_t c = 0; c < n->changes.n; c++) {
            const res_change *ch = &n->changes.items[c];
            cJSON *co = cJSON_CreateObject();
            cJSON_AddStringToObject(co, "path", ch->path);
            if (ch->from)
                cJSON_AddStringToObject(co, "from", ch->from);
            if (ch->to)
                cJSON_AddStringToObject(co, "to", ch->to);
            cJSON_AddBoolToObject(co, "replaces", ch->replaces);
            cJSON_AddItemToArray(changes, co);
        }
        cJSON_AddItemToArray(actions, o);
    }
    plan_counts c = plan_count(g);
    cJSON *sum = cJSON_AddObjectToObject(root, "summary");
    cJSON_AddNumberToObject(sum, "create", (double)c.create);
    cJSON_AddNumberToObject(sum, "update", (double)c.update);
    cJSON_AddNumberToObject(sum, "replace", (double)c.replace);
    cJSON_AddNumberToObject(sum, "delete", (double)c.delete);
    cJSON_AddNumberToObject(sum, "unchanged", (double)c.unchanged);
    return root;
}
