/* multipart/form-data reader for the DSL upload (transactions.md 9.1). Strict about the framing (CRLF
 * line ends, delimiter lines, a close delimiter) and lenient about what it does not need (preamble,
 * epilogue, unknown part headers). It never decodes transfer encodings and never copies part contents. */
#include "multipart.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "util/ascii.h"

/* ---- header parameters ---------------------------------------------------------------------------- */

static bool is_ows(char c)
{
    return c == ' ' || c == '\t';
}

static bool is_tchar(char c)
{
    return c > 0x20 && c < 0x7F && !strchr("()<>@,;:\\\"/[]?={}", c);
}

/* RFC 2046 bchars. */
static bool is_bchar(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c != '\0' && strchr("'()+_,-./:=? ", c) != NULL);
}

/* Parse `; name=value` pairs of a header value starting at s (just after the media type / disposition
 * type). For the parameter `want` (case-insensitive) the unquoted value is stored in *out (arena).
 * Returns 1 found, 0 absent, -1 malformed. */
static int header_param(const char *s, const char *want, arena *a, char **out)
{
    int found = 0;
    *out = NULL;
    for (;;) {
        while (is_ows(*s))
            s++;
        if (*s == '\0')
            return found;
        if (*s != ';')
            return -1;
        s++;
        while (is_ows(*s))
            s++;
        if (*s == '\0')
            return found; /* a trailing ';' is tolerated */
        const char *name = s;
        while (is_tchar(*s))
            s++;
        size_t nlen = (size_t)(s - name);
        while (is_ows(*s))
            s++;
        if (nlen == 0 || *s != '=')
            return -1;
        s++;
        while (is_ows(*s))
            s++;
        strbuf v = {0};
        if (*s == '"') {
            s++;
            while (*s && *s != '"') {
                if (*s == '\\' && s[1])
                    s++;
                strbuf_putc(&v, *s++);
            }
            if (*s != '"') {
                strbuf_free(&v);
                return -1;
            }
            s++;
        } else {
            const char *b = s;
            while (is_tchar(*s))
                s++;
            if (s == b) {
                strbuf_free(&v);
                return -1;
            }
            strbuf_append(&v, b, (size_t)(s - b));
        }
        if (strlen(want) == nlen && strncasecmp(name, want, nlen) == 0) {
            *out = arena_strdup(a, v.buf ? v.buf : "");
            found = 1;
        }
        strbuf_free(&v);
    }
}

/* RFC 5987 ext-value "charset'lang'pct-encoded" -> the decoded bytes (arena); NULL when malformed. */
static char *ext_value_decode(arena *a, const char *v)
{
    const char *q1 = strchr(v, '\'');
    const char *q2 = q1 ? strchr(q1 + 1, '\'') : NULL;
    if (!q2)
        return NULL;
    const char *s = q2 + 1;
    char *out = arena_alloc(a, strlen(s) + 1);
    size_t k = 0;
    for (; *s; s++) {
        if (*s == '%') {
            int h = ascii_hex_value(s[1]), l = h >= 0 ? ascii_hex_value(s[2]) : -1;
            if (h < 0 || l < 0)
                return NULL;
            out[k++] = (char)(h * 16 + l);
            s += 2;
        } else {
            out[k++] = *s;
        }
    }
    out[k] = '\0';
    return out;
}

/* ---- Content-Type ------------------------------------------------------------------------------------ */

int multipart_boundary(const char *content_type, char out[MULTIPART_BOUNDARY_MAX + 1], char *err,
                       size_t errcap)
{
    static const char media[] = "multipart/form-data";
    arena *a = NULL;
    char *b = NULL;
    int rc = -1;

    if (!content_type) {
        snprintf(err, errcap, "the request is not multipart/form-data (no Content-Type)");
        return -1;
    }
    const char *s = content_type;
    while (is_ows(*s))
        s++;
    const char *t = s;
    while (*s && *s != ';' && !is_ows(*s))
        s++;
    if ((size_t)(s - t) != sizeof(media) - 1 || strncasecmp(t, media, sizeof(media) - 1) != 0) {
        snprintf(err, errcap, "the request is not multipart/form-data");
        return -1;
    }
    a = arena_new();
    int found = header_param(s, "boundary", a, &b);
    if (found < 0) {
        snprintf(err, errcap, "malformed Content-Type parameters");
        goto cleanup;
    }
    if (found == 0) {
        snprintf(err, errcap, "multipart/form-data without a boundary");
        goto cleanup;
    }
    size_t len = strlen(b);
    if (len == 0 || len > MULTIPART_BOUNDARY_MAX || b[len - 1] == ' ') {
        snprintf(err, errcap, "the multipart boundary must have 1 to 70 characters");
        goto cleanup;
    }
    for (size_t i = 0; i < len; i++) {
        if (!is_bchar(b[i])) {
            snprintf(err, errcap, "invalid character in the multipart boundary");
            goto cleanup;
        }
    }
    memcpy(out, b, len + 1);
    rc = 0;
cleanup:
    arena_free(a);
    return rc;
}

/* ---- body -------------------------------------------------------------------------------------------- */

static const char *find_bytes(const char *hay, size_t hlen, const char *needle, size_t nlen)
{
    if (nlen == 0 || hlen < nlen)
        return NULL;
    for (const char *p = hay; (size_t)(p - hay) <= hlen - nlen; p++) {
        p = memchr(p, needle[0], hlen - nlen - (size_t)(p - hay) + 1);
        if (!p)
            return NULL;
        if (memcmp(p, needle, nlen) == 0)
            return p;
    }
    return NULL;
}

