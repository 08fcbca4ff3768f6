/*
 * The timeline picture: one row per resource, a bar from its start to its end, the part
 * spent waiting on AWS lighter, failures red, the critical path outlined; seconds along
 * the bottom. The same look as the bench's pictures (bench/svg.py).
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "picture_internal.h"
#include "xalloc.h"

enum { LEFT = 250, ROW = 16, TOP = 46, WIDTH = 980, BOTTOM = 30 };

static void put_escaped(buf *b, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<': buf_puts(b, "&lt;"); break;
        case '>': buf_puts(b, "&gt;"); break;
        case '&': buf_puts(b, "&amp;"); break;
        case '"': buf_puts(b, "&quot;"); break;
        default:
            if ((unsigned char)*s >= 0x20 || *s == '\t')
                buf_putc(b, *s);
        }
    }
}

/* Tick spacing giving at most 12 ticks over span seconds. */
static double tick_step(double span)
{
    static const double steps[] = {0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600};
    for (size_t i = 0; i < sizeof steps / sizeof *steps; i++)
        if (span / steps[i] <= 12)
            return steps[i];
    return 7200;
}

static int by_start(const void *a, const void *b)
{
    const cli_timeline_bar *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    if (x->end != y->end)
        return x->end < y->end ? -1 : 1;
    return strcmp(x->id, y->id);
}

static void axis(buf *b, double span, double scale, int height)
{
    double step = tick_step(span);
    for (int i = 0; i * step <= span + 1e-9; i++) {
        double x = LEFT + i * step * scale;
        buf_printf(b, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>\n", x, TOP - 4, x,
                   height - BOTTOM + 4);
        buf_printf(b, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">%g</text>\n", x,
                   height - BOTTOM + 16, i * step);
    }
}

static void bar(buf *b, const cli_timeline_bar *r, int y, double scale)
{
    double calls_end = r->wait_from >= 0 ? r->wait_from : r->end;
    buf_printf(b, "<g class=\"bar%s\"><title>", r->critical ? " critical" : "");
    put_escaped(b, r->id);
    buf_printf(b, ": %.2f-%.2f s", r->start, r->end);
    if (r->wait_from >= 0)
        buf_printf(b, ", waiting from %.2f", r->wait_from);
    buf_printf(b, "%s%s</title>\n", r->failed ? ", failed" : "", r->critical ? ", critical path" : "");
    buf_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\"%s>", LEFT - 6, y + 11,
               r->critical ? " font-weight=\"bold\" fill=\"#b22\"" : "");
    put_escaped(b, r->id);
    buf_puts(b, "</text>\n");
    double w = (calls_end - r->start) * scale;
    buf_printf(b, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>\n",
               LEFT + r->start * scale, y + 2, w > 1 ? w : 1, ROW - 4, r->failed ? "#c33" : "#3b6ea8");
    if (r->wait_from >= 0) {
        w = (r->end - r->wait_from) * scale;
        buf_printf(b, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>\n",
                   LEFT + r->wait_from * scale, y + 2, w > 1 ? w : 1, ROW - 4, r->failed ? "#e99" : "#a8c5e8");
    }
    if (r->critical) {
        w = (r->end - r->start) * scale;
        buf_printf(b, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"none\" stroke=\"#d22\" "
                      "stroke-width=\"2\"/>\n", LEFT + r->start * scale, y + 1, w > 1 ? w : 1, ROW - 2);
    }
    buf_puts(b, "</g>\n");
}

char *cli_timeline_svg(const char *title, const cli_timeline_bar *bars, size_t n)
{
    cli_timeline_bar *rows = xcalloc(n ? n : 1, sizeof *rows);
    if (n)
        memcpy(rows, bars, n * sizeof *rows);
    qsort(rows, n, sizeof *rows, by_start);
    double span = 1e-9;
    for (size_t i = 0; i < n; i++)
        if (rows[i].end > span)
            span = rows[i].end;
    double scale = (WIDTH - LEFT - 20) / span;
    int height = TOP + ROW * (int)n + BOTTOM;
    buf b = BUF_INIT;
    buf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    buf_printf(&b, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                   "font-family=\"sans-serif\" font-size=\"11\">\n", WIDTH, height, WIDTH, height);
    buf_puts(&b, "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    buf_puts(&b, "<text x=\"8\" y=\"16\" font-size=\"13\" font-weight=\"bold\">");
    put_escaped(&b, title);
    buf_puts(&b, "</text>\n");
    if (n)
        buf_printf(&b, "<text x=\"8\" y=\"32\" fill=\"#555\">dark: calls; light: waiting on AWS; red outline: "
                       "critical path; %zu resources, %.1f s</text>\n", n, span);
    else
        buf_puts(&b, "<text x=\"8\" y=\"32\" fill=\"#555\">no changes: nothing ran</text>\n");
    axis(&b, n ? span : 0, scale, height);
    for (size_t i = 0; i < n; i++)
        bar(&b, &rows[i], TOP + (int)i * ROW, scale);
    buf_puts(&b, "</svg>\n");
    free(rows);
    return buf_detach(&b);
}
