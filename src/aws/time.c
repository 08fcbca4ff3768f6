/* Timestamps on the AWS wire: ISO 8601 (credentials) and HTTP dates (clock skew). */
#include "aws_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

time_t aws_time_parse_iso8601(const char *s)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    int used = 0;
    if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                     &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &used) != 6 || used != 19)
        return -1;
    const char *p = s + used;
    if (*p == '.')
        for (p++; isdigit((unsigned char)*p); p++)
            ;
    long offset = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int hh, mm;
        if (sscanf(p + 1, "%2d:%2d", &hh, &mm) != 2 || strlen(p) != 6)
            return -1;
        offset = (hh * 3600L + mm * 60L) * (*p == '+' ? 1 : -1);
        p += 6;
    }
    if (*p || tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 ||
        tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60)
        return -1;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return timegm(&tm) - offset;
}

time_t aws_time_parse_http(const char *s)
{
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    struct tm tm;
    char mon[4] = "";
    memset(&tm, 0, sizeof tm);
    if (!s || sscanf(s, "%*3s, %2d %3s %4d %2d:%2d:%2d GMT", &tm.tm_mday, mon, &tm.tm_year,
                     &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
        return -1;
    const char *m = strstr(months, mon);
    if (!m || strlen(mon) != 3 || (m - months) % 3)
        return -1;
    tm.tm_mon = (int)(m - months) / 3;
    tm.tm_year -= 1900;
    return timegm(&tm);
}
