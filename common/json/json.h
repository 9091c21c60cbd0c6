/* Strict JSON decoding (api.md "Validation order", body steps 1-6), schema-driven member checks and
 * RFC 7386 metadata merge. Pure code on json-c objects: no I/O, nothing service-specific. */
#pragma once
#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

#include "errors/errors.h"

#define JSON_MAX_DEPTH 10
#define METADATA_KEY_MAX 100
#define METADATA_VALUE_MAX 2000

typedef struct json_parse_info {
    bool nul_in_key; /* some member name contained U+0000 (json-c keys cannot hold it) */
} json_parse_info;

/* Parse `len` bytes strictly: RFC 8259 syntax, valid UTF-8 (no BOM), no duplicate member names in one
 * object, nesting <= max_depth (top-level value = level 1). Numbers keep their exact source text
 * (see json_number_text). Whichever problem comes first decides: 0094 (syntax, empty, UTF-8,
 * duplicate) or 0144 (depth). On success *out is a new reference and 0 is returned; on failure -1
 * with e set and *out NULL. info may be NULL. */
int json_parse_strict(const char *text, size_t len, int max_depth, json_object **out,
                      json_parse_info *info, api_error *e) MUSTCHECK;

/* Source text of a JSON number (exactly as sent), or NULL if obj is not a number. Valid while obj lives. */
const char *json_number_text(json_object *obj);

/* Count of Unicode code points in a valid UTF-8 string. */
size_t utf8_length(const char *s, size_t bytes);

/* ---- schema-driven validation --------------------------------------------------------------- */

typedef enum json_kind {
    JK_STRING,   /* JSON string */
    JK_BOOL,     /* true/false */
    JK_INT,      /* JSON number with an integer value (no fraction/exponent) */
    JK_DECIMAL,  /* money: JSON string or number, kept as text; grammar of transactions.md 2.1 checked
                    at step 1 (0094), text > 128 chars and the 38/18 limits at step 6 (0047) */
    JK_OBJECT,   /* nested object described by `sub` */
    JK_ARRAY,    /* array; elements described by `sub` (objects) or `elem` kind */
    JK_METADATA, /* flat metadata object (api.md Metadata) */
    JK_STATUS,   /* the status object {code, description} of api.md */
    JK_ANY       /* accepted as is, never validated */
} json_kind;

enum {
    JF_REQUIRED = 1u << 0,  /* create: absent/null/"" -> 0009 */
    JF_IMMUTABLE = 1u << 1, /* present in this mode -> 0053 (use in PATCH schemas) */
    JF_NULLABLE = 1u << 2,  /* PATCH: null sets the member to null */
    JF_UUID = 1u << 3,      /* string must be a canonical UUID -> 0047 */
    JF_NO_SPACE = 1u << 4,  /* string may not contain whitespace -> 0047 */
};

typedef struct json_schema json_schema;

typedef struct json_field {
    const char *name;
    json_kind kind;
    unsigned flags;
    int min_len;             /* characters; 0 = no minimum (non-empty strings only are checked) */
    int max_len;             /* characters; 0 = no maximum */
    const json_schema *sub;  /* JK_OBJECT members, or JK_ARRAY element object */
    json_kind elem;          /* JK_ARRAY of scalars: element kind (when sub == NULL) */
    int min_items, max_items;/* JK_ARRAY: 0 = no rule (-> 0047) */
} json_field;

struct json_schema {
    const json_field *fields;
    size_t count;
};

typedef enum json_mode { JSON_MODE_CREATE, JSON_MODE_PATCH } json_mode;

/* Run body steps 1 (top-level object, member JSON types -> 0094), 2 (unknown or immutable members,
 * recursively outside metadata -> 0053, fields = {path: value sent}), 3 (U+0000 anywhere -> 0047),
 * 4 (required members, create mode -> 0009 listing every missing path), 5 (metadata 0067 > 0050 > 0051,
 * fields list every key at fault as "metadata.<key>" or "<path>.metadata.<key>"), 6 (lengths, UUID,
 * no-space, array sizes, empty metadata key, JK_DECIMAL text -> 0047 listing every failing path). `info` is what
 * json_parse_strict reported. Returns 0 when the body passes, -1 with e set otherwise.
 * null and "" are "absent" for steps 4 and 6 in create mode; in patch mode they are allowed. */
int json_validate(const json_schema *schema, json_object *body, json_mode mode,
                  const json_parse_info *info, api_error *e) MUSTCHECK;

/* Caller-supplied step-6 rules (cross-field or range rules the schema cannot express). Called only when
 * steps 1-5 passed, with the body and an object collecting step-6 offenders (path -> message); add one
 * member per failing path. Offenders of both sources are reported together as one 0047. */
typedef void (*json_extra_rules_fn)(json_object *body, json_object *found, void *arg);
/* json_validate plus `extra` (may be NULL) at step 6. Same returns and errors as json_validate. */
int json_validate_ex(const json_schema *schema, json_object *body, json_mode mode,
                     const json_parse_info *info, json_extra_rules_fn extra, void *arg,
                     api_error *e) MUSTCHECK;

/* Convenience: parse then validate. On success *out is a new reference (caller puts it). */
int json_decode_body(const char *text, size_t len, const json_schema *schema, json_mode mode,
                     json_object **out, api_error *e) MUSTCHECK;
/* json_decode_body validating with json_validate_ex (extra may be NULL). Same returns and errors. */
int json_decode_body_ex(const char *text, size_t len, const json_schema *schema, json_mode mode,
                        json_extra_rules_fn extra, void *arg, json_object **out, api_error *e) MUSTCHECK;

/* ---- accessors (NULL/false when absent; "absent" includes null, and "" for json_get_text) ----- */
json_object *json_get(json_object *obj, const char *key);      /* NULL when absent or null */
const char *json_get_text(json_object *obj, const char *key);  /* NULL when absent, null or "" */
bool json_has(json_object *obj, const char *key);              /* member present (even if null) */
bool json_is_null_member(json_object *obj, const char *key);   /* present and null */

/* ---- metadata ------------------------------------------------------------------------------- */
/* Create: copy of `given` (may be NULL) without null-valued members; {} when NULL. New reference. */
json_object *json_metadata_for_create(json_object *given);
/* PATCH (RFC 7386, flat): `patch` absent (NULL and !present) keeps `stored`; JSON null clears to {};
 * an object merges (null value deletes a key). Returns a new reference. */
json_object *json_metadata_merge(json_object *stored, json_object *patch, bool present);

/* Serialise compactly without escaping '/'. The returned string belongs to obj. */
const char *json_dump(json_object *obj);
