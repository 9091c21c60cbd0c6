/* Strict JSON decoding into json-c objects, the schema-driven body checks of api.md "Validation order"
 * (steps 4.1-4.6) and flat RFC 7386 metadata merge. Pure code: no I/O, no service knowledge; it never
 * uses json-c's tokener (lax, blind to duplicate names) and never converts money through doubles. */
#include "json/json.h"

#include <errno.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decimal/decimal.h"
#include "util/ascii.h"
#include "util/mem.h"
#include "util/utf8.h"

/* ============================================================================================== */
/* Parser                                                                                         */
/* ============================================================================================== */

typedef struct parser {
    const unsigned char *start;
    const unsigned char *p;
    const unsigned char *end;
    int max_depth;
    bool nul_in_key;
    api_error *e;
} parser;

static int parse_value(parser *ps, int depth, json_object **out);

static int syntax_error(parser *ps, const char *what)
{
    return api_error_set(ps->e, ERR_UNMARSHALLING, "invalid JSON at byte %zu: %s",
                         (size_t)(ps->p - ps->start), what);
}

static void skip_ws(parser *ps)
{
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
        ps->p++;
}

/* Reads the 4 hex digits after "\u"; ps->p points at the first digit. */
static int read_hex4(parser *ps, unsigned *out)
{
    unsigned v = 0;
    if (ps->end - ps->p < 4)
        return syntax_error(ps, "truncated \\u escape");
    for (int i = 0; i < 4; i++) {
        int h = ascii_hex_value(ps->p[i]);
        if (h < 0)
            return syntax_error(ps, "invalid \\u escape");
        v = (v << 4) | (unsigned)h;
    }
    ps->p += 4;
    *out = v;
    return 0;
}

