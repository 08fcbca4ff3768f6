/* `ecsdeploy status` in words (see status_internal.h): no raw JSON, no empty headers. */
#include "status_internal.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws.h"
#include "buf.h"
#include "clock.h"
#include "term_internal.h"

static double num(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

static int is_kind(const cJSON *o, const char *kind)
{
    const char *k = aws_json_str(o, "kind");
    return k && strcmp(k, kind) == 0;
}

/* The node's name: its id without the kind ("service/web" -> "web"). */
static const char *name_of(const cJSON *o)
{
    const char *id = aws_json_str(o, "id");
    const char *slash = id ? strchr(id, '/') : NULL;
    return slash ? slash + 1 : id ? id : "?";
}

static void print_line(FILE *out, const buf *b, int cols)
{
    buf cut = BUF_INIT;
    cli_put_cut(&cut, buf_str(b), cols > 0 ? (size_t)cols : (size_t)-1);
    fprintf(out, "%s\n", buf_str(&cut));
    buf_free(&cut);
}

/* Target counts in words: "2 healthy, 1 unhealthy (Health checks failed ...)". */
static void targets_words(const cJSON *t, buf *b)
{
    size_t before = b->len;
    for (const cJSON *c = t ? t->child : NULL; c; c = c->next) {
        if (!cJSON_IsNumber(c) || c->valuedouble <= 0)
            continue;
        buf_printf(b, "%s%d %s", b->len > before ? ", " : "", (int)c->valuedouble,
                   strcmp(c->string, "other") == 0 ? "starting or draining" : c->string);
    }
    if (b->len == before)
        buf_puts(b, "no targets");
    const cJSON *why = cJSON_GetObjectItemCaseSensitive(t, "reasons");
    if (cJSON_IsArray(why) && why->child && cJSON_IsString(why->child))
        buf_printf(b, " (%s)", why->child->valuestring);
}

/* A service's health in a few words (with the count of healthy targets when asked). */
static void health_words(const cJSON *s, int count_targets, buf *b)
{
    const char *state = aws_json_str(s, "state");
    if (state && strcmp(state, "present") != 0) {
        buf_puts(b, state);
        return;
    }
    if (aws_json_str(s, "error")) {
        buf_puts(b, "unknown (could not be read)");
        return;
    }
    const cJSON *targets = cJSON_GetObjectItemCaseSensitive(s, "targets");
    int unhealthy = (int)num(targets, "unhealthy");
    const char *rollout = aws_json_str(s, "rollout_state");
    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(s, "healthy"))) {
        buf_puts(b, "healthy");
        if (targets && count_targets) {
            int n = (int)num(targets, "healthy");
            buf_printf(b, ", %d target%s", n, n == 1 ? "" : "s");
        }
    } else if (!cJSON_GetObjectItemCaseSensitive(s, "running")) {
        buf_puts(b, "not found in ECS");
    } else if (rollout && strcmp(rollout, "FAILED") == 0) {
        buf_puts(b, "deployment failed");
    } else if ((rollout && strcmp(rollout, "IN_PROGRESS") == 0) || num(s, "deployments") > 1) {
        buf_puts(b, "deploying");
    } else if (unhealthy > 0) {
        buf_printf(b, "%d unhealthy target%s", unhealthy, unhealthy == 1 ? "" : "s");
    } else if (num(s, "running") < num(s, "desired")) {
        buf_printf(b, "%d of %d running", (int)num(s, "running"), (int)num(s, "desired"));
    } else {
        buf_puts(b, "unhealthy");
    }
}

/* "3m ago" for an RFC 3339 UTC time, or "" when unknown. */
static void age_words(const char *when, buf *b)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    if (!when || !strptime(when, "%Y-%m-%dT%H:%M:%SZ", &tm))
        return;
    double secs = util_wall() - (double)timegm(&tm);
    if (secs < 0)
        secs = 0;
    if (secs < 90)
        buf_printf(b, "%ds ago", (int)secs);
    else if (secs < 90 * 60)
        buf_printf(b, "%dm ago", (int)(secs / 60 + 0.5));
    else if (secs < 36 * 3600)
        buf_printf(b, "%dh ago", (int)(secs / 3600 + 0.5));
    else
        buf_printf(b, "%dd ago", (int)(secs / 86400 + 0.5));
}

/* An ECS service event without its "(service NAME) " prefix. */
static const char *event_text(const char *m)
{
    if (m && strncmp(m, "(service ", 9) == 0) {
        const char *end = strstr(m, ") ");
        if (end)
            return end + 2;
    }
    return m ? m : "";
}

static void last_event(const cJSON *s, buf *b)
{
    const cJSON *ev = cJSON_GetObjectItemCaseSensitive(s, "events");
    if (!cJSON_IsArray(ev) || !cJSON_IsString(ev->child))
        return;
    age_words(aws_json_str(s, "last_event_at"), b);
    buf_printf(b, "%s%s", b->len ? ": " : "", event_text(ev->child->valuestring));
}

