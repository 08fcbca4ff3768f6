/* Durations and times on the command line: "90", "90s", "15m", "1h30m", "2d"; RFC 3339
 * times ("2024-05-01T12:00:00Z"). Strict: "0x10", "1e3", " 5m" and "5m " are refused. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli_internal.h"

static int digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Digits with an optional fraction; 0 when there is no number at *p. */
static size_t number_len(const char *p)
{
    size_t n = 0;
    while (digit(p[n]))
        n++;
    if (n && p[n] == '.' && digit(p[n + 1]))
        for (n++; digit(p[n]); n++)
            ;
    return n;
}

/* A duration of at most `max` seconds (0: no bound). */
static int parse_span(const char *text, double max, double *seconds)
{
    double total = 0;
    const char *p = text;
    if (!p || !*p)
        return -1;
    while (*p) {
        size_t n = number_len(p);
        if (!n)
            return -1;
        double v = strtod(p, NULL), unit;
        p += n;
        switch (*p) {
        case 'd': unit = 86400; p++; break;
        case 'h': unit = 3600; p++; break;
        case 'm': unit = 60; p++; break;
        case 's': unit = 1; p++; break;
        case '\0':
            if (p - n != text) /* a bare number only alone: "90", not "1h30" */
                return -1;
            unit = 1;
            break;
        default: return -1;
        }
        total += v * unit;
    }
    if (total <= 0 || (max > 0 && total > max))
        return -1;
    *seconds = total;
    return 0;
}

int cli_parse_duration(const char *text, double *seconds)
{
    return parse_span(text, 7 * 24 * 3600, seconds);
}

int cli_parse_timeout(const char *arg, double *out)
{
    if (cli_parse_duration(arg, out) != 0)
        return cli_usage_error("--timeout wants a duration like 90s, 15m or 1h, got '%s'", arg);
    return 0;
}

/* n digits at p as a number, or -1. */
static int fixed(const char *p, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!digit(p[i]))
            return -1;
        v = v * 10 + (p[i] - '0');
    }
    return v;
}

int cli_parse_rfc3339(const char *s, double *epoch)
{
    /* YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM) */
    if (strlen(s) < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') ||
        s[13] != ':' || s[16] != ':')
        return -1;
    int y = fixed(s, 4), mo = fixed(s + 5, 2), d = fixed(s + 8, 2);
    int h = fixed(s + 11, 2), mi = fixed(s + 14, 2), se = fixed(s + 17, 2);
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > days[mo - 1] || h < 0 || h > 23 ||
        mi < 0 || mi > 59 || se < 0 || se > 60)
        return -1;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (mo == 2 && d == 29 && !leap)
        return -1;
    const char *p = s + 19;
    double frac = 0;
    if (*p == '.') {
        const char *q = p + 1;
        if (!digit(*q))
            return -1;
        double scale = 0.1;
        for (; digit(*q); q++, scale /= 10)
            frac += (*q - '0') * scale;
        p = q;
    }
    long offset;
    if ((*p == 'Z' || *p == 'z') && p[1] == '\0') {
        offset = 0;
    } else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
        int oh = fixed(p + 1, 2), om = fixed(p + 4, 2);
        if (oh < 0 || oh > 23 || om < 0 || om > 59)
            return -1;
        offset = (oh * 3600L + om * 60L) * (*p == '+' ? 1 : -1);
    } else {
        return -1;
    }
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = se;
    *epoch = (double)(timegm(&tm) - offset) + frac;
    return 0;
}

int cli_parse_since(const char *text, double now, double *start)
{
    double span;
    if (parse_span(text, 0, &span) == 0) {
        *start = now - span;
        return 0;
    }
    return cli_parse_rfc3339(text, start);
}