static void put_utf8(strbuf *sb, unsigned cp)
{
    char b[4];
    size_t n;
    if (cp < 0x80) {
        b[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        b[0] = (char)(0xC0 | (cp >> 6));
        b[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        b[0] = (char)(0xE0 | (cp >> 12));
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        b[0] = (char)(0xF0 | (cp >> 18));
        b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    strbuf_append(sb, b, n);
}

/* Decode a string; ps->p points just after the opening quote. The unescaped bytes replace sb's
 * content; *has_nul tells whether U+0000 occurred. */
static int parse_string(parser *ps, strbuf *sb, bool *has_nul)
{
    strbuf_reset(sb);
    *has_nul = false;
    for (;;) {
        const unsigned char *run = ps->p;
        while (ps->p < ps->end && *ps->p >= 0x20 && *ps->p < 0x80 && *ps->p != '"' && *ps->p != '\\')
            ps->p++;
        if (ps->p > run)
            strbuf_append(sb, (const char *)run, (size_t)(ps->p - run));
        if (ps->p >= ps->end)
            return syntax_error(ps, "unterminated string");
        unsigned char c = *ps->p;
        if (c == '"') {
            ps->p++;
            return 0;
        }
        if (c < 0x20)
            return syntax_error(ps, "control character in string");
        if (c >= 0x80) {
            size_t n = utf8_seq_len(ps->p, (size_t)(ps->end - ps->p));
            if (n == 0)
                return syntax_error(ps, "invalid UTF-8");
            strbuf_append(sb, (const char *)ps->p, n);
            ps->p += n;
            continue;
        }
        /* backslash */
        ps->p++;
        if (ps->p >= ps->end)
            return syntax_error(ps, "unterminated string");
        c = *ps->p++;
        switch (c) {
        case '"': strbuf_putc(sb, '"'); break;
        case '\\': strbuf_putc(sb, '\\'); break;
        case '/': strbuf_putc(sb, '/'); break;
        case 'b': strbuf_putc(sb, '\b'); break;
        case 'f': strbuf_putc(sb, '\f'); break;
        case 'n': strbuf_putc(sb, '\n'); break;
        case 'r': strbuf_putc(sb, '\r'); break;
        case 't': strbuf_putc(sb, '\t'); break;
        case 'u': {
            unsigned cp = 0, lo = 0;
            if (read_hex4(ps, &cp) < 0)
                return -1;
            if (cp >= 0xDC00 && cp <= 0xDFFF)
                return syntax_error(ps, "lone low surrogate in \\u escape");
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                if (ps->end - ps->p < 2 || ps->p[0] != '\\' || ps->p[1] != 'u')
                    return syntax_error(ps, "lone high surrogate in \\u escape");
                ps->p += 2;
                if (read_hex4(ps, &lo) < 0)
                    return -1;
                if (lo < 0xDC00 || lo > 0xDFFF)
                    return syntax_error(ps, "lone high surrogate in \\u escape");
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            }
            if (cp == 0) {
                *has_nul = true;
                strbuf_putc(sb, '\0');
            } else {
                put_utf8(sb, cp);
            }
            break;
        }
        default:
            ps->p--;
            return syntax_error(ps, "invalid escape in string");
        }
    }
}

static int parse_number(parser *ps, json_object **out)
{
    const unsigned char *s = ps->p;
    bool is_int = true;
    if (*ps->p == '-')
        ps->p++;
    if (ps->p >= ps->end || !(*ps->p >= '0' && *ps->p <= '9'))
        return syntax_error(ps, "invalid number");
    if (*ps->p == '0') {
        ps->p++;
        if (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9')
            return syntax_error(ps, "leading zero in number");
    } else {
        while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9')
            ps->p++;
    }
    if (ps->p < ps->end && *ps->p == '.') {
        is_int = false;
        ps->p++;
        if (ps->p >= ps->end || !(*ps->p >= '0' && *ps->p <= '9'))
            return syntax_error(ps, "digit expected after decimal point");
        while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9')
            ps->p++;
    }
    if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E')) {
        is_int = false;
        ps->p++;
        if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-'))
            ps->p++;
        if (ps->p >= ps->end || !(*ps->p >= '0' && *ps->p <= '9'))
            return syntax_error(ps, "digit expected in exponent");
        while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9')
            ps->p++;
    }

    /* The object keeps the exact token as its userdata; json-c serialises it verbatim. */
    char *text = xstrndup((const char *)s, (size_t)(ps->p - s));
    if (is_int) {
        errno = 0;
        char *endp = NULL;
        long long v = strtoll(text, &endp, 10);
        if (errno == 0 && endp && *endp == '\0') {
            json_object *o = json_object_new_int64((int64_t)v);
            json_object_set_serializer(o, json_object_userdata_to_json_string, text,
                                       json_object_free_userdata);
            *out = o;
            return 0;
        }
    }
    /* Fractions, exponents and integers beyond int64: json-c double carrying the exact text. The
     * double is only json-c's idea of the value; nothing in this code base reads money from it. */
    *out = json_object_new_double_s(strtod(text, NULL), text);
    free(text);
    return 0;
}

static int parse_literal(parser *ps, const char *word, size_t n)
{
    if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0)
        return syntax_error(ps, "invalid literal");
    ps->p += n;
    return 0;
}

/* json-c keys are C strings: a member name holding U+0000 is stored with each NUL written as the six
 * characters \u0000 (visible in error paths, never confused with a NUL-free name by the caller since
 * such a body is always rejected at step 2 or 3). */
static char *key_for_json_c(const char *raw, size_t len)
{
    strbuf sb = {0};
    for (size_t i = 0; i < len; i++) {
        if (raw[i] == '\0')
            strbuf_puts(&sb, "\\u0000");
        else
            strbuf_putc(&sb, raw[i]);
    }
    return strbuf_steal(&sb);
}

/* Injective encoding of a raw member name, used for exact duplicate detection once an object holds a
 * NUL-containing name (the json-c form above may collide with a literal "\u0000" name). */
static char *key_exact(const char *raw, size_t len)
{
    strbuf sb = {0};
    for (size_t i = 0; i < len; i++) {
        if (raw[i] == '\0')
            strbuf_puts(&sb, "\\0");
        else if (raw[i] == '\\')
            strbuf_puts(&sb, "\\\\");
        else
            strbuf_putc(&sb, raw[i]);
    }
    return strbuf_steal(&sb);
}

static int parse_object(parser *ps, int depth, json_object **out)
{
    json_object *obj = json_object_new_object();
    json_object *exact = NULL; /* created only when a member name contains U+0000 */
    strbuf key = {0};
    char *stored = NULL;
    int rc = -1;

    ps->p++; /* '{' */
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == '}') {
        ps->p++;
        rc = 0;
        goto cleanup;
    }
    for (;;) {
        bool has_nul = false;
        json_object *val = NULL;
        skip_ws(ps);
        if (ps->p >= ps->end || *ps->p != '"') {
            syntax_error(ps, "member name expected");
            goto cleanup;
        }
        ps->p++;
        if (parse_string(ps, &key, &has_nul) < 0)
            goto cleanup;
        const char *kb = key.buf ? key.buf : ""; /* "" never allocates */

        if (has_nul && !exact) {
            /* Until now every name was NUL-free, so its json-c form is its raw form. */
            exact = json_object_new_object();
            json_object_object_foreach(obj, k, v)
            {
                (void)v;
                char *ek = key_exact(k, strlen(k));
                json_object_object_add(exact, ek, NULL);
                free(ek);
            }
        }
        if (exact) {
            char *ek = key_exact(kb, key.len);
            bool dup = json_object_object_get_ex(exact, ek, NULL);
            if (!dup)
                json_object_object_add(exact, ek, NULL);
            free(ek);
            if (dup) {
                syntax_error(ps, "duplicate member name");
                goto cleanup;
            }
        } else if (json_object_object_get_ex(obj, kb, NULL)) {
            syntax_error(ps, "duplicate member name");
            goto cleanup;
        }
        if (has_nul)
            ps->nul_in_key = true;
        free(stored);
        stored = has_nul ? key_for_json_c(kb, key.len) : xstrndup(kb, key.len);

        skip_ws(ps);
        if (ps->p >= ps->end || *ps->p != ':') {
            syntax_error(ps, "':' expected after member name");
            goto cleanup;
        }
        ps->p++;
        if (parse_value(ps, depth + 1, &val) < 0)
            goto cleanup;
        json_object_object_add(obj, stored, val);

        skip_ws(ps);
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            continue;
        }
        if (ps->p < ps->end && *ps->p == '}') {
            ps->p++;
            break;
        }
        syntax_error(ps, "',' or '}' expected");
        goto cleanup;
    }
    rc = 0;