enum { COL_NAME, COL_TASKS, COL_REV, COL_IMAGE, COL_HEALTH, COL_EVENT, NCOLS };

static void service_cells(const cJSON *s, buf cell[NCOLS])
{
    buf_puts(&cell[COL_NAME], name_of(s));
    if (cJSON_GetObjectItemCaseSensitive(s, "running")) {
        buf_printf(&cell[COL_TASKS], "%d/%d", (int)num(s, "running"), (int)num(s, "desired"));
        if (num(s, "pending") > 0)
            buf_printf(&cell[COL_TASKS], " +%d", (int)num(s, "pending"));
        buf_printf(&cell[COL_REV], "%d", (int)num(s, "revision"));
    } else {
        buf_puts(&cell[COL_TASKS], "-");
        buf_puts(&cell[COL_REV], "-");
    }
    const cJSON *images = cJSON_GetObjectItemCaseSensitive(s, "images");
    int n = cJSON_GetArraySize(images);
    if (n > 0 && cJSON_IsString(images->child))
        buf_printf(&cell[COL_IMAGE], "%s%s", images->child->valuestring, n > 1 ? " +more" : "");
    else
        buf_puts(&cell[COL_IMAGE], "-");
    health_words(s, 1, &cell[COL_HEALTH]);
    last_event(s, &cell[COL_EVENT]);
}

void status_print_services(FILE *out, const cJSON *resources, int cols)
{
    static const char *const heads[NCOLS] = {"SERVICE", "TASKS", "REV", "IMAGE", "HEALTH",
                                             "LAST EVENT"};
    size_t n = 0, width[NCOLS];
    for (int c = 0; c < NCOLS; c++)
        width[c] = strlen(heads[c]);
    const cJSON *r;
    cJSON_ArrayForEach(r, resources) n += is_kind(r, "service");
    if (n == 0)
        return;
    buf *cells = calloc(n * NCOLS, sizeof *cells);
    size_t i = 0;
    cJSON_ArrayForEach(r, resources) {
        if (!is_kind(r, "service"))
            continue;
        service_cells(r, &cells[i * NCOLS]);
        for (int c = 0; c < NCOLS; c++) {
            size_t w = cli_display_width(buf_str(&cells[i * NCOLS + c]), cells[i * NCOLS + c].len);
            if (w > width[c])
                width[c] = w;
        }
        i++;
    }
    if (width[COL_IMAGE] > 48)
        width[COL_IMAGE] = 48;
    buf line = BUF_INIT;
    for (size_t row = 0; row <= n; row++) {
        buf_reset(&line);
        for (int c = 0; c < NCOLS; c++) {
            const char *text = row == 0 ? heads[c] : buf_str(&cells[(row - 1) * NCOLS + c]);
            if (c == NCOLS - 1)
                buf_puts(&line, text);
            else {
                cli_put_padded(&line, text, width[c]);
                buf_puts(&line, "  ");
            }
        }
        while (line.len && line.data[line.len - 1] == ' ')
            line.data[--line.len] = '\0';
        print_line(out, &line, cols);
    }
    buf_free(&line);
    for (i = 0; i < n * NCOLS; i++)
        buf_free(&cells[i]);
    free(cells);
}

/* What a node adds after its name in the infrastructure lines, "" when nothing. */
static void node_words(const cJSON *o, buf *b)
{
    const char *state = aws_json_str(o, "state");
    if (state && strcmp(state, "present") != 0) {
        buf_printf(b, " (%s)", state);
        return;
    }
    if (aws_json_str(o, "error"))
        buf_printf(b, " (could not be read: %s)", aws_json_str(o, "error"));
}

static void kind_details(const cJSON *o, buf *b)
{
    const char *state = aws_json_str(o, "state");
    if (state && strcmp(state, "present") != 0)
        return;
    const cJSON *targets = cJSON_GetObjectItemCaseSensitive(o, "targets");
    if (aws_json_str(o, "dns_name"))
        buf_printf(b, ": %s%s%s", aws_json_str(o, "lb_state") ? aws_json_str(o, "lb_state") : "",
                   aws_json_str(o, "lb_state") ? ", " : "", aws_json_str(o, "dns_name"));
    else if (aws_json_str(o, "nat_state"))
        buf_printf(b, ": %s", aws_json_str(o, "nat_state"));
    else if (aws_json_str(o, "summary")) /* a kind's own words: a database's state and endpoint,
                                  * "available, 2 mount targets (…)" */
        buf_printf(b, ": %s", aws_json_str(o, "summary"));
    else if (targets) {
        buf_puts(b, ": ");
        targets_words(targets, b);
    } else if (aws_json_str(o, "summary")) /* a kind's own words (a site: "Deployed, https://…") */
        buf_printf(b, ": %s", aws_json_str(o, "summary"));
}

