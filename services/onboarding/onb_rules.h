/* Pure member rules of the onboarding entities (api.md "Organizations", "Status object", "PATCH
 * semantics"): the country list, address emptiness/validation/normalisation, status defaults and
 * PATCH application. No I/O, no SQL, no HTTP: unit-tested on their own. */
#pragma once
#include <json-c/json.h>
#include <stdbool.h>

#include "errors/errors.h"
#include "util/mem.h"

/* True when code is exactly one of the 249 uppercase ISO 3166-1 alpha-2 codes of api.md Appendix A. */
bool onb_country_valid(const char *code);

/* True when addr is NULL, not an object, or every member is absent, null or "" (api.md: an empty
 * address). Members the schema does not know never reach here (0053 came first). */
bool onb_address_is_empty(json_object *addr);

/* Step 7 rule of an address that passed the JSON schema: a non-empty address needs a country of
 * Appendix A. Returns 0, or -1 with e set to 0032. */
int onb_address_check(json_object *addr, api_error *e) MUSTCHECK;

/* The stored/returned form of an address: a new object with exactly line1, line2, zipCode, city,
 * state, country, description in that order; line2 and description are a non-empty string or null,
 * the others a string ("" when unset). addr may be NULL (the empty address). New reference. */
json_object *onb_address_normalize(json_object *addr);

/* A status object's effective values. Both strings are heap copies owned by the struct. */
typedef struct onb_status {
    char *code;        /* never NULL once filled */
    char *description; /* NULL = null */
} onb_status;

void onb_status_clear(onb_status *s);
/* Create: code = status.code when non-empty, else "ACTIVE"; description = a non-empty string or NULL.
 * status may be NULL (absent or null). */
void onb_status_for_create(json_object *status, onb_status *out);
/* PATCH: code absent/null/"" keeps cur_code; description absent/null keeps cur_description, ""
 * sets NULL, any other string replaces it. status may be NULL (absent or null: keep both). */
void onb_status_for_patch(json_object *status, const char *cur_code, const char *cur_description,
                          onb_status *out);

/* What a PATCH does to one text member (api.md "PATCH semantics" table). */
typedef enum onb_patch_action {
    ONB_PATCH_KEEP,     /* absent, "" or (non-nullable) null: unchanged */
    ONB_PATCH_SET_NULL, /* nullable member sent as null */
    ONB_PATCH_SET       /* any other string: replaced by *value (borrowed from body) */
} onb_patch_action;

onb_patch_action onb_patch_text(json_object *body, const char *key, bool nullable, const char **value);

/* Resolve a PATCH of a text member against its current value: a new heap string (or NULL for null)
 * the caller frees. cur may be NULL. */
char *onb_patch_text_apply(json_object *body, const char *key, bool nullable, const char *cur);
