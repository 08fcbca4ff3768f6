/* cJSON to XML request bodies (S3's rest-xml inputs). */
#include "aws_xml.h"

#include <stdio.h>

#include "buf.h"

static void escape(buf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': buf_puts(b, "&amp;"); break;
        case '<': buf_puts(b, "&lt;"); break;
        case '>': buf_puts(b, "&gt;"); break;
        case '"': buf_puts(b, "&quot;"); break;
        case '\r': buf_puts(b, "&#13;"); break;
        default: buf_putc(b, *s);
        }
    }
}

static void element(buf *b, const char *name, const cJSON *v);

static void value(buf *b, const cJSON *v)
{
    if (cJSON_IsString(v)) {
        escape(b, v->valuestring);
    } else if (cJSON_IsBool(v)) {
        buf_puts(b, cJSON_IsTrue(v) ? "true" : "false");
    } else if (cJSON_IsNumber(v)) {
        double d = v->valuedouble;
        if (d > -9e15 && d < 9e15 && d == (double)(long long)d)
            buf_printf(b, "%.0f", d);
        else
            buf_printf(b, "%.17g", d);
    } else if (cJSON_IsObject(v)) {
        for (const cJSON *c = v->child; c; c = c->next)
            element(b, c->string, c);
    }
}

static void element(buf *b, const char *name, const cJSON *v)
{
    if (cJSON_IsArray(v)) {
        for (const cJSON *c = v->child; c; c = c->next)
            element(b, name, c);
        return;
    }
    if (cJSON_IsNull(v))
        return;
    buf_printf(b, "<%s>", name);
    value(b, v);
    buf_printf(b, "</%s>", name);
}

char *aws_xml_from_json(const char *root, const char *xmlns, const cJSON *obj)
{
    buf b = BUF_INIT;
    buf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    buf_printf(&b, "<%s", root);
    if (xmlns) {
        buf_puts(&b, " xmlns=\"");
        escape(&b, xmlns);
        buf_putc(&b, '"');
    }
    buf_putc(&b, '>');
    value(&b, obj);
    buf_printf(&b, "</%s>", root);
    return buf_detach(&b);
}
