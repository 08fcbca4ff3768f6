/* IAM Condition blocks in permissions: { OPERATOR: { KEY: VALUE | [VALUES] } }, checked
 * as IAM checks them (a known operator, a key SERVICE:NAME with one colon, plain values)
 * and kept as the JSON IAM receives. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "stack_internal.h"
#include "xalloc.h"

/* IAM's condition operators; each may end in IfExists (Null excepted) and be prefixed
 * with ForAllValues: or ForAnyValue:. */
static const char *const operators[] = {
    "StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase",
    "StringLike", "StringNotLike", "NumericEquals", "NumericNotEquals", "NumericLessThan",
    "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals", "DateEquals",
    "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan",
    "DateGreaterThanEquals", "Bool", "BinaryEquals", "IpAddress", "NotIpAddress", "ArnEquals",
    "ArnLike", "ArnNotEquals", "ArnNotLike", "Null", NULL};

static int operator_ok(const char *op)
{
    if (!strncmp(op, "ForAllValues:", 13))
        op += 13;
    else if (!strncmp(op, "ForAnyValue:", 12))
        op += 12;
    size_t len = strlen(op);
    int if_exists = len > 8 && !strcmp(op + len - 8, "IfExists");
    for (size_t i = 0; operators[i]; i++)
        if (strlen(operators[i]) == (if_exists ? len - 8 : len) && !strncmp(op, operators[i], strlen(operators[i])))
            return !(if_exists && !strcmp(operators[i], "Null"));
    return 0;
}

/* SERVICE:NAME, one colon, a service prefix of letters, digits and hyphens. */
static int key_ok(const char *k)
{
    const char *colon = strchr(k, ':');
    if (!colon || colon == k || !colon[1] || strchr(colon + 1, ':'))
        return 0;
    for (const char *p = k; p < colon; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-'))
            return 0;
    for (const char *p = colon + 1; *p; p++)
        if ((unsigned char)*p <= ' ')
            return 0;
    return 1;
}

/* The values of one key: a scalar or a non-empty list of scalars, as strings. */
static cJSON *values(stack_ctx *c, const stack_node *v)
{
    cJSON *a = cJSON_CreateArray();
    size_t n = v->kind == STACK_NODE_SEQ ? v->n : 1;
    if (v->kind == STACK_NODE_SEQ && !n)
        stack_err(c, v, "give at least one value");
    for (size_t i = 0; i < n; i++) {
        const stack_node *item = v->kind == STACK_NODE_SEQ ? v->vals[i] : v;
        char *s = NULL;
        if (item->kind != STACK_NODE_SCALAR) {
            stack_err(c, item, "must be a value or a list of values, not %s", stack_node_kind_name(item));
        } else if (stack_scalar(c, item, &s) == 0) {
            cJSON_AddItemToArray(a, cJSON_CreateString(s));
            free(s);
        }
    }
    return a;
}

char *stack_decode_conditions(stack_ctx *c, const stack_node *n)
{
    size_t old = stack_path_push(c, "conditions");
    size_t problems = c->d->n;
    cJSON *block = cJSON_CreateObject();
    if (n->kind != STACK_NODE_MAP || !n->n) {
        stack_err(c, n, "must be a mapping like { StringEquals: { \"aws:SourceVpce\": vpce-1a2b3c4d } }");
    } else {
        for (size_t i = 0; i < n->n; i++) {
            const char *op = n->keys[i]->str;
            const stack_node *keys = n->vals[i];
            size_t o2 = stack_path_push(c, op);
            if (!operator_ok(op))
                stack_err(c, n->keys[i], "'%s' is not an IAM condition operator (StringEquals, StringLike, "
                                        "ArnLike, Bool, IpAddress, NumericLessThan, … with IfExists, "
                                        "ForAnyValue: or ForAllValues:)", op);
            else if (keys->kind != STACK_NODE_MAP || !keys->n)
                stack_err(c, keys, "must be a mapping of condition keys to values, like { \"s3:prefix\": "
                                  "[\"app/*\"] }");
            else {
                cJSON *o = cJSON_AddObjectToObject(block, op);
                for (size_t j = 0; j < keys->n; j++) {
                    const char *k = keys->keys[j]->str;
                    size_t o3 = stack_path_push(c, k);
                    if (!key_ok(k))
                        stack_err(c, keys->keys[j], "'%s' is not a condition key like aws:SourceVpce or s3:prefix "
                                                   "(SERVICE:NAME, one colon)", k);
                    else
                        cJSON_AddItemToObject(o, k, values(c, keys->vals[j]));
                    stack_path_pop(c, o3);
                }
            }
            stack_path_pop(c, o2);
        }
    }
    stack_path_pop(c, old);
    char *out = NULL;
    if (c->d->n == problems) {
        char *js = cJSON_PrintUnformatted(block);
        out = xstrdup(js);
        cJSON_free(js);
    }
    cJSON_Delete(block);
    return out;
}
