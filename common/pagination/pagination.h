/* List query parameters of api.md "Lists" (offset lists) and transactions.md 10.1 (cursor lists), and
 * the opaque cursor codec. Pure code: input is the parsed query string, output a struct or an error. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errors/errors.h"
#include "uuid/uuid.h"

#define PAGE_MAX_FILTERS 16
#define PAGE_MAX_METADATA 32 /* more metadata.<key> parameters -> 0082 */
#define FILTER_VALUE_MAX 256

typedef enum page_kind { PAGE_OFFSET, PAGE_CURSOR } page_kind;
typedef enum cursor_dir { CURSOR_NEXT, CURSOR_PREV } cursor_dir;

typedef struct query_param {
    const char *key;
    const char *value;
} query_param;

typedef struct page_filter {
    const char *name;  /* the entity filter's parameter name */
    const char *value; /* raw value (<= 256 characters, checked) */
} page_filter;

typedef struct page_params {
    int limit;           /* 1..100, default 10 */
    int64_t page;        /* offset lists: 1..2147483647, default 1 */
    bool desc;           /* sort_order=desc */
    bool has_range;      /* start_date/end_date given */
    int64_t from_us, to_us;
    bool has_cursor;     /* cursor lists */
    char cursor_id[UUID_STR_LEN + 1];
    cursor_dir cursor_dir;
    size_t metadata_count;
    query_param metadata[PAGE_MAX_METADATA]; /* key without the "metadata." prefix, value */
    size_t filter_count;
    page_filter filters[PAGE_MAX_FILTERS];   /* values of the names listed in `filter_names` */
} page_params;

/* Check `params` (query string order, repeats kept, values percent-decoded) in api.md's order:
 * repeated known parameter (0082), limit (0082/0080), page (0082, offset only), sort_order (0081),
 * start_date/end_date (0131/0077/0083/0078), cursor (0082, cursor only), metadata.<key> (0082: key
 * 1-100 characters, value at most 256 characters, at most PAGE_MAX_METADATA of them), then any name
 * in `filter_names` (NULL-terminated; value longer than 256 -> 0082). Every key and value collected
 * must be valid UTF-8, else 0082 at that parameter's step (before its own rule), so nothing returned
 * can make PostgreSQL fail. Empty values count as absent; unknown names are ignored (never checked).
 * Pointers in *out borrow from `params`.
 * Returns 0, or -1 with e set (fields name the parameter; a key that is not UTF-8 is shown with %XX
 * escapes). */
int page_params_parse(const query_param *params, size_t count, page_kind kind,
                      const char *const *filter_names, page_params *out, api_error *e) MUSTCHECK;

/* Value of a filter collected by page_params_parse, or NULL. */
const char *page_filter_get(const page_params *p, const char *name);

/* Cursor: base64url without padding of {"id":"<uuid>","direction":"next"|"prev"}. Caller frees. */
char *cursor_encode(const char *id, cursor_dir dir);
/* Accepts either base64 alphabet, padded or not. 0, or -1 for anything undecodable / malformed. */
int cursor_decode(const char *text, char id_out[UUID_STR_LEN + 1], cursor_dir *dir_out);

/* Base64 helpers used by the cursor codec (exposed for tests). Caller frees the result. */
char *base64url_encode(const unsigned char *data, size_t len);
unsigned char *base64_decode_any(const char *text, size_t *out_len);