void status_print_infrastructure(FILE *out, const cJSON *resources, int cols)
{
    size_t total = 0, present = 0;
    const cJSON *r;
    cJSON_ArrayForEach(r, resources) {
        if (is_kind(r, "service"))
            continue;
        total++;
        present += aws_json_str(r, "state") && strcmp(aws_json_str(r, "state"), "present") == 0;
    }
    if (total == 0)
        return;
    if (present == total)
        fprintf(out, "Infrastructure: %zu resources, all present\n", total);
    else
        fprintf(out, "Infrastructure: %zu resources, %zu present, %zu not as the file says\n", total,
                present, total - present);
    /* one line per kind, in the order the kinds first appear */
    buf line = BUF_INIT;
    cJSON_ArrayForEach(r, resources) {
        const char *kind = aws_json_str(r, "kind");
        if (!kind || is_kind(r, "service"))
            continue;
        int first = 1;
        for (const cJSON *p = resources->child; p != r; p = p->next)
            first &= !is_kind(p, kind);
        if (!first)
            continue;
        buf_reset(&line);
        buf_puts(&line, "  ");
        cli_put_padded(&line, aws_json_str(r, "title") ? aws_json_str(r, "title") : kind, 22);
        int n = 0;
        for (const cJSON *p = r; p; p = p->next) {
            if (!is_kind(p, kind))
                continue;
            buf_printf(&line, "%s%s", n++ ? ", " : "", name_of(p));
            node_words(p, &line);
            kind_details(p, &line);
        }
        print_line(out, &line, cols);
    }
    buf_free(&line);
}

static void detail(FILE *out, int cols, const char *label, const char *fmt_value)
{
    buf b = BUF_INIT;
    buf_printf(&b, "  %-10s %s", label, fmt_value);
    print_line(out, &b, cols);
    buf_free(&b);
}

void status_print_service(FILE *out, const cJSON *s, int cols)
{
    buf v = BUF_INIT;
    fprintf(out, "Service %s\n", name_of(s));
    if (aws_json_str(s, "physical_id"))
        detail(out, cols, "arn", aws_json_str(s, "physical_id"));
    health_words(s, 0, &v);
    if (cJSON_GetObjectItemCaseSensitive(s, "targets")) {
        buf_puts(&v, "; targets: ");
        targets_words(cJSON_GetObjectItemCaseSensitive(s, "targets"), &v);
    }
    detail(out, cols, "health", buf_str(&v));
    if (cJSON_GetObjectItemCaseSensitive(s, "running")) {
        buf_reset(&v);
        buf_printf(&v, "%d running of %d desired, %d pending", (int)num(s, "running"),
                   (int)num(s, "desired"), (int)num(s, "pending"));
        detail(out, cols, "tasks", buf_str(&v));
        const char *td = aws_json_str(s, "task_definition");
        const char *slash = td ? strrchr(td, '/') : NULL;
        detail(out, cols, "revision", slash ? slash + 1 : td ? td : "-");
        const cJSON *img;
        int first = 1;
        cJSON_ArrayForEach(img, cJSON_GetObjectItemCaseSensitive(s, "images")) {
            if (cJSON_IsString(img))
                detail(out, cols, first ? "image" : "", img->valuestring);
            first = 0;
        }
        buf_reset(&v);
        if (aws_json_str(s, "rollout_state"))
            buf_printf(&v, "%s%s%s", aws_json_str(s, "rollout_state"), aws_json_str(s, "rollout_reason") ? ": " : "",
                       aws_json_str(s, "rollout_reason") ? aws_json_str(s, "rollout_reason") : "");
        if (v.len)
            detail(out, cols, "rollout", buf_str(&v));
    }
    if (aws_json_str(s, "scaling"))
        detail(out, cols, "scaling", aws_json_str(s, "scaling"));
    if (aws_json_str(s, "service_connect"))
        detail(out, cols, "connect", aws_json_str(s, "service_connect"));
    if (aws_json_str(s, "url"))
        detail(out, cols, "url", aws_json_str(s, "url"));
    if (aws_json_str(s, "error"))
        detail(out, cols, "error", aws_json_str(s, "error"));
    const cJSON *e;
    const cJSON *events = cJSON_GetObjectItemCaseSensitive(s, "events");
    if (cJSON_GetArraySize(events) > 0) {
        fprintf(out, "Recent events (newest first):\n");
        cJSON_ArrayForEach(e, events) if (cJSON_IsString(e)) {
            buf_reset(&v);
            buf_printf(&v, "  %s", event_text(e->valuestring));
            print_line(out, &v, cols);
        }
    }
    const cJSON *stopped = cJSON_GetObjectItemCaseSensitive(s, "stopped_reasons");
    if (cJSON_GetArraySize(stopped) > 0) {
        fprintf(out, "Stopped tasks:\n");
        cJSON_ArrayForEach(e, stopped) if (cJSON_IsString(e)) {
            buf_reset(&v);
            buf_printf(&v, "  %s", e->valuestring);
            print_line(out, &v, cols);
        }
    }
    buf_free(&v);
}