cleanup:
    free(stored);
    strbuf_free(&key);
    json_object_put(exact);
    if (rc < 0) {
        json_object_put(obj);
        obj = NULL;
    }
    *out = obj;
    return rc;
}

static int parse_array(parser *ps, int depth, json_object **out)
{
    json_object *arr = json_object_new_array();
    int rc = -1;

    ps->p++; /* '[' */
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == ']') {
        ps->p++;
        rc = 0;
        goto cleanup;
    }
    for (;;) {
        json_object *val = NULL;
        if (parse_value(ps, depth + 1, &val) < 0)
            goto cleanup;
        json_object_array_add(arr, val);
        skip_ws(ps);
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            continue;
        }
        if (ps->p < ps->end && *ps->p == ']') {
            ps->p++;
            break;
        }
        syntax_error(ps, "',' or ']' expected");
        goto cleanup;
    }
    rc = 0;
cleanup:
    if (rc < 0) {
        json_object_put(arr);
        arr = NULL;
    }
    *out = arr;
    return rc;
}

/* depth = nesting level of the value about to be read (top level = 1); only containers count, and a
 * container is refused as soon as its opening bracket is met, so the first problem in text order wins. */
static int parse_value(parser *ps, int depth, json_object **out)
{
    bool has_nul = false;
    *out = NULL;
    skip_ws(ps);
    if (ps->p >= ps->end)
        return syntax_error(ps, "unexpected end of input");
    switch (*ps->p) {
    case '{':
    case '[':
        if (depth > ps->max_depth)
            return api_error_set(ps->e, ERR_JSON_NESTING_DEPTH,
                                 "JSON nesting deeper than %d levels at byte %zu", ps->max_depth,
                                 (size_t)(ps->p - ps->start));
        return *ps->p == '{' ? parse_object(ps, depth, out) : parse_array(ps, depth, out);
    case '"': {
        strbuf sb = {0};
        ps->p++;
        int rc = parse_string(ps, &sb, &has_nul);
        if (rc == 0)
            *out = json_object_new_string_len(sb.buf ? sb.buf : "", (int)sb.len);
        strbuf_free(&sb);
        return rc;
    }
    case 't':
        if (parse_literal(ps, "true", 4) < 0)
            return -1;
        *out = json_object_new_boolean(1);
        return 0;
    case 'f':
        if (parse_literal(ps, "false", 5) < 0)
            return -1;
        *out = json_object_new_boolean(0);
        return 0;
    case 'n':
        return parse_literal(ps, "null", 4);
    default:
        if (*ps->p == '-' || (*ps->p >= '0' && *ps->p <= '9'))
            return parse_number(ps, out);
        return syntax_error(ps, "unexpected character");
    }
}

int json_parse_strict(const char *text, size_t len, int max_depth, json_object **out,
                      json_parse_info *info, api_error *e)
{
    parser ps = {
        .start = (const unsigned char *)text,
        .p = (const unsigned char *)text,
        .end = (const unsigned char *)text + len,
        .max_depth = max_depth,
        .e = e,
    };
    json_object *obj = NULL;

    *out = NULL;
    if (info)
        info->nul_in_key = false;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        return api_error_set(e, ERR_UNMARSHALLING, "invalid JSON: byte order mark is not allowed");
    skip_ws(&ps);
    if (ps.p >= ps.end)
        return api_error_set(e, ERR_UNMARSHALLING, "request body is empty");
    if (parse_value(&ps, 1, &obj) < 0)
        return -1;
    skip_ws(&ps);
    if (ps.p < ps.end) {
        json_object_put(obj);
        return syntax_error(&ps, "unexpected data after the JSON value");
    }
    if (info)
        info->nul_in_key = ps.nul_in_key;
    *out = obj;
    return 0;
}

const char *json_number_text(json_object *obj)
{
    if (!json_object_is_type(obj, json_type_int) && !json_object_is_type(obj, json_type_double))
        return NULL;
    const char *t = json_object_get_userdata(obj);
    /* Numbers built elsewhere carry no source text: their json-c rendering is their text. */
    return t ? t : json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN);
}

