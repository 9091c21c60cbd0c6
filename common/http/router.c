/* Route matching of api.md "Route matching": raw path split on '/', a literal segment beats a
 * parameter (with backtracking), one template chosen by the path, the method checked afterwards.
 * Pure code: no I/O besides logging a malformed table, and nothing service-specific. */
#include "http/router.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log/log.h"
#include "util/ascii.h"
#include "util/mem.h"
#include "util/utf8.h"

#define ROUTER_MAX_SEGMENTS 32

/* One distinct template string; several rows may point to it. */
typedef struct router_tmpl {
    const char *tmpl;                 /* the first row's string (static, reported in matches) */
    size_t seg_count;
    char *segs[ROUTER_MAX_SEGMENTS];  /* literal text, or the parameter name when is_param */
    bool is_param[ROUTER_MAX_SEGMENTS];
    size_t first_row;                 /* rows are scanned from here for the method */
    unsigned allowed;                 /* union of the methods of every row with this template */
} router_tmpl;

struct router {
    const route_def *rows;
    size_t row_count;
    router_tmpl *tmpls;
    size_t tmpl_count;
};

static void router_tmpl_clear(router_tmpl *t)
{
    for (size_t i = 0; i < t->seg_count; i++)
        free(t->segs[i]);
    t->seg_count = 0;
}

/* Split "/a/{b}/c" into segments; -1 when malformed (no leading '/', empty segment, bad braces,
 * too many segments or parameters). */
static int router_parse_tmpl(const char *s, router_tmpl *t)
{
    size_t params = 0;
    if (!s || s[0] != '/')
        return -1;
    const char *p = s + 1;
    for (;;) {
        const char *end = strchr(p, '/');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == 0 || t->seg_count == ROUTER_MAX_SEGMENTS)
            return -1;
        bool open = p[0] == '{', close = p[len - 1] == '}';
        if (open != close)
            return -1;
        if (open) {
            if (len < 3 || memchr(p + 1, '{', len - 2) || memchr(p + 1, '}', len - 2) ||
                ++params > ROUTER_MAX_PARAMS)
                return -1;
            t->segs[t->seg_count] = xstrndup(p + 1, len - 2);
            t->is_param[t->seg_count] = true;
        } else {
            if (memchr(p, '{', len) || memchr(p, '}', len))
                return -1;
            t->segs[t->seg_count] = xstrndup(p, len);
            t->is_param[t->seg_count] = false;
        }
        t->seg_count++;
        if (!end)
            return 0;
        p = end + 1;
    }
}

/* Same shape: same length, same literal/parameter positions, same literals. Two such templates
 * with different parameter names would match exactly the same paths, which is a table bug. */
static bool router_same_shape(const router_tmpl *a, const router_tmpl *b)
{
    if (a->seg_count != b->seg_count)
        return false;
    for (size_t i = 0; i < a->seg_count; i++) {
        if (a->is_param[i] != b->is_param[i])
            return false;
        if (!a->is_param[i] && strcmp(a->segs[i], b->segs[i]) != 0)
            return false;
    }
    return true;
}

router *router_new(const route_def *rows, size_t count)
{
    router *r = xcalloc(1, sizeof(*r));
    r->rows = rows;
    r->row_count = count;
    r->tmpls = xcalloc(count ? count : 1, sizeof(router_tmpl));

    for (size_t i = 0; i < count; i++) {
        size_t k = 0;
        while (k < r->tmpl_count && strcmp(r->tmpls[k].tmpl, rows[i].tmpl ? rows[i].tmpl : "") != 0)
            k++;
        if (k < r->tmpl_count) {
            r->tmpls[k].allowed |= rows[i].methods;
            continue;
        }
        router_tmpl *t = &r->tmpls[r->tmpl_count];
        if (router_parse_tmpl(rows[i].tmpl, t) < 0) {
            log_error("router: malformed route template \"%s\"", rows[i].tmpl ? rows[i].tmpl : "(null)");
            router_tmpl_clear(t);
            goto failed;
        }
        for (size_t j = 0; j < r->tmpl_count; j++) {
            if (router_same_shape(&r->tmpls[j], t)) {
                log_error("router: templates \"%s\" and \"%s\" match the same paths", r->tmpls[j].tmpl,
                          rows[i].tmpl);
                router_tmpl_clear(t);
                goto failed;
            }
        }
        t->tmpl = rows[i].tmpl;
        t->first_row = i;
        t->allowed = rows[i].methods;
        r->tmpl_count++;
    }
    return r;

failed:
    router_free(r);
    return NULL;
}

void router_free(router *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->tmpl_count; i++)
        router_tmpl_clear(&r->tmpls[i]);
    free(r->tmpls);
    free(r);
}

/* The raw text of a segment whose decoding was refused. Bytes sent unencoded could themselves be
 * invalid UTF-8; those are then written as %XX so the value stays text PostgreSQL accepts. */
static char *router_raw_copy(const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    if (utf8_valid(s, n))
        return xstrndup(s, n);
    char *out = xmalloc(3 * n + 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            out[o++] = (char)c;
            continue;
        }
        out[o++] = '%';
        out[o++] = hex[c >> 4];
        out[o++] = hex[c & 15];
    }
    out[o] = '\0';
    return out;
}

/* Shared decoder; NULL when an escape is malformed or is %00. A malformed escape keeps the whole raw
 * text, as Go's PathUnescape failure path does, so validation then sees what the client sent; %00 is
 * refused because a C string cannot carry it (a UUID followed by %00 must not validate as that UUID). */