/* Whether the bytes after a "--boundary" at `after` make it a delimiter line: "--" (close), or optional
 * spaces/tabs then CRLF. */
static bool delimiter_tail_ok(const char *body, size_t len, size_t after)
{
    if (after + 2 <= len && body[after] == '-' && body[after + 1] == '-')
        return true;
    while (after < len && is_ows(body[after]))
        after++;
    return after + 2 <= len && body[after] == '\r' && body[after + 1] == '\n';
}

/* Position of the next "CRLF--boundary" delimiter at or after `from`, or len when none. */
static size_t next_delimiter(const char *body, size_t len, size_t from, const char *delim, size_t dlen)
{
    while (from <= len) {
        const char *p = find_bytes(body + from, len - from, delim, dlen);
        if (!p)
            return len;
        size_t at = (size_t)(p - body);
        if (delimiter_tail_ok(body, len, at + dlen))
            return at;
        from = at + 1;
    }
    return len;
}

/* Parse the header lines of a part starting at *pos (up to and including the empty line). */
static int part_headers(const char *body, size_t len, size_t *pos, arena *a, multipart_part *part, char *err,
                        size_t errcap)
{
    size_t p = *pos;
    for (;;) {
        if (p + 2 <= len && body[p] == '\r' && body[p + 1] == '\n') {
            *pos = p + 2;
            return 0;
        }
        const char *eol = find_bytes(body + p, len - p, "\r\n", 2);
        if (!eol) {
            snprintf(err, errcap, "unterminated multipart part headers");
            return -1;
        }
        size_t llen = (size_t)(eol - (body + p));
        char *line = arena_strndup(a, body + p, llen);
        char *colon = strchr(line, ':');
        if (!colon || colon == line) {
            snprintf(err, errcap, "malformed multipart part header");
            return -1;
        }
        *colon = '\0';
        char *value = colon + 1;
        while (is_ows(*value))
            value++;
        if (strcasecmp(line, "Content-Disposition") == 0) {
            char *s = value;
            while (*s && *s != ';' && !is_ows(*s))
                s++;
            part->form_data = (size_t)(s - value) == 9 && strncasecmp(value, "form-data", 9) == 0;
            char *name = NULL, *fname = NULL, *fname_ext = NULL;
            if (header_param(s, "name", a, &name) < 0 || header_param(s, "filename", a, &fname) < 0 ||
                header_param(s, "filename*", a, &fname_ext) < 0) {
                snprintf(err, errcap, "malformed Content-Disposition header");
                return -1;
            }
            part->name = name;
            part->filename = fname;
            if (fname_ext) {
                char *dec = ext_value_decode(a, fname_ext);
                if (!dec) {
                    snprintf(err, errcap, "malformed filename* parameter");
                    return -1;
                }
                part->filename = dec; /* RFC 6266: filename* wins */
            }
        }
        p += llen + 2;
    }
}

int multipart_parse(const char *boundary, const char *body, size_t len, arena *a, multipart_part **parts,
                    size_t *n, char *err, size_t errcap)
{
    size_t blen = strlen(boundary);
    char *delim = arena_printf(a, "\r\n--%s", boundary); /* CRLF "--" boundary */
    size_t dlen = blen + 4;
    size_t cap = 4, count = 0;
    multipart_part *out = arena_alloc(a, cap * sizeof(*out));
    size_t pos = 0;

    *parts = NULL;
    *n = 0;
    /* the first delimiter may open the body (no preamble) */
    if (len >= dlen - 2 && memcmp(body, delim + 2, dlen - 2) == 0 && delimiter_tail_ok(body, len, dlen - 2)) {
        pos = 0;
    } else {
        size_t at = next_delimiter(body, len, 0, delim, dlen);
        if (at == len) {
            snprintf(err, errcap, "no multipart boundary delimiter in the body");
            return -1;
        }
        pos = at + 2;
    }
    for (;;) {
        size_t p = pos + dlen - 2; /* after "--boundary" */
        if (p + 2 <= len && body[p] == '-' && body[p + 1] == '-')
            break; /* close delimiter; the epilogue is ignored */
        while (p < len && is_ows(body[p]))
            p++;
        if (!(p + 2 <= len && body[p] == '\r' && body[p + 1] == '\n')) {
            snprintf(err, errcap, "a multipart delimiter line must end with CRLF");
            return -1;
        }
        p += 2;
        multipart_part part;
        memset(&part, 0, sizeof(part));
        if (part_headers(body, len, &p, a, &part, err, errcap) < 0)
            return -1;
        /* from p - 2: an empty part may share the header block's final CRLF with its delimiter */
        size_t end = next_delimiter(body, len, p - 2, delim, dlen);
        if (end == len) {
            snprintf(err, errcap, "missing final multipart boundary");
            return -1;
        }
        part.data = body + p;
        part.len = end < p ? 0 : end - p;
        if (count == cap) {
            multipart_part *bigger = arena_alloc(a, cap * 2 * sizeof(*out));
            memcpy(bigger, out, cap * sizeof(*out));
            out = bigger;
            cap *= 2;
        }
        out[count++] = part;
        pos = end + 2;
    }
    *parts = out;
    *n = count;
    return 0;
}
