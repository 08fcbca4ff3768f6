/* "Did you mean": the closest of a list of words to one typed, for every message that
 * names something unknown (stack file keys, commands, flags, service names). */
#ifndef ECSDEPLOY_SUGGEST_H
#define ECSDEPLOY_SUGGEST_H

#include <stddef.h>

/* Optimal string alignment distance (Levenshtein plus adjacent transpositions). */
size_t util_edit_distance(const char *a, const char *b);
/* The closest of `candidates` (NULL-terminated) to `word`, or NULL when none is close
 * (1 edit for words up to 3 letters, 2 up to 6, 3 beyond) or `word` is one of them. */
const char *util_suggest(const char *word, const char *const *candidates);

#endif
