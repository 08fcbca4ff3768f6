/* Exit codes through a wrapper, pty line ends, and exec_capture. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "exec.h"
#include "xalloc.h"

void exec_buf_wipe(buf *b)
{
    b->wipe = 1;
    buf_free(b);
}

void exec_new_marker(char out[33])
{
    unsigned char r[8];
    if (RAND_bytes(r, sizeof r) != 1)
        memset(r, 0x37, sizeof r);
    static const char hx[] = "0123456789abcdef";
    memcpy(out, "ECSDEPLOY_EXIT_", 15);
    for (int i = 0; i < 8; i++) {
        out[15 + 2 * i] = hx[r[i] >> 4];
        out[16 + 2 * i] = hx[r[i] & 15];
    }
    out[31] = '_';
    out[32] = '\0';
}

/* Append s single-quoted for a POSIX shell (and the agent's shell-style split). */
static void put_quoted(buf *b, const char *s)
{
    buf_putc(b, '\'');
    for (; *s; s++) {
        if (*s == '\'')
            buf_puts(b, "'\\''");
        else
            buf_putc(b, *s);
    }
    buf_putc(b, '\'');
}

static int plain_word(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./=:,+@%-", *s))
            return 0;
    return 1;
}

char *exec_join_argv(int argc, char *const *argv)
{
    if (argc == 1)
        return xstrdup(argv[0]);
    buf b = BUF_INIT;
    for (int i = 0; i < argc; i++) {
        if (i)
            buf_putc(&b, ' ');
        if (plain_word(argv[i]))
            buf_puts(&b, argv[i]);
        else
            put_quoted(&b, argv[i]);
    }
    return buf_detach(&b);
}

char *exec_wrap_command(const char *command, const char *marker)
{
    /* A newline, not ';': a trailing comment or '&' in the command stays harmless. */
    char *script = xasprintf("%s\nprintf \"\\n%s%%d\\n\" $?", command, marker);
    buf b = BUF_INIT;
    buf_puts(&b, "sh -c ");
    put_quoted(&b, script);
    free(script);
    return buf_detach(&b);
}

void exec_filter_init(exec_filter *f, const char *marker,
                      void (*sink)(void *ctx, const unsigned char *p, size_t len), void *ctx)
{
    memset(f, 0, sizeof *f);
    f->sink = sink;
    f->ctx = ctx;
    f->marker = marker;
    f->exit_code = -1;
}

void exec_filter_init_raw(exec_filter *f, const char *marker,
                          void (*sink)(void *ctx, const unsigned char *p, size_t len), void *ctx)
{
    exec_filter_init(f, marker, sink, ctx);
    f->raw = 1;
}

/* Raw: 1 when the n bytes at s may be the beginning (or all) of the wrapper's last line
 * "\r\n<marker><digits>\r\n"; *whole set when they are all of it. */
static int raw_marker_prefix(const char *s, size_t n, const char *marker, int *whole)
{
    static const char crlf[] = "\r\n";
    size_t ml = strlen(marker), i = 0, digits = 0;
    *whole = 0;
    for (size_t k = 0; k < 2; k++, i++)
        if (i == n || s[i] != crlf[k])
            return i == n;
    for (size_t k = 0; k < ml; k++, i++)
        if (i == n || s[i] != marker[k])
            return i == n;
    while (i < n && s[i] >= '0' && s[i] <= '9' && digits < 9) {
        i++;
        digits++;
    }
    if (i == n)
        return 1;
    if (!digits || s[i] != '\r')
        return 0;
    if (++i == n)
        return 1;
    if (s[i] != '\n' || i + 1 != n)
        return 0;
    *whole = 1;
    return 1;
}

/* Raw: where in the hold the tail that may be the marker line starts (hold.len: none). */
static size_t raw_tail_start(const exec_filter *f, int *whole)
{
    size_t len = f->hold.len, longest = strlen(f->marker) + 2 + 9 + 2;
    for (size_t i = len > longest ? len - longest : 0; i < len; i++)
        if (f->hold.data[i] == '\r' && raw_marker_prefix(f->hold.data + i, len - i, f->marker, whole))
            return i;
    *whole = 0;
    return len;
}

/* Raw: pass everything on at once (a person is typing) but the tail that may be the
 * marker line. */
static void stage_raw(exec_filter *f, const unsigned char *p, size_t len)
{
    buf_append(&f->hold, p, len);
    int whole;
    size_t out = raw_tail_start(f, &whole);
    if (out) {
        f->sink(f->ctx, (unsigned char *)f->hold.data, out);
        memmove(f->hold.data, f->hold.data + out, f->hold.len - out);
        f->hold.len -= out;
        f->hold.data[f->hold.len] = '\0';
    }
}

/* Pass converted bytes on, keeping back a tail long enough to hold the marker line. */
static void stage(exec_filter *f, const unsigned char *p, size_t len)
{
    if (!len)
        return;
    if (!f->marker) {
        f->sink(f->ctx, p, len);
        return;
    }
    buf_append(&f->hold, p, len);
    size_t keep = strlen(f->marker) + 16;
    if (f->hold.len > 2 * keep + 4096) {
        size_t out = f->hold.len - keep;
        f->sink(f->ctx, (unsigned char *)f->hold.data, out);
        memmove(f->hold.data, f->hold.data + out, keep);
        OPENSSL_cleanse(f->hold.data + keep, out);
        f->hold.len = keep;
        f->hold.data[keep] = '\0';
    }
}

