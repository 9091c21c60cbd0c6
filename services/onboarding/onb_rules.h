/* Pure member rules of the onboarding entities (api.md "Organizations"): the country list and address
 * emptiness/validation/normalisation (status and PATCH rules shared by every entity are in
 * common/entity). No I/O, no SQL, no HTTP: unit-tested on their own. */
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
