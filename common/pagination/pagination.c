/* List query parameters (api.md "Lists", transactions.md 10.1) checked in the documented order, and
 * the opaque cursor codec (base64url of a small JSON object). Pure code: no I/O, no SQL; the values
 * returned borrow from the caller's parameter array. */
#include "pagination/pagination.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "timeutil/timeutil.h"
#include "util/mem.h"
#include "util/utf8.h"

#define LIMIT_DEFAULT 10
#define LIMIT_MAX 100
#define PAGE_MAX INT64_C(2147483647)
#define METADATA_PREFIX "metadata."
#define METADATA_PREFIX_LEN (sizeof(METADATA_PREFIX) - 1)
#define METADATA_KEY_MAX 100

/* Characters of a UTF-8 string: bytes that are not continuation bytes (only called on text that
 * passed text_valid). */
static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p & 0xC0) != 0x80)
            n++;
    return n;
}

/* Percent-decoding can produce any bytes; PostgreSQL refuses invalid UTF-8 with an error, so every
 * value collected here is checked before a service can put it in a query. */
static bool text_valid(const char *s)
{
    return utf8_valid(s, strlen(s));
}

/* A parameter name fit to echo in an error body, which must be UTF-8: a metadata key that is not
 * valid UTF-8 is shown with its bytes >= 0x80 as %XX escapes. Caller frees. */
static char *display_name(const char *key)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(key);
    if (utf8_valid(key, n))
        return xstrdup(key);
    char *out = xmalloc(3 * n + 1);
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
        if (*p < 0x80) {
            out[o++] = (char)*p;
            continue;
        }
        out[o++] = '%';
        out[o++] = hex[*p >> 4];
        out[o++] = hex[*p & 15];
    }
    out[o] = '\0';
    return out;
}

static bool is_filter_name(const char *const *filter_names, const char *key)
{
    if (!filter_names)
        return false;
    for (size_t i = 0; filter_names[i]; i++)
        if (strcmp(filter_names[i], key) == 0)
            return true;
    return false;
}

static bool is_known(const char *key, page_kind kind, const char *const *filter_names)
{
    if (strcmp(key, "limit") == 0 || strcmp(key, "sort_order") == 0 || strcmp(key, "start_date") == 0 ||
        strcmp(key, "end_date") == 0)
        return true;
    if (strncmp(key, METADATA_PREFIX, METADATA_PREFIX_LEN) == 0)
        return true;
    switch (kind) {
    case PAGE_OFFSET:
        if (strcmp(key, "page") == 0)
            return true;
        break;
    case PAGE_CURSOR:
        if (strcmp(key, "cursor") == 0)
            return true;
        break;
    }
    return is_filter_name(filter_names, key);
}

static bool present(const query_param *p)
{
    return p->key && p->value && p->value[0];
}

typedef struct known_ref {
    const char *key;
    size_t index;
} known_ref;

static int known_ref_cmp(const void *a, const void *b)
{
    const known_ref *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    if (c)
        return c;
    return (x->index > y->index) - (x->index < y->index);
}

/* Name of the known parameter whose second occurrence comes first in the query, or NULL.
 * Sorting keeps this O(n log n) whatever the client sends. */
static const char *first_repeat(const query_param *params, size_t count, page_kind kind,
                                const char *const *filter_names)
{
    known_ref *refs = NULL;
    size_t n = 0;
    size_t best = SIZE_MAX;
    const char *name = NULL;

    if (count == 0)
        return NULL;
    refs = xmalloc(count * sizeof(*refs));
    for (size_t i = 0; i < count; i++)
        if (present(&params[i]) && is_known(params[i].key, kind, filter_names))
            refs[n++] = (known_ref){params[i].key, i};
    qsort(refs, n, sizeof(*refs), known_ref_cmp);
    for (size_t i = 1; i < n; i++) {
        if (strcmp(refs[i - 1].key, refs[i].key) == 0 && refs[i].index < best) {
            best = refs[i].index;
            name = refs[i].key;
        }
    }
    free(refs);
    return name;
}

