/* Durations on the command line: "90", "90s", "15m", "1h30m". */
#include <ctype.h>
#include <stdlib.h>

#include "cli_internal.h"

int cli_parse_duration(const char *text, double *seconds)
{
    double total = 0;
    const char *p = text;
    if (!p || !*p)
        return -1;
    while (*p) {
        if (!isdigit((unsigned char)*p))
            return -1;
        char *end;
        double v = strtod(p, &end);
        double unit = 1;
        switch (*end) {
        case 'h': unit = 3600; end++; break;
        case 'm': unit = 60; end++; break;
        case 's': end++; break;
        case '\0': break;
        default: return -1;
        }
        total += v * unit;
        p = end;
    }
    if (total <= 0 || total > 7 * 24 * 3600)
        return -1;
    *seconds = total;
    return 0;
}
