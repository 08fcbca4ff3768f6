/*
 * Text that comes from outside (AWS answers, the exec agent, container logs) shown on a
 * terminal: control characters are shown escaped, so that a value cannot move the cursor,
 * rewrite the screen, set the window title or hide text behind bidirectional overrides.
 */
#ifndef ECSDEPLOY_TEXT_H
#define ECSDEPLOY_TEXT_H

#include <stdio.h>

enum { TEXT_KEEP_NEWLINES = 1 }; /* multi-line text: '\n' and '\t' stay as they are */

/*
 * A copy of s (free()) where C0 controls and DEL become \n, \r, \t, \e or \xNN, C1
 * controls (U+0080..U+009F) and bidirectional controls (U+202A..U+202E,
 * U+2066..U+2069) become \u{XXXX}, and bytes that are not UTF-8 become \xNN; a
 * backslash stays as it is. NULL for NULL.
 */
char *text_escape(const char *s, int flags);

/* fprintf, then the whole line escaped with TEXT_KEEP_NEWLINES: for lines that show
 * values from outside. The format itself must hold no control character but '\n' and
 * '\t' (use it for plain lines, never for the live views' cursor sequences). */
int text_printf(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
