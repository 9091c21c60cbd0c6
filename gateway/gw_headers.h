/* Which header fields the gateway forwards and relays (api.md "Transport": end-to-end headers unchanged,
 * hop-by-hop ones dropped). Pure string rules shared by proxy.c and the unit tests; no libevent. */
#pragma once
#include <stdbool.h>

/* RFC 9110 7.6.1 hop-by-hop fields: Connection, Keep-Alive, Transfer-Encoding, TE, Trailer, Upgrade and
 * every Proxy-* field (case-insensitive). */
bool gw_header_hop_by_hop(const char *name);
/* True when `name` is one of the comma-separated options of a Connection header value (NULL = none). */
bool gw_header_in_connection(const char *connection, const char *name);
/* Client request field not copied upstream: hop-by-hop, listed in the request's Connection value, or set
 * by the gateway itself for the upstream hop (Host, Content-Length, X-Request-Id, Expect). */
bool gw_header_skip_request(const char *name, const char *connection);
/* Upstream response field not copied to the client: hop-by-hop, listed in the response's Connection
 * value, or written by the reply helper itself (Content-Length, Content-Type, X-Request-Id). */
bool gw_header_skip_response(const char *name, const char *connection);
