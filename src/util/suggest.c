/* "Did you mean" (see suggest.h). */
#include "suggest.h"

#include <string.h>

/* Optimal string alignment distance (Levenshtein plus adjacent transpositions). */
size_t util_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return la > lb ? la : lb;
    size_t dist[65][65];
    for (size_t i = 0; i <= la; i++)
        dist[i][0] = i;
    for (size_t j = 0; j <= lb; j++)
        dist[0][j] = j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            size_t cost = a[i - 1] != b[j - 1];
            size_t v = dist[i - 1][j] + 1;
            if (dist[i][j - 1] + 1 < v)
                v = dist[i][j - 1] + 1;
            if (dist[i - 1][j - 1] + cost < v)
                v = dist[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                dist[i - 2][j - 2] + 1 < v)
                v = dist[i - 2][j - 2] + 1;
            dist[i][j] = v;
        }
    return dist[la][lb];
}

const char *util_suggest(const char *word, const char *const *candidates)
{
    const char *best = NULL;
    size_t best_d = (size_t)-1, len = strlen(word);
    size_t limit = len <= 3 ? 1 : len <= 6 ? 2 : 3;
    for (size_t i = 0; candidates && candidates[i]; i++) {
        size_t dd = util_edit_distance(word, candidates[i]);
        if (dd < best_d) {
            best_d = dd;
            best = candidates[i];
        }
    }
    return best && best_d <= limit && best_d > 0 ? best : NULL;
}
