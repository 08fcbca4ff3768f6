/* The field-by-field walk behind res_diff (diff.c): internal to src/resources/. */
#ifndef ECSDEPLOY_RES_DIFF_INTERNAL_H
#define ECSDEPLOY_RES_DIFF_INTERNAL_H

#include "res.h"

/* Append one change to out. from/to are shown as printable text (strings as they are,
 * anything else as compact JSON, "(known after create)" when it holds a reference);
 * NULL: absent on that side. */
void res_diff_add(res_changes *out, const char *path, const cJSON *from, const cJSON *to,
                  int replaces);

/* Compare desired `d` with actual `a` under `path` (NULL: the members of a document are
 * shown without a prefix) and append a change per differing field.
 *   - exact = 0: only members of desired objects count (AWS's own additions never show);
 *     exact = 1: both sides count, a member only in actual is a removal. Lists are always
 *     compared exactly, so their elements are walked with exact = 1.
 *   - a reference or {"concat": …} still unresolved is always a change.
 *   - lists of objects that all carry a natural key (name, containerName, sourceVolume,
 *     containerPort, …) are matched by that key: "containerDefinitions[web].image";
 *     name/value lists (environment, secrets, tags) by name: "environment.LOG_LEVEL";
 *     lists of plain values show each element added or removed under the list's path;
 *     in other lists, elements equal on both sides are matched wherever they are, and
 *     the rest compared in order when as many are left on each side
 *     ("Statement[1].Action"), else each added or removed with its position.
 *   - a list whose elements only moved is one change of the list's key order.
 * Appends nothing exactly when the two are equal in that sense (cJSON_Compare for exact). */
void res_diff_walk(res_changes *out, const char *path, const cJSON *d, const cJSON *a,
                   int exact, int replaces);

#endif
