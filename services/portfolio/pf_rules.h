/* Pure member rules of the portfolio entities (api.md "Assets", "Accounts", "Status object", "PATCH
 * semantics", list filters): asset type/code/currency rules, alias charset, account type and name
 * defaults, status and text PATCH resolution. No I/O, no SQL, no HTTP: unit-tested on their own. */
#pragma once
#include <json-c/json.h>
#include <stdbool.h>

#include "errors/errors.h"
#include "util/mem.h"

/* True when type is exactly currency, fiat, crypto, commodity or others (case-sensitive). */
bool pf_asset_type_valid(const char *type);

/* The asset `code` scan: ERR_NONE when every character is A-Z; otherwise the first character outside
 * A-Z decides: a lowercase ASCII letter -> ERR_CODE_UPPERCASE (0004), anything else ->
 * ERR_INVALID_CODE_FORMAT (0033). An empty or NULL code is ERR_INVALID_CODE_FORMAT. */
err_id pf_asset_code_scan(const char *code);

/* True when code is one of the 168 ISO 4217 codes of api.md Appendix B. */
bool pf_currency_valid(const char *code);

/* Format rules of an asset create, in api.md order: 0040, the code scan (0004/0033), then 0005 for
 * currency/fiat. Returns 0, or -1 with e set. */
int pf_asset_check(const char *type, const char *code, api_error *e) MUSTCHECK;

/* True when every character of alias is in [A-Za-z0-9@:_-] and alias is not empty (0096 otherwise). */
bool pf_alias_valid(const char *alias);

/* True when type equals "external" ASCII case-insensitively. */
bool pf_type_is_external(const char *type);

/* The stored account type: "external" for any letter case of it, else a copy. Caller frees. */
char *pf_account_type_normalize(const char *type);

/* "<assetCode> <type> account", the default account name. Caller frees. */
char *pf_account_default_name(const char *asset_code, const char *type);

/* The alias of an asset's external account, "@external/<code>". Caller frees. */
char *pf_external_alias(const char *code);

/* A `blocked` list filter value: true/false/1/0. Returns 0 and sets *out, or -1 (-> 0082). */
int pf_parse_bool_filter(const char *value, bool *out) MUSTCHECK;

/* A status object's effective values. Both strings are heap copies owned by the struct. */
typedef struct pf_status {
    char *code;        /* never NULL once filled */
    char *description; /* NULL = null */
} pf_status;

void pf_status_clear(pf_status *s);
/* Create: code = status.code when non-empty, else "ACTIVE"; description = a non-empty string or NULL.
 * status may be NULL (absent or null). */
void pf_status_for_create(json_object *status, pf_status *out);
/* PATCH: code absent/null/"" keeps cur_code; description absent/null keeps cur_description, ""
 * sets NULL, any other string replaces it. status may be NULL (keep both). */
void pf_status_for_patch(json_object *status, const char *cur_code, const char *cur_description,
                         pf_status *out);

/* What a PATCH does to one member (api.md "PATCH semantics" table). */
typedef enum pf_patch_action {
    PF_PATCH_KEEP,     /* absent, "" or (non-nullable) null: unchanged */
    PF_PATCH_SET_NULL, /* nullable member sent as null */
    PF_PATCH_SET       /* any other string: replaced by *value (borrowed from body) */
} pf_patch_action;

pf_patch_action pf_patch_text(json_object *body, const char *key, bool nullable, const char **value);

/* Resolve a PATCH of a text member against its current value: a new heap string (or NULL for null)
 * the caller frees. cur may be NULL. */
char *pf_patch_text_apply(json_object *body, const char *key, bool nullable, const char *cur);

/* Text of a create member that may be absent, null or "" (all meaning "not given"): a heap copy or NULL. */
char *pf_text_dup(json_object *body, const char *key);
