/* Syntax of the address values of the configuration: an upstream or internal base URL that must be
 * exactly "http://host:port" (the parser the gateway uses for its upstreams, shared here so every binary
 * validates the same way) and a "host:port[,host:port...]" list (Kafka bootstrap servers). Pure text
 * checks: no DNS, no sockets, no allocation. */
#pragma once
#include <stddef.h>

#include "util/mem.h"

#define CONFIG_HOST_MAX 255

typedef struct config_http_url {
    char host[CONFIG_HOST_MAX + 1];       /* name or address to connect to (IPv6 without brackets) */
    int port;                             /* 1..65535 */
    char authority[CONFIG_HOST_MAX + 10]; /* Host header value: "host:port", IPv6 in brackets */
} config_http_url;

/* Parse `text` as http://host:port with an optional trailing "/" into *out. Returns 0, or -1 with a short
 * reason in *why (static text) when it is anything else: another scheme, user information, a path or
 * query, a missing host, a missing or out-of-range port. Hosts are letters, digits, '-', '.', '_' or a
 * bracketed IPv6 address. */
int config_http_url_parse(const char *text, config_http_url *out, const char **why) MUSTCHECK;

/* Check `text` as a non-empty comma-separated list of host:port (hosts as above, port 1..65535, no
 * spaces, no empty element). Returns 0, or -1 with a short reason in *why (static text). */
int config_host_port_list_check(const char *text, const char **why) MUSTCHECK;