size_t utf8_length(const char *s, size_t bytes)
{
    size_t n = 0;
    for (size_t i = 0; i < bytes; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            n++;
    return n;
}

/* ============================================================================================== */
/* Validation                                                                                     */
/* ============================================================================================== */

typedef struct vctx {
    json_mode mode;
    bool nul_in_key;
    strbuf path;
    json_object *found;   /* offenders of the current step: path -> message (or value for 0053) */
    const char *type_msg; /* step 1: the first type problem (0094 has no fields) */
    char type_path[256];
} vctx;

static size_t path_push(vctx *v, const char *name)
{
    size_t saved = v->path.len;
    if (saved > 0)
        strbuf_putc(&v->path, '.');
    strbuf_puts(&v->path, name);
    return saved;
}

static size_t path_push_index(vctx *v, size_t i)
{
    size_t saved = v->path.len;
    strbuf_printf(&v->path, "[%zu]", i);
    return saved;
}

static void path_pop(vctx *v, size_t saved)
{
    v->path.len = saved;
    if (v->path.buf)
        v->path.buf[saved] = '\0';
}

static const char *path_str(vctx *v)
{
    return v->path.buf ? v->path.buf : "";
}

static void found_msg(vctx *v, const char *msg)
{
    if (!v->found)
        v->found = json_object_new_object();
    json_object_object_add(v->found, path_str(v), json_object_new_string(msg));
}

static void found_value(vctx *v, json_object *value)
{
    if (!v->found)
        v->found = json_object_new_object();
    json_object_object_add(v->found, path_str(v), value ? json_object_get(value) : NULL);
}

static const json_field *schema_find(const json_schema *s, const char *name)
{
    if (!s)
        return NULL;
    for (size_t i = 0; i < s->count; i++)
        if (strcmp(s->fields[i].name, name) == 0)
            return &s->fields[i];
    return NULL;
}

/* The status object's own members (api.md "Status object"). */
static const json_field status_fields[] = {
    {.name = "code", .kind = JK_STRING, .min_len = 1, .max_len = 100},
    {.name = "description", .kind = JK_STRING, .max_len = 256},
};
static const json_schema status_schema = {status_fields, ARRAY_LEN(status_fields)};

static const json_schema *sub_schema(const json_field *f)
{
    if (f->kind == JK_STATUS)
        return &status_schema;
    if (f->kind == JK_OBJECT || f->kind == JK_ARRAY)
        return f->sub;
    return NULL;
}

static bool is_number(json_object *o)
{
    return json_object_is_type(o, json_type_int) || json_object_is_type(o, json_type_double);
}

static bool is_empty_string(json_object *o)
{
    return json_object_is_type(o, json_type_string) && json_object_get_string_len(o) == 0;
}

/* ---- money text (transactions.md 2.1/2.2), checked here so that 0094/0047 land in their steps -- */

/* [-] int [. digit+] [(e|E) [+|-] digit+], int = 0 | [1-9][0-9]* */
static bool decimal_syntax_ok(const char *s, size_t n)
{
    size_t i = 0;
    if (i < n && s[i] == '-')
        i++;
    if (i >= n || s[i] < '0' || s[i] > '9')
        return false;
    if (s[i] == '0') {
        i++;
    } else {
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
    }
    if (i < n && s[i] == '.') {
        i++;
        if (i >= n || s[i] < '0' || s[i] > '9')
            return false;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        if (i >= n || s[i] < '0' || s[i] > '9')
            return false;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
    }
    return i == n;
}

/* value = c x 10^-s reduced (no trailing fractional zero): within limits iff s <= 18 and c has at
 * most 38 digits. Works on digit positions only, so huge exponents cost nothing. Syntax must be ok. */
static bool decimal_limits_ok(const char *s, size_t n)
{
    size_t i = 0, int0, int1, frac0 = 0, frac1 = 0;
    int64_t exp = 0;
    bool exp_neg = false;
    if (s[i] == '-')
        i++;
    int0 = i;
    while (i < n && s[i] >= '0' && s[i] <= '9')
        i++;
    int1 = i;
    if (i < n && s[i] == '.') {
        frac0 = ++i;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
        frac1 = i;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (s[i] == '+' || s[i] == '-')
            exp_neg = s[i++] == '-';
        for (; i < n; i++)
            if (exp < INT64_C(1000000000000000)) /* saturate: far beyond any limit */
                exp = exp * 10 + (s[i] - '0');
    }
    if (exp_neg)
        exp = -exp;

    /* digits D = integer digits then fraction digits; value = D x 10^(exp - fraclen) */
    size_t nd_total = (int1 - int0) + (frac1 - frac0);
    size_t first = SIZE_MAX, last = 0;
    for (size_t k = 0; k < nd_total; k++) {
        char c = k < int1 - int0 ? s[int0 + k] : s[frac0 + (k - (int1 - int0))];
        if (c != '0') {
            if (first == SIZE_MAX)
                first = k;
            last = k;
        }
    }
    if (first == SIZE_MAX)
        return true; /* zero */
    int64_t sig = (int64_t)(last - first + 1);
    int64_t trailing = (int64_t)(nd_total - last - 1);
    int64_t e2 = exp - (int64_t)(frac1 - frac0) + trailing;
    if (e2 >= 0)
        return sig + e2 <= DECIMAL_MAX_DIGITS;
    return -e2 <= DECIMAL_MAX_SCALE && sig <= DECIMAL_MAX_DIGITS;
}

/* ---- step 1: member JSON types -------------------------------------------------------------- */

static const char *kind_name(json_kind k)
{
    switch (k) {
    case JK_STRING: return "a string";
    case JK_BOOL: return "a boolean";
    case JK_INT: return "an integer";
    case JK_DECIMAL: return "a decimal string or number";
    case JK_OBJECT: return "an object";
    case JK_ARRAY: return "an array";
    case JK_METADATA: return "an object";
    case JK_STATUS: return "an object";
    case JK_ANY: return "any value";
    }
    return "a valid value";
}

static bool integer_token(json_object *o)
{
    if (!is_number(o))
        return false;
    const char *t = json_number_text(o);
    return t && strpbrk(t, ".eE") == NULL;
}

/* Type of one non-null value against its kind (containers only at their own level). */
static bool kind_accepts(json_kind k, json_object *o)
{
    switch (k) {
    case JK_STRING: return json_object_is_type(o, json_type_string);
    case JK_BOOL: return json_object_is_type(o, json_type_boolean);
    case JK_INT: return integer_token(o);
    case JK_DECIMAL:
        if (is_number(o))
            return true;
        if (!json_object_is_type(o, json_type_string))
            return false;
        return json_object_get_string_len(o) == 0 ||
               decimal_syntax_ok(json_object_get_string(o), (size_t)json_object_get_string_len(o));
    case JK_OBJECT:
    case JK_METADATA:
    case JK_STATUS: return json_object_is_type(o, json_type_object);
    case JK_ARRAY: return json_object_is_type(o, json_type_array);
    case JK_ANY: return true;
    }
    return false;
}

static int types_object(vctx *v, const json_schema *s, json_object *obj);

static int type_fail(vctx *v, const char *expected)
{
    v->type_msg = expected;
    snprintf(v->type_path, sizeof(v->type_path), "%s", path_str(v));
    return -1;
}

static int types_value(vctx *v, const json_field *f, json_object *val)
{
    if (!val)
        return 0; /* null: absent or "set to null", decided by later steps and the handler */
    if (!kind_accepts(f->kind, val))
        return type_fail(v, kind_name(f->kind));
    const json_schema *sub = sub_schema(f);
    if (f->kind == JK_OBJECT || f->kind == JK_STATUS)
        return sub ? types_object(v, sub, val) : 0;
    if (f->kind != JK_ARRAY)
        return 0;
    size_t n = json_object_array_length(val);
    for (size_t i = 0; i < n; i++) {
        json_object *el = json_object_array_get_idx(val, i);
        size_t saved = path_push_index(v, i);
        int rc = 0;
        if (sub) {
            if (!json_object_is_type(el, json_type_object))
                rc = type_fail(v, "an object");
            else
                rc = types_object(v, sub, el);
        } else if (!el || !kind_accepts(f->elem, el)) {
            rc = type_fail(v, kind_name(f->elem));
        }
        if (rc < 0)
            return -1;
        path_pop(v, saved);
    }
    return 0;
}

static int types_object(vctx *v, const json_schema *s, json_object *obj)
{
    json_object_object_foreach(obj, key, val)
    {
        const json_field *f = schema_find(s, key);
        if (!f)
            continue; /* unknown: step 2 */
        size_t saved = path_push(v, key);
        if (types_value(v, f, val) < 0)
            return -1;
        path_pop(v, saved);
    }
    return 0;
}

/* ---- step 2: unknown and immutable members -------------------------------------------------- */

static void unknown_object(vctx *v, const json_schema *s, json_object *obj)
{
    json_object_object_foreach(obj, key, val)
    {
        const json_field *f = schema_find(s, key);
        size_t saved = path_push(v, key);
        if (!f || (f->flags & JF_IMMUTABLE)) {
            found_value(v, val);
        } else if (val) {
            const json_schema *sub = sub_schema(f);
            if ((f->kind == JK_OBJECT || f->kind == JK_STATUS) && sub) {
                unknown_object(v, sub, val);
            } else if (f->kind == JK_ARRAY && sub) {
                size_t n = json_object_array_length(val);
                for (size_t i = 0; i < n; i++) {
                    size_t s2 = path_push_index(v, i);
                    unknown_object(v, sub, json_object_array_get_idx(val, i));
                    path_pop(v, s2);
                }
            }
        }
        path_pop(v, saved);
    }
}

/* ---- step 3: U+0000 anywhere ---------------------------------------------------------------- */

static void nul_scan(vctx *v, json_object *val)
{
    switch (json_object_get_type(val)) {
    case json_type_string: {
        const char *str = json_object_get_string(val);
        if (strlen(str) != (size_t)json_object_get_string_len(val))
            found_msg(v, "must not contain the NUL character");
        break;
    }
    case json_type_object: {
        json_object_object_foreach(val, key, member)
        {
            size_t saved = path_push(v, key);
            if (v->nul_in_key && strstr(key, "\\u0000"))
                found_msg(v, "member name must not contain the NUL character");
            else
                nul_scan(v, member);
            path_pop(v, saved);
        }
        break;
    }
    case json_type_array: {
        size_t n = json_object_array_length(val);
        for (size_t i = 0; i < n; i++) {
            size_t saved = path_push_index(v, i);
            nul_scan(v, json_object_array_get_idx(val, i));
            path_pop(v, saved);
        }
        break;
    }
    case json_type_null:
    case json_type_boolean:
    case json_type_double:
    case json_type_int:
        break;
    }
}

/* ---- step 4: required members (create) ------------------------------------------------------ */

static void required_object(vctx *v, const json_schema *s, json_object *obj)
{
    for (size_t i = 0; i < s->count; i++) {
        const json_field *f = &s->fields[i];
        json_object *val = json_object_object_get(obj, f->name);
        size_t saved = path_push(v, f->name);
        if (!val || is_empty_string(val)) {
            if (f->flags & JF_REQUIRED) {
                char msg[300];
                snprintf(msg, sizeof(msg), "%s is a required field", f->name);
                found_msg(v, msg);
            }
        } else if (f->kind == JK_OBJECT && f->sub) {
            required_object(v, f->sub, val);
        } else if (f->kind == JK_ARRAY && f->sub) {
            size_t n = json_object_array_length(val);
            for (size_t k = 0; k < n; k++) {
                size_t s2 = path_push_index(v, k);
                required_object(v, f->sub, json_object_array_get_idx(val, k));
                path_pop(v, s2);
            }
        }
        path_pop(v, saved);
    }
}

/* ---- step 5: metadata ----------------------------------------------------------------------- */

typedef struct meta_found {
    json_object *nesting;   /* 0067 */
    json_object *key_len;   /* 0050 */
    json_object *value_len; /* 0051 */
} meta_found;

static void meta_add(json_object **set, const char *path, const char *msg)
{
    if (!*set)
        *set = json_object_new_object();
    json_object_object_add(*set, path, json_object_new_string(msg));
}

static void meta_check(vctx *v, meta_found *m, json_object *meta)
{
    json_object_object_foreach(meta, key, val)
    {
        size_t saved = path_push(v, key);
        if (json_object_is_type(val, json_type_object) || json_object_is_type(val, json_type_array))
            meta_add(&m->nesting, path_str(v), "value must be a string, number or boolean");
        if (utf8_length(key, strlen(key)) > METADATA_KEY_MAX)
            meta_add(&m->key_len, path_str(v), "key must be at most 100 characters");
        if (json_object_is_type(val, json_type_string)) {
            if (utf8_length(json_object_get_string(val), (size_t)json_object_get_string_len(val)) >
                METADATA_VALUE_MAX)
                meta_add(&m->value_len, path_str(v), "value must be at most 2000 characters");
        } else if (is_number(val)) {
            if (strlen(json_number_text(val)) > METADATA_VALUE_MAX)
                meta_add(&m->value_len, path_str(v), "value must be at most 2000 characters");
        }
        path_pop(v, saved);
    }
}

static void meta_object(vctx *v, meta_found *m, const json_schema *s, json_object *obj)
{
    json_object_object_foreach(obj, key, val)
    {
        const json_field *f = schema_find(s, key);
        if (!f || !val)
            continue;
        size_t saved = path_push(v, key);
        if (f->kind == JK_METADATA) {
            meta_check(v, m, val);
        } else if (f->kind == JK_OBJECT && f->sub) {
            meta_object(v, m, f->sub, val);
        } else if (f->kind == JK_ARRAY && f->sub) {
            size_t n = json_object_array_length(val);
            for (size_t i = 0; i < n; i++) {
                size_t s2 = path_push_index(v, i);
                meta_object(v, m, f->sub, json_object_array_get_idx(val, i));
                path_pop(v, s2);
            }
        }
        path_pop(v, saved);
    }
}

/* ---- step 6: generic member rules ----------------------------------------------------------- */

static bool uuid_text_ok(const char *s, size_t n)
{
    if (n != 36)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-')
                return false;
        } else if (ascii_hex_value((unsigned char)s[i]) < 0) {
            return false;
        }
    }
    return true;
}