static char *router_decode(const char *s, size_t n, bool plus_is_space, size_t *len_out)
{
    char *out = xmalloc(n + 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '+' && plus_is_space) {
            out[o++] = ' ';
            continue;
        }
        if (s[i] != '%') {
            out[o++] = s[i];
            continue;
        }
        int hi = n - i >= 3 ? ascii_hex_value(s[i + 1]) : -1;
        int lo = n - i >= 3 ? ascii_hex_value(s[i + 2]) : -1;
        if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
            free(out);
            return NULL;
        }
        out[o++] = (char)(hi * 16 + lo);
        i += 2;
    }
    out[o] = '\0';
    *len_out = o;
    return out;
}

/* An undecodable or non-UTF-8 segment keeps its raw text: PostgreSQL refuses invalid UTF-8 with an
 * error (a 500), while the raw text is valid and simply matches no alias, code or UUID. */
char *router_percent_decode(const char *s, size_t n)
{
    size_t len = 0;
    char *out = router_decode(s, n, false, &len);
    if (out && utf8_valid(out, len))
        return out;
    free(out);
    return router_raw_copy(s, n);
}

char *router_query_decode(const char *s, size_t n)
{
    size_t len = 0;
    char *out = router_decode(s, n, true, &len);
    return out ? out : xstrndup(s, n);
}

route_result router_match(const router *r, const char *path, unsigned method, route_match *out)
{
    const char *seg_start[ROUTER_MAX_SEGMENTS];
    size_t seg_len[ROUTER_MAX_SEGMENTS];
    size_t nseg = 0;

    memset(out, 0, sizeof(*out));
    if (!r || !path || path[0] != '/')
        return ROUTE_NOT_FOUND;
    const char *p = path + 1;
    for (;;) {
        const char *end = strchr(p, '/');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == 0 || nseg == ROUTER_MAX_SEGMENTS) /* trailing or doubled slash, "/" alone */
            return ROUTE_NOT_FOUND;
        seg_start[nseg] = p;
        seg_len[nseg] = len;
        nseg++;
        if (!end)
            break;
        p = end + 1;
    }

    /* Among the templates matching every segment, the literal-first depth-first search of a segment
     * trie finds the one whose literal/parameter sequence is greatest with literal > parameter at the
     * first position where two candidates differ; comparing candidates that way is the same search. */
    const router_tmpl *best = NULL;
    for (size_t k = 0; k < r->tmpl_count; k++) {
        const router_tmpl *t = &r->tmpls[k];
        if (t->seg_count != nseg)
            continue;
        bool ok = true;
        for (size_t i = 0; i < nseg && ok; i++)
            ok = t->is_param[i] || (strlen(t->segs[i]) == seg_len[i] &&
                                    memcmp(t->segs[i], seg_start[i], seg_len[i]) == 0);
        if (!ok)
            continue;
        if (best) {
            size_t i = 0;
            while (i < nseg && t->is_param[i] == best->is_param[i])
                i++;
            if (i == nseg || t->is_param[i])
                continue;
        }
        best = t;
    }
    if (!best)
        return ROUTE_NOT_FOUND;

    out->tmpl = best->tmpl;
    out->allowed = best->allowed;
    for (size_t i = 0; i < nseg; i++) {
        if (!best->is_param[i])
            continue;
        out->param_names[out->param_count] = best->segs[i];
        out->param_values[out->param_count] = router_percent_decode(seg_start[i], seg_len[i]);
        out->param_count++;
    }
    if (!(method & best->allowed) || method == HTTP_M_OTHER)
        return ROUTE_METHOD_NOT_ALLOWED;
    for (size_t i = best->first_row; i < r->row_count; i++) {
        if ((r->rows[i].methods & method) && r->rows[i].tmpl && strcmp(r->rows[i].tmpl, best->tmpl) == 0) {
            out->def = &r->rows[i];
            break;
        }
    }
    return ROUTE_OK;
}

void route_match_clear(route_match *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->param_count; i++)
        free(m->param_values[i]);
    memset(m, 0, sizeof(*m));
}

const char *route_match_param(const route_match *m, const char *name)
{
    for (size_t i = 0; i < m->param_count; i++)
        if (strcmp(m->param_names[i], name) == 0)
            return m->param_values[i];
    return NULL;
}

static const struct {
    unsigned bit;
    const char *name;
} router_methods[] = {
    {HTTP_M_GET, "GET"},     {HTTP_M_HEAD, "HEAD"},     {HTTP_M_POST, "POST"},
    {HTTP_M_PUT, "PUT"},     {HTTP_M_PATCH, "PATCH"},   {HTTP_M_DELETE, "DELETE"},
    {HTTP_M_OPTIONS, "OPTIONS"},
};

void router_allow_header(unsigned methods, char *out, size_t cap)
{
    size_t used = 0;
    if (cap == 0)
        return;
    out[0] = '\0';
    for (size_t i = 0; i < ARRAY_LEN(router_methods); i++) {
        if (!(methods & router_methods[i].bit))
            continue;
        int n = snprintf(out + used, cap - used, "%s%s", used ? ", " : "", router_methods[i].name);
        if (n < 0 || (size_t)n >= cap - used) {
            out[used] = '\0'; /* never emit half a method name */
            return;
        }
        used += (size_t)n;
    }
}

unsigned http_method_bit(const char *name)
{
    for (size_t i = 0; name && i < ARRAY_LEN(router_methods); i++)
        if (strcmp(name, router_methods[i].name) == 0)
            return router_methods[i].bit;
    return HTTP_M_OTHER;
}

const char *http_method_name(unsigned bit)
{
    for (size_t i = 0; i < ARRAY_LEN(router_methods); i++)
        if (bit == router_methods[i].bit)
            return router_methods[i].name;
    return "OTHER";
}
