/* Route templates matched as api.md "Route matching" says: split the raw path on '/', a literal segment
 * beats a parameter with backtracking, parameters are percent-decoded after matching, then the method
 * is checked (404 0484 / 405 0485 with Allow). Pure code, shared by the services and the gateway. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#define ROUTER_MAX_PARAMS 8

enum {
    HTTP_M_GET = 1u << 0,
    HTTP_M_HEAD = 1u << 1,
    HTTP_M_POST = 1u << 2,
    HTTP_M_PUT = 1u << 3,
    HTTP_M_PATCH = 1u << 4,
    HTTP_M_DELETE = 1u << 5,
    HTTP_M_OPTIONS = 1u << 6,
    HTTP_M_OTHER = 1u << 7, /* TRACE, CONNECT and anything else: never allowed */
};

/* One (method set, template) row. Several rows may share a template with different methods.
 * Template syntax: "/v1/organizations/{organization_id}/ledgers"; a "{name}" segment is a parameter. */
typedef struct route_def {
    unsigned methods;
    const char *tmpl;
    const void *data; /* caller's payload (a handler, an upstream, ...) */
} route_def;

typedef enum route_result { ROUTE_OK, ROUTE_NOT_FOUND, ROUTE_METHOD_NOT_ALLOWED } route_result;

typedef struct route_match {
    const route_def *def;           /* ROUTE_OK: the row whose methods contain the method */
    const char *tmpl;               /* OK and 405: the matched template (static, for metrics) */
    unsigned allowed;               /* OK and 405: union of the template's methods */
    size_t param_count;
    const char *param_names[ROUTER_MAX_PARAMS];
    char *param_values[ROUTER_MAX_PARAMS]; /* router_percent_decode'd (always valid UTF-8), owned by
                                            * the match (route_match_clear) */
} route_match;

typedef struct router router;

/* Build from `count` rows (copied by pointer: rows and strings must outlive the router). Returns NULL
 * and logs when a template is malformed. */
router *router_new(const route_def *rows, size_t count);
void router_free(router *r);

/* Match `path` (raw, without the query string) and `method` (one HTTP_M_* bit). Trailing, doubled or
 * empty segments never match. Call route_match_clear on `out` whatever the result. */
route_result router_match(const router *r, const char *path, unsigned method, route_match *out);
void route_match_clear(route_match *m);
/* Value of a named parameter of a match, or NULL. */
const char *route_match_param(const route_match *m, const char *name);

/* Percent-decode n bytes of a path segment ('+' is not special) into a new heap string (caller
 * frees). Never NULL. The raw text is kept unchanged instead when the segment has a malformed escape
 * ("%zz", a cut "%4"), a "%00", or when the decoded bytes are not valid UTF-8 ("%FF", a cut "%C3"):
 * then a UUID check answers 0065, and an {alias} or {asset_code} lookup finds nothing (a raw '%' is
 * never part of one), so no invalid UTF-8 ever reaches a handler or PostgreSQL. Should the raw text
 * itself carry invalid UTF-8 (bytes sent unencoded), its bytes >= 0x80 are written as %XX escapes. */
char *router_percent_decode(const char *s, size_t n);
/* Decode n bytes of a query-string key or value as application/x-www-form-urlencoded does (what Go's
 * url.Values and Midaz clients send): '+' is a space, "%2B" a literal '+', other %XX escapes their
 * byte. A malformed escape or "%00" keeps the raw text unchanged ('+' included). The result is NOT
 * checked for UTF-8: page_params_parse refuses invalid UTF-8 with 0082 naming the parameter. New heap
 * string (caller frees), never NULL. */
char *router_query_decode(const char *s, size_t n);

/* "GET, POST" style Allow value for a method set, in GET, HEAD, POST, PUT, PATCH, DELETE order. */
void router_allow_header(unsigned methods, char *out, size_t cap);
/* HTTP_M_* bit of a method name ("PATCH"), HTTP_M_OTHER when unknown. */
unsigned http_method_bit(const char *name);
const char *http_method_name(unsigned bit);