static bool has_space(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || s[i] == '\v' || s[i] == '\f')
            return true;
    return false;
}

/* One string value (non-empty) against the field's text rules; the first failing rule is reported. */
static void rules_string(vctx *v, const json_field *f, json_object *val)
{
    const char *s = json_object_get_string(val);
    size_t n = (size_t)json_object_get_string_len(val);
    size_t chars = utf8_length(s, n);
    char msg[64];
    if (n == 0)
        return; /* "" is absent (create) or "unchanged" (PATCH) */
    if (f->min_len > 0 && chars < (size_t)f->min_len) {
        snprintf(msg, sizeof(msg), "must be at least %d characters", f->min_len);
        found_msg(v, msg);
    } else if (f->max_len > 0 && chars > (size_t)f->max_len) {
        snprintf(msg, sizeof(msg), "must be at most %d characters", f->max_len);
        found_msg(v, msg);
    } else if ((f->flags & JF_UUID) && !uuid_text_ok(s, n)) {
        found_msg(v, "must be a valid UUID");
    } else if ((f->flags & JF_NO_SPACE) && has_space(s, n)) {
        found_msg(v, "must not contain whitespace");
    }
}

static void rules_decimal(vctx *v, json_object *val)
{
    const char *s = NULL;
    size_t n = 0;
    char msg[64];
    if (json_object_is_type(val, json_type_string)) {
        s = json_object_get_string(val);
        n = (size_t)json_object_get_string_len(val);
    } else {
        s = json_number_text(val);
        n = strlen(s);
    }
    if (n == 0)
        return;
    if (n > DECIMAL_MAX_TEXT) {
        snprintf(msg, sizeof(msg), "must be at most %d characters", DECIMAL_MAX_TEXT);
        found_msg(v, msg);
    } else if (!decimal_limits_ok(s, n)) {
        found_msg(v, "must have at most 38 significant digits and 18 fractional digits");
    }
}

