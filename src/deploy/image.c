/* Image references and strategy names: pure helpers of deploy. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "deploy.h"
#include "xalloc.h"

/* Length of the repository part: up to a tag's ':' after the last '/' or up to '@'. */
static size_t repo_len(const char *ref)
{
    size_t n = strcspn(ref, "@");
    const char *slash = NULL;
    for (size_t i = 0; i < n; i++)
        if (ref[i] == '/')
            slash = ref + i;
    const char *start = slash ? slash + 1 : ref;
    const char *colon = memchr(start, ':', n - (size_t)(start - ref));
    return colon ? (size_t)(colon - ref) : n;
}

char *deploy_image_repository(const char *ref)
{
    return xstrndup(ref, repo_len(ref));
}

char *deploy_image_with_tag(const char *ref, const char *tag)
{
    return xasprintf("%.*s:%s", (int)repo_len(ref), ref, tag);
}

int deploy_check_tag(const char *tag)
{
    size_t n = tag ? strlen(tag) : 0;
    if (n == 0 || n > 128)
        return -1;
    if (!isalnum((unsigned char)tag[0]) && tag[0] != '_')
        return -1;
    for (size_t i = 1; i < n; i++)
        if (!isalnum((unsigned char)tag[i]) && !strchr("_.-", tag[i]))
            return -1;
    return 0;
}

const char *deploy_strategy_from_flag(const char *flag)
{
    static const char *const map[][3] = {{"rolling", "ROLLING", "ROLLING"},
                                         {"blue-green", "BLUE_GREEN", "BLUE_GREEN"},
                                         {"canary", "CANARY", "CANARY"},
                                         {"linear", "LINEAR", "LINEAR"}};
    for (size_t i = 0; flag && i < sizeof map / sizeof map[0]; i++)
        if (strcmp(flag, map[i][0]) == 0 || strcmp(flag, map[i][1]) == 0)
            return map[i][2];
    return NULL;
}
