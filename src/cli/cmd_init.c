/* ecsdeploy init: write a commented starter stack file; never overwrite one. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "cli_internal.h"
#include "stack.h"
#include "stack_names.h"
#include "xalloc.h"

typedef struct {
    const char *name;
    const char *image;
    const char *port;
} init_state;

enum { OPT_NAME = 2000, OPT_IMAGE, OPT_PORT };

static const cli_flag flags[] = {
    {"name", 0, "NAME", OPT_NAME, "the stack's name (default: from the current directory)",
     CLI_VALUE_ANY, NULL},
    {"image", 0, "IMAGE", OPT_IMAGE, "the application's image (default: nginx's public image)",
     CLI_VALUE_ANY, NULL},
    {"port", 0, "PORT", OPT_PORT, "the port it listens on, behind a load balancer (default 80)", CLI_VALUE_ANY,
     NULL},
    {0}};

static int parse(void *state, int opt, const char *arg)
{
    init_state *st = state;
    if (opt == OPT_NAME)
        st->name = arg;
    else if (opt == OPT_IMAGE)
        st->image = arg;
    else if (opt == OPT_PORT)
        st->port = arg;
    else
        return CLI_NOT_MINE;
    return 0;
}

/* The current directory's name made into a stack name, or "app". Caller frees. */
static char *default_name(void)
{
    char cwd[4096];
    buf b = BUF_INIT;
    if (getcwd(cwd, sizeof cwd)) {
        const char *base = strrchr(cwd, '/');
        for (const char *p = base ? base + 1 : cwd; *p && b.len < 20; p++) {
            char ch = *p >= 'A' && *p <= 'Z' ? (char)(*p - 'A' + 'a') : *p;
            if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))
                buf_putc(&b, ch);
            else if (b.len && b.data[b.len - 1] != '-')
                buf_putc(&b, '-');
        }
    }
    while (b.len && b.data[b.len - 1] == '-')
        b.data[--b.len] = '\0';
    if (!b.len || stack_check_logical_name(buf_str(&b))) {
        buf_free(&b);
        return xstrdup("app");
    }
    return buf_detach(&b);
}

static void write_template(buf *b, const char *name, const char *image, int port)
{
    buf_printf(b,
        "# ecsdeploy stack file; the format is in ecsdeploy-stack(5).\n"
        "# Check it with 'ecsdeploy validate', see the changes with 'ecsdeploy plan',\n"
        "# create or update everything with 'ecsdeploy up'.\n"
        "stack: %s\n"
        "# region: eu-west-1          # default: --region, AWS_REGION or the profile's\n"
        "\n"
        "parameters:\n"
        "  image: { default: \"%s\", description: \"the application image\" }\n"
        "\n"
        "network:\n"
        "  vpc: { cidr: 10.0.0.0/16 }    # or: default, or { id: vpc-…, public_subnets: […] }\n"
        "  zones: 2\n"
        "  nat: none                     # none | single | per-zone (NAT costs money every hour)\n"
        "\n"
        "logs: { retention_days: 30 }\n"
        "\n"
        "# secrets:\n"
        "#   api-key: { generate: { length: 40 } }\n"
        "# buckets:\n"
        "#   data: {}                    # encrypted, public access blocked, TLS-only, kept\n"
        "\n"
        "load_balancers:\n"
        "  web:\n"
        "    listeners: [ { port: 80 } ]\n"
        "\n"
        "services:\n"
        "  %s:\n"
        "    image: ${image}             # --set image=REF at deploy time\n"
        "    cpu: 256                    # Fargate: 256 cpu with 512, 1024 or 2048 MiB\n"
        "    memory: 512\n"
        "    desired_count: 1\n"
        "    port: %d\n"
        "    subnets: public             # public subnets with public IPs: no NAT needed\n"
        "    load_balancer:\n"
        "      name: web\n"
        "      health_check: { path: / }\n"
        "    environment:\n"
        "      PORT: \"%d\"\n"
        "    # secrets: { API_KEY: api-key }\n"
        "    # permissions: [ { bucket: data, access: read-write } ]\n"
        "    # exec: true                # allow 'ecsdeploy exec'\n"
        "\n"
        "outputs:\n"
        "  url: \"http://${load_balancers.web.dns_name}\"\n",
        name, image, name, port, port);
}

static int run(const cli_globals *g, void *state, int argc, char **argv)
{
    init_state *st = state;
    (void)argc;
    (void)argv;
    char *name = st->name ? xstrdup(st->name) : default_name();
    const char *why = stack_check_logical_name(name);
    if (why) {
        int rc = cli_usage_error("--name '%s' %s", name, why);
        free(name);
        return rc;
    }
    const char *image = st->image ? st->image : "public.ecr.aws/nginx/nginx:stable";
    if ((why = stack_check_image(image))) {
        free(name);
        return cli_usage_error("--image '%s' is not an image reference: %s", image, why);
    }
    char *end = NULL;
    long port = st->port ? strtol(st->port, &end, 10) : 80;
    if (st->port && (!*st->port || *end || port < 1 || port > 65535)) {
        free(name);
        return cli_usage_error("--port must be a number from 1 to 65535, not '%s'", st->port);
    }
    const char *file = g->stack_file ? g->stack_file : "ecsdeploy.yml";
    int fd = open(file, O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (fd < 0) {
        int rc = errno == EEXIST ? cli_usage_error("%s already exists; not overwriting it (remove it, or "
                                                   "write elsewhere with -f FILE)", file)
                                 : (fprintf(stderr, "ecsdeploy: cannot create %s: %s\n", file, strerror(errno)), EXIT_AWS);
        free(name);
        return rc;
    }
    buf b = BUF_INIT;
    write_template(&b, name, image, (int)port);
    ssize_t w = write(fd, b.data, b.len);
    int bad = w < 0 || (size_t)w != b.len;
    bad |= close(fd) != 0;
    buf_free(&b);
    if (bad) {
        fprintf(stderr, "ecsdeploy: cannot write %s: %s\n", file, strerror(errno));
        free(name);
        return EXIT_AWS;
    }
    printf("wrote %s for stack %s; check it with 'ecsdeploy validate%s%s'\n", file, name,
           g->stack_file ? " -f " : "", g->stack_file ? file : "");
    free(name);
    return EXIT_OK;
}

const cli_command_code cli_code_init = CLI_COMMAND_CODE(init_state);