static void rules_object(vctx *v, const json_schema *s, json_object *obj);

static void rules_value(vctx *v, const json_field *f, json_object *val)
{
    switch (f->kind) {
    case JK_STRING:
        rules_string(v, f, val);
        break;
    case JK_DECIMAL:
        rules_decimal(v, val);
        break;
    case JK_OBJECT:
        if (f->sub)
            rules_object(v, f->sub, val);
        break;
    case JK_STATUS:
        rules_object(v, &status_schema, val);
        break;
    case JK_METADATA: {
        json_object_object_foreach(val, key, member)
        {
            (void)member;
            if (key[0] == '\0') {
                size_t saved = path_push(v, key);
                found_msg(v, "key must not be empty");
                path_pop(v, saved);
            }
        }
        break;
    }
    case JK_ARRAY: {
        size_t n = json_object_array_length(val);
        char msg[64];
        if (f->min_items > 0 && n < (size_t)f->min_items) {
            snprintf(msg, sizeof(msg), "must contain at least %d items", f->min_items);
            found_msg(v, msg);
        } else if (f->max_items > 0 && n > (size_t)f->max_items) {
            snprintf(msg, sizeof(msg), "must contain at most %d items", f->max_items);
            found_msg(v, msg);
        }
        for (size_t i = 0; i < n; i++) {
            json_object *el = json_object_array_get_idx(val, i);
            size_t saved = path_push_index(v, i);
            if (f->sub)
                rules_object(v, f->sub, el);
            else if (f->elem == JK_STRING)
                rules_string(v, f, el);
            else if (f->elem == JK_DECIMAL)
                rules_decimal(v, el);
            path_pop(v, saved);
        }
        break;
    }
    case JK_BOOL:
    case JK_INT:
    case JK_ANY:
        break;
    }
}

