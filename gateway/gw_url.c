/* Upstream URL parsing for the gateway configuration. Pure code (the unit tests compile every
 * gateway/gw_*.c file): it validates text only and never resolves names. */
#include "gw_url.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static bool gw_url_host_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_';
}

static bool gw_url_ipv6_char(char c)
{
    return (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || (c >= '0' && c <= '9') || c == ':' || c == '.';
}

int gw_url_parse(const char *text, gw_url *out, const char **why)
{
    static const char scheme[] = "http://";
    const char *p = NULL;
    const char *host = NULL;
    size_t host_len = 0;
    bool ipv6 = false;
    long port = 0;
    int digits = 0;

    memset(out, 0, sizeof(*out));
    *why = NULL;
    if (text == NULL || strncmp(text, scheme, sizeof(scheme) - 1) != 0) {
        *why = "must start with http://";
        return -1;
    }
    p = text + sizeof(scheme) - 1;
    if (*p == '[') {
        ipv6 = true;
        host = ++p;
        while (*p != '\0' && *p != ']') {
            if (!gw_url_ipv6_char(*p)) {
                *why = "invalid IPv6 address";
                return -1;
            }
            p++;
        }
        if (*p != ']') {
            *why = "unterminated IPv6 address";
            return -1;
        }
        host_len = (size_t)(p - host);
        p++;
    } else {
        host = p;
        while (gw_url_host_char(*p))
            p++;
        host_len = (size_t)(p - host);
    }
    if (host_len == 0 || host_len > GW_HOST_MAX) {
        *why = host_len == 0 ? "missing host" : "host too long";
        return -1;
    }
    if (*p != ':') {
        *why = *p == '@' ? "user information is not allowed" : "must be http://host:port";
        return -1;
    }
    p++;
    while (*p >= '0' && *p <= '9') {
        port = port * 10 + (*p - '0');
        if (++digits > 5)
            break;
        p++;
    }
    if (digits == 0 || digits > 5 || port < 1 || port > 65535) {
        *why = "port must be 1..65535";
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
