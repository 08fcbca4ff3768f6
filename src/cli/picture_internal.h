/*
 * Pictures for people: a stack's resource graph as DOT or Mermaid text (`ecsdeploy graph`),
 * and a run as an SVG timeline (`ecsdeploy up --timeline FILE`) built from the same events
 * `up --output json` prints. Plain text out; no library.
 */
#ifndef ECSDEPLOY_CLI_PICTURE_INTERNAL_H
#define ECSDEPLOY_CLI_PICTURE_INTERNAL_H

#include <stddef.h>

#include "session_internal.h"

/* ---- the resource graph ------------------------------------------------------------ */

typedef enum { CLI_GRAPH_DOT, CLI_GRAPH_MERMAID } cli_graph_format;

/* ---- the timeline of a run --------------------------------------------------------- */

/* One resource's action, in seconds after the run began. */
typedef struct {
    const char *id;
    double start, end;
    double wait_from; /* when it began waiting on AWS; < 0 when it never did */
    int failed;
    int critical;     /* on the critical path */
} cli_timeline_bar;

/* The SVG text (caller frees): one bar per entry, the calls dark and the waiting light,
 * the critical path outlined. */
char *cli_timeline_svg(const char *title, const cli_timeline_bar *bars, size_t n);

/* 0 when path can be written (an existing file writable, or a new one in a writable
 * directory), without touching it; otherwise prints why and returns -1. Called before
 * any change, so a bad path is found first. */
int cli_timeline_check(const char *path);

struct cli_timeline;
/* Record the events of s's run from now on; they still reach the renderer installed
 * before (call after cli_progress_start). */
struct cli_timeline *cli_timeline_start(cli_session *s);
/* Write the SVG to path (title: "up canardstack") and free t. 0, or -1 after printing why
 * (the run's own outcome is not changed by it). */
int cli_timeline_write(struct cli_timeline *t, const char *path, const char *title);

#endif
