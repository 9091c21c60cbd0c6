/* Pure member rules of the portfolio entities (api.md "Assets", "Accounts", list filters): asset
 * type/code/currency rules, alias charset, account type and name defaults, optional create text (status
 * and PATCH rules shared by every entity are in common/entity). No I/O, no SQL, no HTTP. */
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

/* Prefix of every asset external account's alias. */
#define PF_EXTERNAL_ALIAS_PREFIX "@external/"
/* The alias of an asset's external account, "@external/<code>". Caller frees. */
char *pf_external_alias(const char *code);

/* A `blocked` list filter value: true/false/1/0. Returns 0 and sets *out, or -1 (-> 0082). */
int pf_parse_bool_filter(const char *value, bool *out) MUSTCHECK;

/* Text of a create member that may be absent, null or "" (all meaning "not given"): a heap copy or NULL. */
char *pf_text_dup(json_object *body, const char *key);
