/* What `up` decides before it changes anything (see plan_up_decide in plan.h). */
#include <string.h>

#include "plan.h"

void plan_up_decide(res_ctx *ctx, int allow_replace, plan_up_decision *d)
{
    memset(d, 0, sizeof *d);
    aws_error_clear(&d->err);
    plan_compute(ctx, 0);
    if ((d->nodes = plan_missing_externals(ctx->graph))) {
        d->verdict = PLAN_UP_MISSING_EXTERNALS;
        return;
    }
    if (res_reach_check_groups(ctx, &d->err) != 0) {
        d->verdict = PLAN_UP_MISSING_GROUPS;
        return;
    }
    if (res_secret_check_sources(ctx->graph, &d->err) != 0 ||
        res_parameter_check_sources(ctx->graph, &d->err) != 0) {
        d->verdict = PLAN_UP_UNREADABLE_SOURCE;
        return;
    }
    d->counts = plan_count(ctx->graph);
    d->unsettled = plan_count_unsettled(ctx);
    const plan_counts *c = &d->counts;
    if (c->create + c->update + c->replace + c->delete + d->unsettled == 0) {
        d->verdict = PLAN_UP_NOTHING;
        return;
    }
    if (res_ci_check_caller(ctx, &d->err) != 0) {
        d->verdict = PLAN_UP_CI_CHANGES_ITSELF;
        return;
    }
    if (!allow_replace && (d->nodes = plan_kept_replacements(ctx->graph))) {
        d->verdict = PLAN_UP_REPLACES_KEPT;
        return;
    }
    const res_registry *r = ctx->graph->registry;
    for (size_t k = 0; r && k < r->n; k++)
        if (r->kinds[k]->check && r->kinds[k]->check(ctx, &d->err) != 0) {
            d->verdict = PLAN_UP_REFUSED;
            return;
        }
    d->verdict = PLAN_UP_GO;
}
