/* XML responses to cJSON (see aws_xml.h for the shape rules), XML error bodies. */
#include "aws_xml.h"

#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "xalloc.h"

#define MAX_DEPTH 100

typedef struct {
    const char *const *lists;
    int too_deep;
} walk_ctx;

static int is_name(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static xmlNode *first_element(xmlNode *n)
{
    for (; n; n = n->next)
        if (n->type == XML_ELEMENT_NODE)
            return n;
    return NULL;
}

static xmlNode *child_named(xmlNode *parent, const char *name)
{
    for (xmlNode *c = parent ? parent->children : NULL; c; c = c->next)
        if (is_name(c, name))
            return c;
    return NULL;
}

/* Hint lookup: 1 for a bare "Name" hint, 2 for "Name/Item" (item name in *item). */
static int hint_for(const walk_ctx *w, const char *name, const char **item)
{
    size_t nlen = strlen(name);
    for (size_t i = 0; w->lists && w->lists[i]; i++) {
        const char *h = w->lists[i];
        if (strncmp(h, name, nlen) != 0)
            continue;
        if (h[nlen] == '\0')
            return 1;
        if (h[nlen] == '/') {
            *item = h + nlen + 1;
            return 2;
        }
    }
    return 0;
}

/* All element children named `name` (and at least one). */
static int children_all(xmlNode *n, const char *name)
{
    int seen = 0;
    for (xmlNode *c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (strcmp((const char *)c->name, name) != 0)
            return 0;
        seen = 1;
    }
    return seen;
}

static int is_map(xmlNode *n)
{
    if (!children_all(n, "entry"))
        return 0;
    for (xmlNode *c = n->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && !child_named(c, "key"))
            return 0;
    return 1;
}

static cJSON *text_of(xmlNode *n)
{
    xmlChar *t = xmlNodeGetContent(n);
    cJSON *s = cJSON_CreateString(t ? (const char *)t : "");
    xmlFree(t);
    return s;
}

static cJSON *convert(walk_ctx *w, xmlNode *n, int depth);

static cJSON *convert_list(walk_ctx *w, xmlNode *n, const char *item, int depth)
{
    cJSON *arr = cJSON_CreateArray();
    for (xmlNode *c = n->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && (!item || strcmp((const char *)c->name, item) == 0))
            cJSON_AddItemToArray(arr, convert(w, c, depth + 1));
    return arr;
}

static cJSON *convert_map(walk_ctx *w, xmlNode *n, int depth)
{
    cJSON *obj = cJSON_CreateObject();
    for (xmlNode *c = n->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        xmlChar *key = xmlNodeGetContent(child_named(c, "key"));
        xmlNode *v = child_named(c, "value");
        cJSON_AddItemToObject(obj, key ? (const char *)key : "",
                              v ? convert(w, v, depth + 1) : cJSON_CreateNull());
        xmlFree(key);
    }
    return obj;
}

/* Add child c (named name) to obj, as an array element when flattened or repeated. */
static void add_member(walk_ctx *w, cJSON *obj, xmlNode *c, int depth)
{
    const char *name = (const char *)c->name, *item = NULL;
    int hint = hint_for(w, name, &item);
    cJSON *have = cJSON_GetObjectItemCaseSensitive(obj, name);
    int flattened = hint == 1 && first_element(c->children) && !children_all(c, "member") &&
                    !children_all(c, "item");
    int text_item = hint == 1 && !first_element(c->children) && c->children;
    if (flattened || text_item) {
        if (!have)
            have = cJSON_AddArrayToObject(obj, name);
        /* a text item is its text (convert would take the hinted name for an empty list) */
        cJSON_AddItemToArray(have, text_item ? text_of(c) : convert(w, c, depth + 1));
        return;
    }
    cJSON *val = hint ? convert_list(w, c, item, depth + 1) : convert(w, c, depth + 1);
    if (!have) {
        cJSON_AddItemToObject(obj, name, val);
    } else if (cJSON_IsArray(have) && !hint) {
        cJSON_AddItemToArray(have, val);
    } else {
        cJSON *arr = cJSON_CreateArray();
        cJSON_AddItemToArray(arr, cJSON_DetachItemViaPointer(obj, have));
        cJSON_AddItemToArray(arr, val);
        cJSON_AddItemToObject(obj, name, arr);
    }
}

static cJSON *convert(walk_ctx *w, xmlNode *n, int depth)
{
    if (depth > MAX_DEPTH) {
        w->too_deep = 1;
        return cJSON_CreateNull();
    }
    const char *item = NULL;
    int hint = hint_for(w, (const char *)n->name, &item);
    if (!first_element(n->children))
        return hint ? cJSON_CreateArray() : text_of(n);
    if (hint == 2 || children_all(n, "member") || children_all(n, "item"))
        return convert_list(w, n, item, depth);
    if (is_map(n))
        return convert_map(w, n, depth);
    cJSON *obj = cJSON_CreateObject();
    for (xmlNode *c = n->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE)
            add_member(w, obj, c, depth);
    return obj;
}

static xmlDoc *parse(const char *body, size_t len)
{
    if (!body || len == 0 || len > 0x7fffffff)
        return NULL;
    return xmlReadMemory(body, (int)len, "response.xml", NULL,
                         XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
}

static void copy_text(xmlNode *n, char *dst, size_t size)
{
    if (!n || !dst || !size)
        return;
    xmlChar *t = xmlNodeGetContent(n);
    snprintf(dst, size, "%s", t ? (const char *)t : "");
    xmlFree(t);
}

/* The element holding the output, and where the request id is, per style. */
static xmlNode *output_node(xmlNode *root, aws_xml_style style, char *rid, size_t ridlen)
{
    if (style == AWS_XML_QUERY) {
        copy_text(child_named(child_named(root, "ResponseMetadata"), "RequestId"), rid, ridlen);
        for (xmlNode *c = root->children; c; c = c->next) {
            size_t l = c->type == XML_ELEMENT_NODE ? strlen((const char *)c->name) : 0;
            if (l >= 6 && strcmp((const char *)c->name + l - 6, "Result") == 0)
                return c;
        }
        return NULL;
    }
    if (style == AWS_XML_EC2) {
        xmlNode *r = child_named(root, "requestId");
        copy_text(r ? r : child_named(root, "RequestId"), rid, ridlen);
    }
    return root;
}

int aws_xml_to_json(const char *body, size_t len, aws_xml_style style,
                    const char *const *lists, cJSON **out, char *request_id, size_t ridlen,
                    char *err, size_t errlen)
{
    *out = NULL;
    if (request_id && ridlen)
        request_id[0] = '\0';
    xmlDoc *doc = parse(body, len);
    xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
    if (!root) {
        snprintf(err, errlen, "the response is not well-formed XML");
        xmlFreeDoc(doc);
        return -1;
    }
    walk_ctx w = {lists, 0};
    xmlNode *node = output_node(root, style, request_id, ridlen);
    cJSON *obj = node && first_element(node->children) ? convert(&w, node, 0) : NULL;
    if (obj && !cJSON_IsObject(obj)) {
        /* The output element itself looked like a list: keep it under its name. */
        cJSON *wrap = cJSON_CreateObject();
        cJSON_AddItemToObject(wrap, (const char *)node->name, obj);
        obj = wrap;
    }
    if (!obj)
        obj = cJSON_CreateObject();
    if (style == AWS_XML_EC2)
        cJSON_DeleteItemFromObjectCaseSensitive(obj, "requestId");
    xmlFreeDoc(doc);
    if (w.too_deep) {
        cJSON_Delete(obj);
        snprintf(err, errlen, "the response XML is nested more than %d levels", MAX_DEPTH);
        return -1;
    }
    *out = obj;
    return 0;
}

int aws_xml_parse_error(const char *body, size_t len, aws_xml_error *out)
{
    memset(out, 0, sizeof *out);
    xmlDoc *doc = parse(body, len);
    xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
    if (!root) {
        xmlFreeDoc(doc);
        return -1;
    }
    /* <Error> (S3), <ErrorResponse><Error> (query), <Response><Errors><Error> (EC2), and
     * either wrapper around either form: some query services and proxies answer
     * <ErrorResponse><Errors><Error>, which botocore reads too. */
    xmlNode *e = NULL;
    if (is_name(root, "Error")) {
        e = root;
    } else if (is_name(root, "ErrorResponse") || is_name(root, "Response")) {
        e = child_named(root, "Error");
        if (!e)
            e = child_named(child_named(root, "Errors"), "Error");
    }
    copy_text(child_named(e, "Code"), out->code, sizeof out->code);
    copy_text(child_named(e, "Message"), out->message, sizeof out->message);
    xmlNode *rid = child_named(root, "RequestId");
    if (!rid)
        rid = child_named(root, "RequestID");
    if (!rid)
        rid = child_named(e, "RequestId");
    copy_text(rid, out->request_id, sizeof out->request_id);
    xmlFreeDoc(doc);
    return out->code[0] ? 0 : -1;
}
