/* Text from outside, shown with its control characters escaped (text.h). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "unit_suite.h"

static void expect(const char *in, int flags, const char *want)
{
    char *got = text_escape(in, flags);
    ck_assert_msg(strcmp(got, want) == 0, "'%s' gave '%s', want '%s'", in, got, want);
    free(got);
}

START_TEST(controls_escaped)
{
    expect("plain text: ok", 0, "plain text: ok");
    expect("a\x1b[2Jb", 0, "a\\e[2Jb");
    expect("\x1b]0;title\x07", 0, "\\e]0;title\\x07");
    expect("line\r\nnext\tcol\x7f", 0, "line\\r\\nnext\\tcol\\x7F");
    expect("line\r\nnext\tcol", TEXT_KEEP_NEWLINES, "line\\r\nnext\tcol");
    expect("caf\xc3\xa9 \xe2\x9c\x93", 0, "caf\xc3\xa9 \xe2\x9c\x93");     /* UTF-8 stays */
    expect("\xc2\x9b" "31m", 0, "\\u{009B}31m");                       /* C1 CSI */
    expect("abc\xe2\x80\xae" "cba", 0, "abc\\u{202E}cba");             /* bidi override */
    expect("\x9b" "31m \xff \xc3", 0, "\\x9B31m \\xFF \\xC3");        /* not UTF-8 */
    expect("\xed\xa0\x80", 0, "\\xED\\xA0\\x80");                      /* a surrogate */
    expect("back\\slash", 0, "back\\slash");
    ck_assert_ptr_null(text_escape(NULL, 0));
}
END_TEST

UNIT_SUITE(text, 0, controls_escaped)
