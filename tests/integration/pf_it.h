/* Helpers of the portfolio integration tests: a fresh organization and ledger made through the
 * onboarding routes of the gateway, requests below that ledger, JSON member access, and a stand-in
 * for the transaction service's balance-close endpoint (the real one is not served yet). Test code
 * only: helpers may fail the current Criterion test. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "harness.h"
#include "uuid/uuid.h"

/* An organization and a ledger, both created through the gateway for one test. */
typedef struct pf_ctx {
    char org[UUID_STR_LEN + 1];
    char ledger[UUID_STR_LEN + 1];
} pf_ctx;

/* Create an organization and a ledger (201 each, asserted). */
void pf_ctx_new(pf_ctx *c);
/* Create one more ledger in c->org; fills out->org/ledger. */
void pf_ctx_new_ledger(const pf_ctx *c, pf_ctx *out);

/* "<base_var URL>/v1/organizations/<org>/ledgers/<ledger><suffix>" (suffix printf-formatted).
 * base_var is "GATEWAY_URL" or "PORTFOLIO_URL" (internal routes). Caller frees. */
char *pf_url(const char *base_var, const pf_ctx *c, const char *suffix_fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* One request to the gateway below the ledger: method, body (NULL = none), suffix. Fails the test only
 * when the transfer fails. */
void pf_call(it_response *out, const char *method, const pf_ctx *c, const char *body, const char *suffix_fmt,
             ...) __attribute__((format(printf, 5, 6)));

/* POST body to <L><suffix>, assert 201 and copy the new "id" into id_out (may be NULL). */
void pf_create(const pf_ctx *c, const char *suffix, const char *body, char id_out[UUID_STR_LEN + 1]);

/* Top-level member as string / bool / presence-of-null of a JSON object (NULL when r is not JSON). */
const char *pf_str(const it_response *r, const char *member);
bool pf_is_null(const it_response *r, const char *member);
/* Member of a nested json object: obj.member as string, or NULL. */
const char *pf_obj_str(json_object *obj, const char *member);
/* Number of items of a list response ({"items": [...]}), or -1. */
int pf_items(const it_response *r);
/* Item i of a list response, or NULL. */
json_object *pf_item(const it_response *r, int i);

/* Asserts an error envelope, and fields.<field> present when field is not NULL. */
void pf_assert_error(it_response *r, long status, const char *code, const char *field);
