/* Parsing of the gateway's upstream URLs (ONBOARDING_URL, PORTFOLIO_URL, TRANSACTION_URL), which must
 * be exactly "http://host:port" (an optional trailing "/" allowed). Pure code: no DNS, no sockets. */
#pragma once
#include <stddef.h>

#include "util/mem.h"

#define GW_HOST_MAX 255

typedef struct gw_url {
    char host[GW_HOST_MAX + 1];       /* name or address to connect to (IPv6 without brackets) */
    int port;                         /* 1..65535 */
    char authority[GW_HOST_MAX + 10]; /* Host header value: "host:port", IPv6 in brackets */
} gw_url;

/* Parse `text` into *out. Returns 0, or -1 with a short reason in `why` (static text) when the value is
 * not http://host:port (other schemes, userinfo, a path, query, missing or out-of-range port). */
int gw_url_parse(const char *text, gw_url *out, const char **why) MUSTCHECK;
