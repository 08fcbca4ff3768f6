/*
 * `ecsdeploy graph [--format dot|mermaid]`: the stack's resource graph, every resource and
 * what it needs, as Graphviz DOT or Mermaid text. Offline: built from the stack file the
 * way plan and up build it, nothing is sent to AWS.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "picture_internal.h"

typedef struct {
    cli_graph_format format;
} graph_opts;

enum { OPT_FORMAT = 2300 };

static const cli_flag flags[] = {
    {"format", 0, "FORMAT", OPT_FORMAT, "dot (Graphviz, the default) or mermaid", CLI_VALUE_WORDS,
     "dot mermaid"},
    {0}};

static int parse(void *state, int opt, const char *arg)
{
    graph_opts *o = state;
    if (opt != OPT_FORMAT)
        return CLI_NOT_MINE;
    int w = cli_flag_word(&flags[0], arg); /* "dot mermaid", in cli_graph_format's order */
    if (w < 0)
        return -1;
    o->format = (cli_graph_format)w;
    return 0;
}

/* text in a DOT double-quoted string, or a Mermaid quoted label */
static void put_quoted(buf *b, const char *s, cli_graph_format f)
{
    for (; s && *s; s++) {
        if (*s == '"')
            buf_puts(b, f == CLI_GRAPH_DOT ? "\\\"" : "#quot;");
        else if (*s == '\\' && f == CLI_GRAPH_DOT)
            buf_puts(b, "\\\\");
        else if (*s == '\n')
            buf_putc(b, ' ');
        else
            buf_putc(b, *s);
    }
}

static size_t index_of(const res_graph *g, const res_node *n)
{
    for (size_t i = 0; i < g->n; i++)
        if (g->nodes[i] == n)
            return i;
    return g->n;
}

/* Every node of g and an edge from each dependency to what needs it. Caller frees. */
static char *cli_graph_render(const res_graph *g, cli_graph_format f)
{
    buf b = BUF_INIT;
    const char *stack = g->stack && g->stack->name ? g->stack->name : "stack";
    if (f == CLI_GRAPH_DOT) {
        buf_puts(&b, "digraph \"");
        put_quoted(&b, stack, f);
        buf_puts(&b, "\" {\n  rankdir=LR;\n  node [shape=box, fontname=\"sans-serif\", fontsize=10];\n");
    } else {
        buf_puts(&b, "flowchart LR\n");
    }
    for (size_t i = 0; i < g->n; i++) {
        const res_node *n = g->nodes[i];
        if (f == CLI_GRAPH_DOT) {
            buf_puts(&b, "  \"");
            put_quoted(&b, n->id, f);
            buf_puts(&b, "\" [tooltip=\"");
            put_quoted(&b, n->label, f);
            buf_puts(&b, "\"];\n");
        } else {
            buf_printf(&b, "  n%zu[\"", i);
            put_quoted(&b, n->id, f);
            buf_puts(&b, "\"]\n");
        }
    }
    for (size_t i = 0; i < g->n; i++) {
        const res_node *n = g->nodes[i];
        for (size_t d = 0; d < n->ndeps; d++) {
            if (f == CLI_GRAPH_DOT) {
                buf_puts(&b, "  \"");
                put_quoted(&b, n->deps[d]->id, f);
                buf_puts(&b, "\" -> \"");
                put_quoted(&b, n->id, f);
                buf_puts(&b, "\";\n");
            } else {
                buf_printf(&b, "  n%zu --> n%zu\n", index_of(g, n->deps[d]), i);
            }
        }
    }
    if (f == CLI_GRAPH_DOT)
        buf_puts(&b, "}\n");
    return buf_detach(&b);
}

static int run(const cli_globals *g, void *state, int argc, char **argv)
{
    graph_opts *o = state;
    (void)argc;
    (void)argv;
    stack_model *stack = NULL;
    int rc = cli_load_stack(g, &stack);
    if (rc != EXIT_OK)
        return rc;
    /* the region only names things (zones, ARNs); no credentials, no call */
    aws_client_options co = {.profile = g->profile, .region = g->region ? g->region : stack->region,
                             .endpoint_url = g->endpoint_url, .region_optional = 1};
    aws_client *aws = NULL;
    aws_error err;
    res_graph *graph = NULL;
    char msg[512];
    if (aws_client_new(&co, &aws, &err) != 0) {
        cli_print_aws_error(NULL, &err);
        rc = cli_aws_error_exit(&err);
    } else if (res_graph_build(stack, aws_client_region(aws), &graph, msg, sizeof msg) != 0) {
        fprintf(stderr, "ecsdeploy: %s\n", msg);
        rc = EXIT_USAGE;
    } else {
        char *text = cli_graph_render(graph, o->format);
        fputs(text, stdout);
        free(text);
    }
    res_graph_free(graph);
    if (aws)
        aws_client_free(aws);
    stack_free(stack);
    return rc;
}

const cli_command_code cli_code_graph = CLI_COMMAND_CODE(graph_opts);