void exec_filter_feed(void *filter, const unsigned char *p, size_t len)
{
    exec_filter *f = filter;
    if (f->raw) {
        if (f->marker)
            stage_raw(f, p, len);
        else
            f->sink(f->ctx, p, len);
        return;
    }
    unsigned char tmp[4096];
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (n + 2 > sizeof tmp) {
            stage(f, tmp, n);
            n = 0;
        }
        unsigned char c = p[i];
        if (f->pending_cr) {
            f->pending_cr = 0;
            if (c != '\n')
                tmp[n++] = '\r';
        }
        if (c == '\r')
            f->pending_cr = 1;
        else
            tmp[n++] = c;
    }
    stage(f, tmp, n);
    OPENSSL_cleanse(tmp, sizeof tmp);
}

/* Where the "\n<marker><digits>\n" line starts at the very end of the held tail. */
static long find_marker_line(exec_filter *f, int *code)
{
    size_t ml = strlen(f->marker);
    const char *d = f->hold.data;
    size_t len = f->hold.len;
    if (!d || len < ml + 3 || d[len - 1] != '\n')
        return -1;
    size_t j = len - 1;
    while (j > 0 && d[j - 1] >= '0' && d[j - 1] <= '9')
        j--;
    if (j == len - 1 || len - 1 - j > 9 || j < ml + 1)
        return -1;
    size_t start = j - ml;
    if (memcmp(d + start, f->marker, ml) != 0 || d[start - 1] != '\n')
        return -1;
    *code = atoi(d + j);
    return (long)start - 1;
}

void exec_filter_finish(exec_filter *f)
{
    if (f->pending_cr) {
        f->pending_cr = 0;
        unsigned char cr = '\r';
        stage(f, &cr, 1);
    }
    if (f->raw && f->marker && f->hold.len) {
        int whole;
        size_t at = raw_tail_start(f, &whole);
        if (whole)
            f->exit_code = atoi(f->hold.data + at + 2 + strlen(f->marker));
        size_t out = whole ? at : f->hold.len;
        if (out)
            f->sink(f->ctx, (unsigned char *)f->hold.data, out);
    } else if (f->marker && f->hold.len) {
        int code = -1;
        long at = find_marker_line(f, &code);
        size_t out = at >= 0 ? (size_t)at : f->hold.len;
        if (at >= 0)
            f->exit_code = code;
        if (out)
            f->sink(f->ctx, (unsigned char *)f->hold.data, out);
    }
    exec_buf_wipe(&f->hold);
}

/* A captured value (a bootstrap token, a generated key) is small: a command that prints
 * more is refused rather than held in memory. */
#define CAPTURE_MAX (1u << 20)

typedef struct {
    buf *out;     /* a wiping buffer: the output may be a secret */
    int too_much; /* more than CAPTURE_MAX arrived; the rest was dropped */
} capture_sink;

static void to_buf(void *ctx, const unsigned char *p, size_t len)
{
    capture_sink *s = ctx;
    if (s->too_much || s->out->len + len > CAPTURE_MAX) {
        s->too_much = 1;
        return;
    }
    buf_append(s->out, p, len);
}

int exec_capture(aws_client *aws, const exec_target *target, const char *command,
                 double timeout_s, buf *output, int *exit_code, aws_error *err)
{
    char marker[33];
    exec_new_marker(marker);
    char *wrapped = exec_wrap_command(command, marker);
    exec_filter f;
    output->wipe = 1;
    capture_sink sink = {output, 0};
    exec_filter_init(&f, marker, to_buf, &sink);
    exec_run_opts o = {.target = target, .command = wrapped, .timeout_s = timeout_s,
                       .output = exec_filter_feed, .ctx = &f, .input_fd = -1};
    int rc = exec_run(aws, &o, err);
    exec_filter_finish(&f);
    free(wrapped);
    *exit_code = f.exit_code;
    if (rc == 0 && sink.too_much) {
        aws_error_set(err, AWS_ERR_SERVICE, "ExecOutputTooLarge",
                      "'%s' printed more than %u KiB; a captured value must be smaller", command,
                      CAPTURE_MAX >> 10);
        rc = -1;
    }
    if (rc != 0)
        exec_buf_wipe(output);
    else if (!output->data)
        buf_append(output, "", 0);
    return rc;
}

int exec_capture_service(aws_client *aws, const char *cluster, const char *service,
                         const char *container, const char *command, double timeout_s,
                         buf *output, int *exit_code, aws_error *err)
{
    exec_target t;
    *exit_code = -1;
    if (exec_find_target(aws, cluster, service, NULL, container, &t, err) != 0)
        return -1;
    int rc = exec_capture(aws, &t, command, timeout_s, output, exit_code, err);
    exec_target_free(&t);
    return rc;
}
