/*
 * Where plain (unencrypted) connections may go. A URL is judged by libcurl's own parser,
 * the one that will connect, so "http://127.0.0.1@192.0.2.2/" is seen for what it is (a
 * user name "127.0.0.1" at host 192.0.2.2), never by a string prefix.
 */
#include "http_internal.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "xalloc.h"

int aws_url_parse(const char *url, aws_url *out)
{
    memset(out, 0, sizeof *out);
    CURLU *u = curl_url();
    if (!u)
        return -1;
    int rc = -1;
    char *scheme = NULL, *host = NULL, *user = NULL, *password = NULL, *port = NULL;
    if (curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
        curl_url_get(u, CURLUPART_USER, &user, 0);
        curl_url_get(u, CURLUPART_PASSWORD, &password, 0);
        curl_url_get(u, CURLUPART_PORT, &port, 0);
        size_t n = strlen(host);
        /* "[::1]" -> "::1" */
        if (n >= 2 && host[0] == '[' && host[n - 1] == ']')
            snprintf(out->host, sizeof out->host, "%.*s", (int)(n - 2), host + 1);
        else
            snprintf(out->host, sizeof out->host, "%s", host);
        snprintf(out->scheme, sizeof out->scheme, "%s", scheme);
        for (char *p = out->scheme; *p; p++)
            *p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
        out->port = port ? atoi(port) : 0;
        out->has_userinfo = user || password;
        rc = n < sizeof out->host && strlen(scheme) < sizeof out->scheme ? 0 : -1;
    }
    curl_free(scheme);
    curl_free(host);
    curl_free(user);
    curl_free(password);
    curl_free(port);
    curl_url_cleanup(u);
    return rc;
}

static int loopback_literal(const char *host)
{
    struct in_addr a4;
    struct in6_addr a6;
    if (inet_pton(AF_INET, host, &a4) == 1)
        return (ntohl(a4.s_addr) >> 24) == 127;
    if (inet_pton(AF_INET6, host, &a6) == 1)
        return IN6_IS_ADDR_LOOPBACK(&a6) ||
               (IN6_IS_ADDR_V4MAPPED(&a6) && a6.s6_addr[12] == 127);
    return 0;
}

int aws_host_is_loopback(const char *host)
{
    return loopback_literal(host) || strcasecmp(host, "localhost") == 0;
}

/* 1 when ECSDEPLOY_ALLOW_HTTP is 1/true/yes: plain http and ws:// to any host. */
static int aws_plain_http_allowed(void)
{
    const char *v = getenv("ECSDEPLOY_ALLOW_HTTP");
    return v && (strcmp(v, "1") == 0 || strcasecmp(v, "true") == 0 || strcasecmp(v, "yes") == 0);
}

int aws_url_check_transport(const char *url, const char *what, aws_error *err)
{
    aws_url u;
    if (aws_url_parse(url, &u) != 0) {
        aws_error_set(err, AWS_ERR_CONFIG, "InvalidEndpoint", "%s '%s' is not a URL", what, url);
        return -1;
    }
    int plain = strcmp(u.scheme, "http") == 0 || strcmp(u.scheme, "ws") == 0;
    if (!plain || aws_host_is_loopback(u.host) || aws_plain_http_allowed())
        return 0;
    aws_error_set(err, AWS_ERR_CONFIG, "InsecureEndpoint",
                  "%s '%s' is plain %s to %s, which is not this machine: signed requests and "
                  "the answers (secrets, credentials) would cross the network unencrypted. Use "
                  "%s, or set ECSDEPLOY_ALLOW_HTTP=1 if you mean it (a test endpoint on a "
                  "trusted network)",
                  what, url, u.scheme, u.host, strcmp(u.scheme, "ws") == 0 ? "wss://" : "https://");
    return -1;
}
