/* IPv6 CIDR blocks in the stack file (allow_from, egress): read, checked and written in
 * the one form AWS answers with (RFC 5952: lowercase, zeros compressed), so a rule read
 * back from EC2 compares equal to the file's. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "stack_internal.h"
#include "xalloc.h"

int stack_cidr6_parse(const char *s, unsigned char addr[16], int *prefix)
{
    const char *slash = strchr(s, '/');
    if (!slash || slash == s || (size_t)(slash - s) >= INET6_ADDRSTRLEN || !strchr(s, ':'))
        return -1;
    char host[INET6_ADDRSTRLEN];
    memcpy(host, s, (size_t)(slash - s));
    host[slash - s] = '\0';
    if (inet_pton(AF_INET6, host, addr) != 1)
        return -1;
    const char *p = slash + 1;
    int pre = 0, digits = 0;
    while (*p >= '0' && *p <= '9' && digits < 4) {
        pre = pre * 10 + (*p++ - '0');
        digits++;
    }
    if (*p || !digits || pre > 128)
        return -1;
    *prefix = pre;
    return 0;
}

char *stack_cidr6_format(const unsigned char addr[16], int prefix)
{
    char host[INET6_ADDRSTRLEN];
    if (!inet_ntop(AF_INET6, addr, host, sizeof host))
        return NULL;
    return xasprintf("%s/%d", host, prefix);
}

static int host_bits6(const unsigned char a[16], int prefix, unsigned char masked[16])
{
    int set = 0;
    for (int i = 0; i < 16; i++) {
        int keep = prefix >= 8 * (i + 1) ? 8 : prefix <= 8 * i ? 0 : prefix - 8 * i;
        unsigned char m = keep == 0 ? 0 : (unsigned char)(0xFF << (8 - keep));
        masked[i] = a[i] & m;
        set |= a[i] != masked[i];
    }
    return set;
}

char *stack_cidr_check(const char *text, char **why)
{
    *why = NULL;
    unsigned a4;
    int pre;
    unsigned char a6[16], m6[16];
    if (stack_parse_cidr(text, &a4, &pre) == 0) {
        unsigned mask = pre == 0 ? 0 : 0xFFFFFFFFu << (32 - pre);
        if (a4 & ~mask) {
            char *fixed = stack_format_cidr(a4 & mask, pre);
            *why = xasprintf("'%s' has host bits set; did you mean %s?", text, fixed);
            free(fixed);
            return NULL;
        }
        return stack_format_cidr(a4, pre);
    }
    if (stack_cidr6_parse(text, a6, &pre) == 0) {
        if (host_bits6(a6, pre, m6)) {
            char *fixed = stack_cidr6_format(m6, pre);
            *why = xasprintf("'%s' has host bits set; did you mean %s?", text, fixed ? fixed : "");
            free(fixed);
            return NULL;
        }
        return stack_cidr6_format(a6, pre);
    }
    *why = xasprintf("'%s' is not a CIDR block like 10.0.0.0/8, 0.0.0.0/0, 2001:db8::/32 or ::/0", text);
    return NULL;
}