/* Value of the (single, already checked for repeats) parameter `key`, or NULL when absent. */
static const char *value_of(const query_param *params, size_t count, const char *key)
{
    for (size_t i = 0; i < count; i++)
        if (present(&params[i]) && strcmp(params[i].key, key) == 0)
            return params[i].value;
    return NULL;
}

static bool all_digits(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

/* Value of an all-digit string, saturated at cap + 1 so that any length is safe. */
static int64_t digits_value(const char *s, int64_t cap)
{
    int64_t v = 0;
    for (; *s; s++) {
        v = v * 10 + (*s - '0');
        if (v > cap)
            return cap + 1;
    }
    return v;
}

static int fail(api_error *e, err_id id, const char *param, const char *msg)
{
    char *name = display_name(param);
    api_error_set(e, id, "%s", msg);
    api_error_field(e, name, "%s", msg);
    free(name);
    return -1;
}

static const char *date_message(err_id id)
{
    if (id == ERR_INVALID_DATETIME_FORMAT)
        return "must be YYYY-MM-DD or YYYY-MM-DD HH:MM:SS";
    if (id == ERR_INVALID_DATE_FORMAT)
        return "is not a real date or time";
    if (id == ERR_INVALID_DATE_RANGE)
        return "start_date and end_date must be given together";
    return "start_date must not be later than end_date";
}

int page_params_parse(const query_param *params, size_t count, page_kind kind,
                      const char *const *filter_names, page_params *out, api_error *e)
{
    const char *v = NULL;
    const char *rep = NULL;

    memset(out, 0, sizeof(*out));
    out->limit = LIMIT_DEFAULT;
    out->page = 1;
    out->cursor_dir = CURSOR_NEXT;

    rep = first_repeat(params, count, kind, filter_names);
    if (rep) {
        char *name = display_name(rep);
        api_error_set(e, ERR_INVALID_QUERY_PARAMETER, "%s must not be repeated", name);
        api_error_field(e, name, "must not be repeated");
        free(name);
        return -1;
    }

    if ((v = value_of(params, count, "limit"))) {
        if (!all_digits(v))
            return fail(e, ERR_INVALID_QUERY_PARAMETER, "limit",
                        "limit must be an integer between 1 and 100");
        int64_t n = digits_value(v, LIMIT_MAX);
        if (n == 0)
            return fail(e, ERR_INVALID_QUERY_PARAMETER, "limit",
                        "limit must be an integer between 1 and 100");
        if (n > LIMIT_MAX)
            return fail(e, ERR_PAGINATION_LIMIT_EXCEEDED, "limit", "limit must not be greater than 100");
        out->limit = (int)n;
    }

    switch (kind) {
    case PAGE_OFFSET:
        if ((v = value_of(params, count, "page"))) {
            int64_t n = all_digits(v) ? digits_value(v, PAGE_MAX) : 0;
            if (n < 1 || n > PAGE_MAX)
                return fail(e, ERR_INVALID_QUERY_PARAMETER, "page",
                            "page must be an integer between 1 and 2147483647");
            out->page = n;
        }
        break;
    case PAGE_CURSOR:
        break;
    }

    if ((v = value_of(params, count, "sort_order"))) {
        if (!text_valid(v))
            return fail(e, ERR_INVALID_QUERY_PARAMETER, "sort_order", "sort_order must be valid UTF-8");
        if (strcasecmp(v, "asc") == 0)
            out->desc = false;
        else if (strcasecmp(v, "desc") == 0)
            out->desc = true;
        else
            return fail(e, ERR_INVALID_SORT_ORDER, "sort_order", "sort_order must be asc or desc");
    }

    {
        const char *param = NULL;
        const char *start = value_of(params, count, "start_date");
        const char *end = value_of(params, count, "end_date");
        if (start && !text_valid(start))
            return fail(e, ERR_INVALID_QUERY_PARAMETER, "start_date", "start_date must be valid UTF-8");
        if (end && !text_valid(end))
            return fail(e, ERR_INVALID_QUERY_PARAMETER, "end_date", "end_date must be valid UTF-8");
        err_id rc = time_parse_filter_range(start, end, &out->has_range, &out->from_us, &out->to_us, &param);
        if (rc != ERR_NONE) {
            const char *msg = date_message(rc);
            if (rc == ERR_INVALID_DATETIME_FORMAT || rc == ERR_INVALID_DATE_FORMAT)
                api_error_set(e, rc, "%s %s", param, msg);
            else
                api_error_set(e, rc, "%s", msg);
            api_error_field(e, param, "%s", msg);
            return -1;
        }
    }

    switch (kind) {
    case PAGE_OFFSET:
        break;
    case PAGE_CURSOR:
        if ((v = value_of(params, count, "cursor"))) {
            if (cursor_decode(v, out->cursor_id, &out->cursor_dir) < 0)
                return fail(e, ERR_INVALID_QUERY_PARAMETER, "cursor", "cursor is invalid");
            out->has_cursor = true;
        }
        break;
    }

    for (size_t i = 0; i < count; i++) {
        const query_param *p = &params[i];
        if (!present(p) || strncmp(p->key, METADATA_PREFIX, METADATA_PREFIX_LEN) != 0)
            continue;
        const char *key = p->key + METADATA_PREFIX_LEN;
        if (!text_valid(key))
            return fail(e, ERR_INVALID_QUERY_PARAMETER, p->key, "metadata key must be valid UTF-8");
        size_t klen = utf8_chars(key);
        if (klen < 1 || klen > METADATA_KEY_MAX)
            return fail(e, ERR_INVALID_QUERY_PARAMETER, p->key,
                        "metadata key must have between 1 and 100 characters");
        if (!text_valid(p->value))
            return fail(e, ERR_INVALID_QUERY_PARAMETER, p->key, "filter value must be valid UTF-8");
        if (utf8_chars(p->value) > FILTER_VALUE_MAX)
            return fail(e, ERR_INVALID_QUERY_PARAMETER, p->key,
                        "filter value must have at most 256 characters");
        if (out->metadata_count == PAGE_MAX_METADATA)
            return fail(e, ERR_INVALID_QUERY_PARAMETER, p->key, "at most 32 metadata filters are allowed");
        out->metadata[out->metadata_count++] = (query_param){key, p->value};
    }

    for (size_t i = 0; i < count; i++) {
        const query_param *p = &params[i];
        if (!present(p) || !is_filter_name(filter_names, p->key))
            continue;
        if (!text_valid(p->value))
            return fail(e, ERR_INVALID_QUERY_PARAMETER, p->key, "filter value must be valid UTF-8");
        if (utf8_chars(p->value) > FILTER_VALUE_MAX)
            return fail(e, ERR_INVALID_QUERY_PARAMETER, p->key,
                        "filter value must have at most 256 characters");
        if (out->filter_count == PAGE_MAX_FILTERS)
            return fail(e, ERR_INVALID_QUERY_PARAMETER, p->key, "too many filters");
        out->filters[out->filter_count++] = (page_filter){p->key, p->value};
    }
    return 0;
}

const char *page_filter_get(const page_params *p, const char *name)
{
    for (size_t i = 0; i < p->filter_count; i++)
        if (strcmp(p->filters[i].name, name) == 0)
            return p->filters[i].value;
    return NULL;
}

/* ---- base64 and the cursor codec ---------------------------------------------------------------- */

char *base64url_encode(const unsigned char *data, size_t len)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    char *out = xmalloc(len / 3 * 4 + 5);
    size_t o = 0, i = 0;

    for (; i + 3 <= len; i += 3) {
        uint32_t w = (uint32_t)data[i] << 16 | (uint32_t)data[i + 1] << 8 | data[i + 2];
        out[o++] = alphabet[(w >> 18) & 63];
        out[o++] = alphabet[(w >> 12) & 63];
        out[o++] = alphabet[(w >> 6) & 63];
        out[o++] = alphabet[w & 63];
    }
    if (len - i == 1) {
        uint32_t w = (uint32_t)data[i] << 16;
        out[o++] = alphabet[(w >> 18) & 63];
        out[o++] = alphabet[(w >> 12) & 63];
    } else if (len - i == 2) {
        uint32_t w = (uint32_t)data[i] << 16 | (uint32_t)data[i + 1] << 8;
        out[o++] = alphabet[(w >> 18) & 63];
        out[o++] = alphabet[(w >> 12) & 63];
        out[o++] = alphabet[(w >> 6) & 63];
    }
    out[o] = '\0';
    return out;
}