static void rules_object(vctx *v, const json_schema *s, json_object *obj)
{
    json_object_object_foreach(obj, key, val)
    {
        const json_field *f = schema_find(s, key);
        if (!f || !val)
            continue;
        size_t saved = path_push(v, key);
        rules_value(v, f, val);
        path_pop(v, saved);
    }
}

/* ---- driver --------------------------------------------------------------------------------- */

/* Hand the collected offenders to e with the step's code. */
static int fail_step(api_error *e, err_id id, json_object **found, const char *msg)
{
    json_object_put(e->fields);
    e->fields = *found;
    *found = NULL;
    return api_error_set(e, id, "%s", msg);
}

int json_validate(const json_schema *schema, json_object *body, json_mode mode,
                  const json_parse_info *info, api_error *e)
{
    return json_validate_ex(schema, body, mode, info, NULL, NULL, e);
}

int json_validate_ex(const json_schema *schema, json_object *body, json_mode mode,
                     const json_parse_info *info, json_extra_rules_fn extra, void *arg, api_error *e)
{
    vctx v = {.mode = mode, .nul_in_key = info && info->nul_in_key};
    meta_found m = {0};
    int rc = -1;

    /* 1. an object, and every known member of the right JSON type */
    if (!json_object_is_type(body, json_type_object)) {
        api_error_set(e, ERR_UNMARSHALLING, "request body must be a JSON object");
        goto cleanup;
    }
    if (types_object(&v, schema, body) < 0) {
        api_error_set(e, ERR_UNMARSHALLING, "%s must be %s", v.type_path, v.type_msg);
        goto cleanup;
    }
    /* 2. unknown or immutable members */
    path_pop(&v, 0);
    unknown_object(&v, schema, body);
    if (v.found) {
        fail_step(e, ERR_UNEXPECTED_FIELDS, &v.found, "unexpected fields in the request");
        goto cleanup;
    }
    /* 3. U+0000 in any string or member name */
    nul_scan(&v, body);
    if (v.found) {
        fail_step(e, ERR_BAD_REQUEST, &v.found, "strings and member names must not contain U+0000");
        goto cleanup;
    }
    /* 4. required members; PATCH never requires anything */
    if (v.mode == JSON_MODE_CREATE) {
        required_object(&v, schema, body);
        if (v.found) {
            fail_step(e, ERR_MISSING_FIELDS, &v.found, "A required field is missing.");
            goto cleanup;
        }
    }
    /* 5. metadata: 0067 beats 0050 beats 0051 across every key of the body */
    meta_object(&v, &m, schema, body);
    if (m.nesting) {
        fail_step(e, ERR_INVALID_METADATA_NESTING, &m.nesting,
                  "metadata values must be strings, numbers or booleans");
        goto cleanup;
    }
    if (m.key_len) {
        fail_step(e, ERR_METADATA_KEY_LENGTH, &m.key_len,
                  "metadata keys must be at most 100 characters");
        goto cleanup;
    }
    if (m.value_len) {
        fail_step(e, ERR_METADATA_VALUE_LENGTH, &m.value_len,
                  "metadata values must be at most 2000 characters");
        goto cleanup;
    }
    /* 6. lengths, UUIDs, no-space, array sizes, empty metadata keys, money text */
    rules_object(&v, schema, body);
    if (extra) {
        if (!v.found)
            v.found = json_object_new_object();
        extra(body, v.found, arg);
        if (json_object_object_length(v.found) == 0) {
            json_object_put(v.found);
            v.found = NULL;
        }
    }
    if (v.found) {
        fail_step(e, ERR_BAD_REQUEST, &v.found, "invalid field values");
        goto cleanup;
    }
    rc = 0;
cleanup:
    json_object_put(v.found);
    json_object_put(m.nesting);
    json_object_put(m.key_len);
    json_object_put(m.value_len);
    strbuf_free(&v.path);
    return rc;
}

