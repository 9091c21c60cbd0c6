/* http://host:port and host:port-list syntax for the configuration table (see config_url.h); the
 * gateway also takes its upstreams' host, port and Host value from config_http_url_parse. It validates
 * text only and never resolves names. */
#include "config/config_url.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static bool config_host_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_';
}

static bool config_ipv6_char(char c)
{
    return (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || (c >= '0' && c <= '9') || c == ':' || c == '.';
}

/* "host:port" at *pp (stopping at the first byte that cannot belong to it): host bounds into *host /
 * *host_len, *ipv6 when it was bracketed, the port into *port; *pp is left after the port. Returns 0, or
 * -1 with *why. */
static int config_host_port(const char **pp, const char **host, size_t *host_len, bool *ipv6, long *port,
                            const char **why)
{
    const char *p = *pp;
    int digits = 0;

    *ipv6 = false;
    *port = 0;
    if (*p == '[') {
        *ipv6 = true;
        *host = ++p;
        while (*p != '\0' && *p != ']') {
            if (!config_ipv6_char(*p)) {
                *why = "invalid IPv6 address";
                return -1;
            }
            p++;
        }
        if (*p != ']') {
            *why = "unterminated IPv6 address";
            return -1;
        }
        *host_len = (size_t)(p - *host);
        p++;
    } else {
        *host = p;
        while (config_host_char(*p))
            p++;
        *host_len = (size_t)(p - *host);
    }
    if (*host_len == 0 || *host_len > CONFIG_HOST_MAX) {
        *why = *host_len == 0 ? "missing host" : "host too long";
        return -1;
    }
    if (*p != ':') {
        *why = *p == '@' ? "user information is not allowed" : "missing :port";
        return -1;
    }
    p++;
    while (*p >= '0' && *p <= '9') {
        *port = *port * 10 + (*p - '0');
        if (++digits > 5)
            break;
        p++;
    }
    if (digits == 0 || digits > 5 || *port < 1 || *port > 65535) {
        *why = "port must be 1..65535";
        return -1;
    }
    *pp = p;
    return 0;
}

int config_http_url_parse(const char *text, config_http_url *out, const char **why)
{
    static const char scheme[] = "http://";
    const char *p = NULL;
    const char *host = NULL;
    size_t host_len = 0;
    bool ipv6 = false;
    long port = 0;

    memset(out, 0, sizeof(*out));
    *why = NULL;
    if (text == NULL || strncmp(text, scheme, sizeof(scheme) - 1) != 0) {
        *why = "must start with http://";
        return -1;
    }
    p = text + sizeof(scheme) - 1;
    if (config_host_port(&p, &host, &host_len, &ipv6, &port, why) < 0) {
        if (strcmp(*why, "missing :port") == 0)
            *why = "must be http://host:port";
        return -1;
    }
    if (*p == '/')
        p++;
    if (*p != '\0') {
        *why = "must be http://host:port (no path or query)";
        return -1;
    }
    memcpy(out->host, host, host_len);
    out->host[host_len] = '\0';
    out->port = (int)port;
    snprintf(out->authority, sizeof(out->authority), ipv6 ? "[%s]:%d" : "%s:%d", out->host, out->port);
    return 0;
}

int config_host_port_list_check(const char *text, const char **why)
{
    const char *p = text;
    const char *host = NULL;
    size_t host_len = 0;
    bool ipv6 = false;
    long port = 0;

    *why = NULL;
    if (p == NULL || *p == '\0') {
        *why = "empty list";
        return -1;
    }
    for (;;) {
        if (*p == ',' || *p == '\0') {
            *why = "empty element";
            return -1;
        }
        if (config_host_port(&p, &host, &host_len, &ipv6, &port, why) < 0)
            return -1;
        if (*p == '\0')
            return 0;
        if (*p != ',') {
            *why = "elements must be host:port separated by commas";
            return -1;
        }
        p++;
    }
}
