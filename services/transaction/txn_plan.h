/* The transaction input model (transactions.md 3) and amount resolution (4): body validation steps 5-16
 * of 5.1 for /json, /inflow and /outflow (and the DSL translation), producing a plan of legs with exact
 * resolved amounts; also the plan of a reversal (7.3). Pure code: it reads no state (no database, no
 * clock except the one passed in) and performs no I/O. */
#pragma once
#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decimal/decimal.h"
#include "errors/errors.h"
#include "json/json.h"
#include "txn_model.h"
#include "util/mem.h"

#define TXN_MAX_LEGS 500
#define TXN_KEY_MAX 100
#define TXN_DEFAULT_KEY "default"
#define TXN_EXTERNAL_PREFIX "@external/"

typedef enum txn_endpoint { TXN_EP_JSON, TXN_EP_INFLOW, TXN_EP_OUTFLOW } txn_endpoint;

typedef enum leg_kind { LEG_KIND_AMOUNT, LEG_KIND_SHARE, LEG_KIND_REMAINING } leg_kind;

typedef struct txn_leg {
    bool source;       /* from (true) or to (false) */
    bool implicit;     /* the @external leg added by inflow / outflow */
    const char *alias; /* accountAlias as sent */
    const char *key;   /* balanceKey lower-cased, "default" when absent */
    leg_kind kind;
    decimal amount;                /* resolved amount (after txn_plan_build) */
    int percentage;                /* share legs */
    int percentage_of_percentage;  /* 0 when absent (means 100) */
    const char *description;       /* NULL when absent: the transaction description applies */
    const char *chart_of_accounts; /* "" when absent */
    const char *metadata;          /* JSON object text, "{}" when absent */
    const char *path;              /* "send.source.from[2]" for error fields; "" for implicit legs */
} txn_leg;

typedef struct txn_plan {
    txn_endpoint ep;
    const char *asset;
    decimal value;
    bool pending;
    bool has_date;
    int64_t date_us;         /* transactionDate, microseconds UTC */
    const char *description; /* "" when absent */
    const char *coa_group;   /* "" when absent */
    const char *metadata;    /* JSON object text, "{}" when absent */
    txn_leg *legs;           /* sources first (from order), then destinations (to order) */
    size_t n_legs;
    size_t n_sources;
} txn_plan;

/* Endpoint name used in fingerprints and logs: "json", "inflow", "outflow". */
const char *txn_endpoint_name(txn_endpoint ep);

/* The body schema of an endpoint (3.1-3.3), exposed for tests. */
const json_schema *txn_plan_schema(txn_endpoint ep);

/* Steps 5-10 of 5.1: parse strictly (0094 / 0144), then the schema steps (0094, 0053, 0047 NUL, 0009,
 * metadata 0067/0050/0051) and the field rules of step 10 (lengths, leg counts, share ranges, decimal
 * text limits, amount.asset = send.asset, rate.value > 0, transactionDate format: one 0047 listing every
 * failing path). On success *out is a new reference to the validated body (caller puts it) and 0 is
 * returned; otherwise -1 with e set. */
int txn_plan_decode(txn_endpoint ep, const char *text, size_t len, json_object **out, api_error *e) MUSTCHECK;

/* Steps 6-10 on an already parsed body (e.g. the JSON translation of a DSL script): the same checks
 * as txn_plan_decode after parsing. Returns 0, or -1 with e set. */
int txn_plan_validate(txn_endpoint ep, json_object *body, const json_parse_info *info,
                      api_error *e) MUSTCHECK;

/* Steps 11-16 on a body accepted by txn_plan_decode: leg shape 0072, pending/date 0122 then future date
 * 0121 (against now_us), values 0125, ambiguity 0090, resolution 0047 (share precision) / 0073
 * (remaining <= 0), sums 0073. The implicit @external leg of inflow/outflow is added first. Strings of
 * *out point into `body` or the arena, so body must outlive the plan. Returns 0, or -1 with e set. */
int txn_plan_build(txn_endpoint ep, json_object *body, int64_t now_us, arena *a, txn_plan *out,
                   api_error *e) MUSTCHECK;

/* The plan of the reversal of t (7.3), t->ops holding all its operations in id order: every CREDIT
 * operation becomes a source leg and every DEBIT operation a destination leg, in operation-id order, each
 * with the operation's alias, balance key, amount, description, chartOfAccounts and metadata; ON_HOLD
 * and RELEASE are ignored. send = t's amount and asset; description, metadata and chart-of-accounts
 * group are t's; never pending, never back-dated. Strings point into t (or the arena). */
void txn_plan_reversal(arena *a, const txn_row *t, txn_plan *out);

/* Amount resolution of one side (4): legs[0..n) against v. Fills each leg's amount. Returns ERR_NONE,
 * ERR_BAD_REQUEST (a share needs more than 18 fractional digits; *bad = that leg's index),
 * ERR_TRANSACTION_VALUE_MISMATCH (remaining <= 0, or the side does not sum to v). Legs must already
 * satisfy the shape rules (one kind each, remaining last). Exposed for the worked examples of 4. */
err_id txn_plan_resolve_side(const decimal *v, txn_leg *legs, size_t n, size_t *bad);

/* Alias of the implicit external account of an asset: "@external/<asset>" (arena). */
const char *txn_external_alias(arena *a, const char *asset);
/* True when alias starts with "@external/". */
bool txn_alias_is_external(const char *alias);