int json_decode_body(const char *text, size_t len, const json_schema *schema, json_mode mode,
                     json_object **out, api_error *e)
{
    return json_decode_body_ex(text, len, schema, mode, NULL, NULL, out, e);
}

int json_decode_body_ex(const char *text, size_t len, const json_schema *schema, json_mode mode,
                        json_extra_rules_fn extra, void *arg, json_object **out, api_error *e)
{
    json_parse_info info = {0};
    json_object *body = NULL;

    *out = NULL;
    if (json_parse_strict(text, len, JSON_MAX_DEPTH, &body, &info, e) < 0)
        return -1;
    if (json_validate_ex(schema, body, mode, &info, extra, arg, e) < 0) {
        json_object_put(body);
        return -1;
    }
    *out = body;
    return 0;
}

/* ============================================================================================== */
/* Accessors, metadata, dump                                                                      */
/* ============================================================================================== */

json_object *json_get(json_object *obj, const char *key)
{
    json_object *v = NULL;
    if (!json_object_is_type(obj, json_type_object))
        return NULL;
    if (!json_object_object_get_ex(obj, key, &v))
        return NULL;
    return v;
}

const char *json_get_text(json_object *obj, const char *key)
{
    json_object *v = json_get(obj, key);
    if (!json_object_is_type(v, json_type_string) || json_object_get_string_len(v) == 0)
        return NULL;
    return json_object_get_string(v);
}

bool json_has(json_object *obj, const char *key)
{
    return json_object_is_type(obj, json_type_object) && json_object_object_get_ex(obj, key, NULL);
}

bool json_is_null_member(json_object *obj, const char *key)
{
    json_object *v = NULL;
    if (!json_object_is_type(obj, json_type_object) || !json_object_object_get_ex(obj, key, &v))
        return false;
    return v == NULL;
}

/* Independent copy of a metadata value (scalars only in practice; the number text travels along). */
static json_object *value_copy(json_object *val)
{
    json_object *copy = NULL;
    if (json_object_deep_copy(val, &copy, NULL) == 0)
        return copy;
    return json_object_get(val);
}

json_object *json_metadata_for_create(json_object *given)
{
    json_object *out = json_object_new_object();
    if (!json_object_is_type(given, json_type_object))
        return out;
    json_object_object_foreach(given, key, val)
    {
        if (val)
            json_object_object_add(out, key, value_copy(val));
    }
    return out;
}

json_object *json_metadata_merge(json_object *stored, json_object *patch, bool present)
{
    json_object *out = json_object_new_object();
    bool keep_stored = !present || json_object_is_type(patch, json_type_object);
    if (keep_stored && json_object_is_type(stored, json_type_object)) {
        json_object_object_foreach(stored, key, val)
        {
            if (val)
                json_object_object_add(out, key, value_copy(val));
        }
    }
    if (present && json_object_is_type(patch, json_type_object)) {
        json_object_object_foreach(patch, key, val)
        {
            if (val)
                json_object_object_add(out, key, value_copy(val));
            else
                json_object_object_del(out, key);
        }
    }
    return out;
}

const char *json_dump(json_object *obj)
{
    return json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
}
