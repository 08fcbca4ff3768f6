/* IPv6 blocks of a dual-stack network (network.ipv6): a subnet's /64 is block N of its
 * VPC's Amazon-provided /56 — the same N as its IPv4 block — so the byte after the /56 is
 * the subnet's block number, read back from the subnet alone. */
#include <stdlib.h>
#include <string.h>

#include "net_internal.h"
#include "xalloc.h"

/* The 16 bytes of "ADDR/prefix" with that prefix, or -1. */
static int parse(const char *cidr, unsigned char a[16], int want_prefix)
{
    int prefix;
    return cidr && stack_cidr6_parse(cidr, a, &prefix) == 0 && prefix == want_prefix ? 0 : -1;
}

char *resnet_ipv6_subnet(const char *vpc_block, int block)
{
    unsigned char a[16];
    if (block < 0 || block > 255 || parse(vpc_block, a, 56) != 0)
        return NULL;
    a[7] = (unsigned char)block;
    memset(a + 8, 0, 8);
    return stack_cidr6_format(a, 64);
}

char *resnet_ipv6_canonical(const char *cidr)
{
    const char *slash = cidr ? strchr(cidr, '/') : NULL;
    unsigned char a[16];
    if (!slash || parse(cidr, a, atoi(slash + 1)) != 0)
        return xstrdup_or_null(cidr);
    return stack_cidr6_format(a, atoi(slash + 1));
}

int resnet_ipv6_block_of(const char *subnet_block, char **vpc_block)
{
    unsigned char a[16];
    if (parse(subnet_block, a, 64) != 0)
        return -1;
    int block = a[7];
    a[7] = 0;
    if (vpc_block)
        *vpc_block = stack_cidr6_format(a, 56);
    return block;
}