static int b64_value(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+' || c == '-')
        return 62;
    if (c == '/' || c == '_')
        return 63;
    return -1;
}

unsigned char *base64_decode_any(const char *text, size_t *out_len)
{
    size_t len = text ? strlen(text) : 0;
    size_t pad = 0;
    unsigned char *out = NULL;
    size_t o = 0;
    uint32_t acc = 0;
    int bits = 0;

    if (!text)
        return NULL;
    while (len > 0 && text[len - 1] == '=' && pad < 2) {
        len--;
        pad++;
    }
    /* Padding, when present, must complete the last quantum; one leftover character is never valid. */
    if ((pad > 0 && (len + pad) % 4 != 0) || len % 4 == 1)
        return NULL;
    out = xmalloc(len / 4 * 3 + 4);
    for (size_t i = 0; i < len; i++) {
        int v = b64_value(text[i]);
        if (v < 0) {
            free(out);
            return NULL;
        }
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (unsigned char)(acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }
    out[o] = '\0';
    if (out_len)
        *out_len = o;
    return out;
}

char *cursor_encode(const char *id, cursor_dir dir)
{
    char norm[UUID_STR_LEN + 1];
    const char *dir_text = NULL;
    json_object *o = NULL;
    char *res = NULL;

    if (!id)
        return NULL;
    switch (dir) {
    case CURSOR_NEXT:
        dir_text = "next";
        break;
    case CURSOR_PREV:
        dir_text = "prev";
        break;
    }
    o = json_object_new_object();
    json_object_object_add(o, "id", json_object_new_string(uuid_normalize(id, norm) == 0 ? norm : id));
    json_object_object_add(o, "direction", json_object_new_string(dir_text ? dir_text : "next"));
    const char *js =
        json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
    res = base64url_encode((const unsigned char *)js, strlen(js));
    json_object_put(o);
    return res;
}

/* Longest cursor text accepted: a real one is 80 characters; anything far longer is not ours. */
#define CURSOR_TEXT_MAX 1024

int cursor_decode(const char *text, char id_out[UUID_STR_LEN + 1], cursor_dir *dir_out)
{
    unsigned char *raw = NULL;
    size_t raw_len = 0;
    json_tokener *tok = NULL;
    json_object *o = NULL;
    json_object *id = NULL, *dir = NULL;
    const char *d = NULL;
    cursor_dir parsed = CURSOR_NEXT;
    int rc = -1;

    if (!text || !*text || strlen(text) > CURSOR_TEXT_MAX)
        goto cleanup;
    raw = base64_decode_any(text, &raw_len);
    if (!raw || raw_len == 0 || memchr(raw, '\0', raw_len))
        goto cleanup;
    tok = json_tokener_new();
    o = json_tokener_parse_ex(tok, (const char *)raw, (int)raw_len);
    if (!o || json_tokener_get_error(tok) != json_tokener_success ||
        json_tokener_get_parse_end(tok) != raw_len)
        goto cleanup;
    if (!json_object_is_type(o, json_type_object) || json_object_object_length(o) != 2)
        goto cleanup;
    if (!json_object_object_get_ex(o, "id", &id) || !json_object_is_type(id, json_type_string) ||
        json_object_get_string_len(id) != UUID_STR_LEN)
        goto cleanup;
    if (!json_object_object_get_ex(o, "direction", &dir) || !json_object_is_type(dir, json_type_string) ||
        json_object_get_string_len(dir) != 4)
        goto cleanup;
    d = json_object_get_string(dir);
    if (strcmp(d, "next") == 0)
        parsed = CURSOR_NEXT;
    else if (strcmp(d, "prev") == 0)
        parsed = CURSOR_PREV;
    else
        goto cleanup;
    if (uuid_normalize(json_object_get_string(id), id_out) < 0)
        goto cleanup;
    *dir_out = parsed;
    rc = 0;
cleanup:
    json_object_put(o);
    if (tok)
        json_tokener_free(tok);
    free(raw);
    return rc;
}
