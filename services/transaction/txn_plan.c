/* Transaction input model and amount resolution (transactions.md 3, 4 and steps 5-16 of 5.1): schemas,
 * the step-10 field rules the generic validator cannot express, leg shape, dates, ambiguity, exact
 * resolution of amount / share / remaining legs, and the plan of a reversal (7.3). Pure: never reads
 * state, never rounds. */
#include "txn_plan.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "timeutil/timeutil.h"

/* ---- schemas (3.1-3.3) ------------------------------------------------------------------------- */

static const json_field amount_fields[] = {
    {.name = "asset", .kind = JK_STRING, .flags = JF_REQUIRED, .max_len = 100},
    {.name = "value", .kind = JK_DECIMAL, .flags = JF_REQUIRED},
};
static const json_schema amount_schema = {amount_fields, ARRAY_LEN(amount_fields)};

static const json_field share_fields[] = {
    {.name = "percentage", .kind = JK_INT, .flags = JF_REQUIRED},
    {.name = "percentageOfPercentage", .kind = JK_INT},
};
static const json_schema share_schema = {share_fields, ARRAY_LEN(share_fields)};

static const json_field rate_fields[] = {
    {.name = "from", .kind = JK_STRING, .flags = JF_REQUIRED},
    {.name = "to", .kind = JK_STRING, .flags = JF_REQUIRED},
    {.name = "value", .kind = JK_DECIMAL, .flags = JF_REQUIRED},
    {.name = "externalId", .kind = JK_STRING, .flags = JF_REQUIRED | JF_UUID},
};
static const json_schema rate_schema = {rate_fields, ARRAY_LEN(rate_fields)};

static const json_field leg_fields[] = {
    {.name = "accountAlias", .kind = JK_STRING, .flags = JF_REQUIRED, .min_len = 1, .max_len = 256},
    {.name = "balanceKey", .kind = JK_STRING, .flags = JF_NO_SPACE, .min_len = 1, .max_len = TXN_KEY_MAX},
    {.name = "amount", .kind = JK_OBJECT, .sub = &amount_schema},
    {.name = "share", .kind = JK_OBJECT, .sub = &share_schema},
    {.name = "remaining", .kind = JK_STRING},
    {.name = "description", .kind = JK_STRING, .max_len = 256},
    {.name = "chartOfAccounts", .kind = JK_STRING, .max_len = 256},
    {.name = "metadata", .kind = JK_METADATA},
    {.name = "rate", .kind = JK_OBJECT, .sub = &rate_schema},
    {.name = "isFrom", .kind = JK_BOOL},
};
static const json_schema leg_schema = {leg_fields, ARRAY_LEN(leg_fields)};

static const json_field source_fields[] = {
    {.name = "from",
     .kind = JK_ARRAY,
     .flags = JF_REQUIRED,
     .sub = &leg_schema,
     .min_items = 1,
     .max_items = TXN_MAX_LEGS},
    {.name = "remaining", .kind = JK_STRING},
};
static const json_schema source_schema = {source_fields, ARRAY_LEN(source_fields)};

static const json_field distribute_fields[] = {
    {.name = "to",
     .kind = JK_ARRAY,
     .flags = JF_REQUIRED,
     .sub = &leg_schema,
     .min_items = 1,
     .max_items = TXN_MAX_LEGS},
    {.name = "remaining", .kind = JK_STRING},
};
static const json_schema distribute_schema = {distribute_fields, ARRAY_LEN(distribute_fields)};

#define SEND_ASSET                                                                                           \
    {                                                                                                        \
        .name = "asset", .kind = JK_STRING, .flags = JF_REQUIRED, .min_len = 1, .max_len = 100               \
    }
#define SEND_VALUE                                                                                           \
    {                                                                                                        \
        .name = "value", .kind = JK_DECIMAL, .flags = JF_REQUIRED                                            \
    }
#define SEND_SOURCE                                                                                          \
    {                                                                                                        \
        .name = "source", .kind = JK_OBJECT, .flags = JF_REQUIRED, .sub = &source_schema                     \
    }
#define SEND_DISTRIBUTE                                                                                      \
    {                                                                                                        \
        .name = "distribute", .kind = JK_OBJECT, .flags = JF_REQUIRED, .sub = &distribute_schema             \
    }

static const json_field send_json_fields[] = {SEND_ASSET, SEND_VALUE, SEND_SOURCE, SEND_DISTRIBUTE};
static const json_schema send_json_schema = {send_json_fields, ARRAY_LEN(send_json_fields)};
static const json_field send_inflow_fields[] = {SEND_ASSET, SEND_VALUE, SEND_DISTRIBUTE};
static const json_schema send_inflow_schema = {send_inflow_fields, ARRAY_LEN(send_inflow_fields)};
static const json_field send_outflow_fields[] = {SEND_ASSET, SEND_VALUE, SEND_SOURCE};
static const json_schema send_outflow_schema = {send_outflow_fields, ARRAY_LEN(send_outflow_fields)};

#define TOP_COMMON                                                                                           \
    {.name = "chartOfAccountsGroupName", .kind = JK_STRING, .max_len = 256},                                 \
        {.name = "description", .kind = JK_STRING, .max_len = 256},                                          \
        {.name = "code", .kind = JK_STRING, .max_len = 100}, {.name = "transactionDate", .kind = JK_STRING}, \
    {                                                                                                        \
        .name = "metadata", .kind = JK_METADATA                                                              \
    }

static const json_field top_json_fields[] = {
    TOP_COMMON,
    {.name = "pending", .kind = JK_BOOL},
    {.name = "send", .kind = JK_OBJECT, .flags = JF_REQUIRED, .sub = &send_json_schema},
};
static const json_schema top_json_schema = {top_json_fields, ARRAY_LEN(top_json_fields)};

static const json_field top_inflow_fields[] = {
    TOP_COMMON,
    {.name = "send", .kind = JK_OBJECT, .flags = JF_REQUIRED, .sub = &send_inflow_schema},
};
static const json_schema top_inflow_schema = {top_inflow_fields, ARRAY_LEN(top_inflow_fields)};

static const json_field top_outflow_fields[] = {
    TOP_COMMON,
    {.name = "pending", .kind = JK_BOOL},
    {.name = "send", .kind = JK_OBJECT, .flags = JF_REQUIRED, .sub = &send_outflow_schema},
};
static const json_schema top_outflow_schema = {top_outflow_fields, ARRAY_LEN(top_outflow_fields)};

const char *txn_endpoint_name(txn_endpoint ep)
{
    switch (ep) {
    case TXN_EP_JSON:
        return "json";
    case TXN_EP_INFLOW:
        return "inflow";
    case TXN_EP_OUTFLOW:
        return "outflow";
    }
    return "json";
}

const json_schema *txn_plan_schema(txn_endpoint ep)
{
    switch (ep) {
    case TXN_EP_JSON:
        return &top_json_schema;
    case TXN_EP_INFLOW:
        return &top_inflow_schema;
    case TXN_EP_OUTFLOW:
        return &top_outflow_schema;
    }
    return &top_json_schema;
}

/* ---- helpers ----------------------------------------------------------------------------------- */

const char *txn_external_alias(arena *a, const char *asset)
{
    return arena_printf(a, "%s%s", TXN_EXTERNAL_PREFIX, asset);
}

bool txn_alias_is_external(const char *alias)
{
    return alias && strncmp(alias, TXN_EXTERNAL_PREFIX, strlen(TXN_EXTERNAL_PREFIX)) == 0;
}

/* Text of a money member (string or number token); NULL when absent or not money-typed. */
static const char *money_text(json_object *v, size_t *len)
{
    if (json_object_is_type(v, json_type_string)) {
        *len = (size_t)json_object_get_string_len(v);
        return json_object_get_string(v);
    }
    const char *t = json_number_text(v);
    if (t)
        *len = strlen(t);
    return t;
}

/* Parse a money member already accepted by the validator. -1 when absent or unparseable. */
static int money_value(json_object *v, decimal *out)
{
    size_t len = 0;
    const char *t = money_text(v, &len);
    if (!t || len == 0)
        return -1;
    return decimal_parse(t, len, out) == DECIMAL_OK ? 0 : -1;
}

/* An integer token within [min, max]; huge or malformed tokens are out of range. */
static bool int_in_range(json_object *v, int min, int max, int *out)
{
    const char *t = json_number_text(v);
    long val = 0;
    bool neg = false;
    size_t i = 0;
    if (!t)
        return false;
    if (t[i] == '-') {
        neg = true;
        i++;
    }
    if (!t[i] || strlen(t + i) > 6)
        return false;
    for (; t[i]; i++) {
        if (t[i] < '0' || t[i] > '9')
            return false;
        val = val * 10 + (t[i] - '0');
    }
    if (neg)
        val = -val;
    if (val < min || val > max)
        return false;
    if (out)
        *out = (int)val;
    return true;
}

static void found_add(json_object *found, const char *path, const char *msg)
{
    json_object_object_add(found, path, json_object_new_string(msg));
}

/* ---- step 10: rules beyond the schema ---------------------------------------------------------- */

static void leg_rules(json_object *leg, const char *path, const char *asset, json_object *found)
{
    char p[160];
    json_object *share = json_get(leg, "share");
    json_object *amount = json_get(leg, "amount");
    json_object *rate = json_get(leg, "rate");

    if (!json_object_is_type(leg, json_type_object))
        return;
    if (json_object_is_type(share, json_type_object)) {
        json_object *pct = json_get(share, "percentage");
        json_object *pp = json_get(share, "percentageOfPercentage");
        if (pct && !int_in_range(pct, 1, 100, NULL)) {
            snprintf(p, sizeof(p), "%s.share.percentage", path);
            found_add(found, p, "must be an integer between 1 and 100");
        }
        if (pp && !int_in_range(pp, 0, 100, NULL)) {
            snprintf(p, sizeof(p), "%s.share.percentageOfPercentage", path);
            found_add(found, p, "must be an integer between 0 and 100");
        }
    }
    if (json_object_is_type(amount, json_type_object)) {
        const char *a = json_get_text(amount, "asset");
        if (a && asset && strcmp(a, asset) != 0) {
            snprintf(p, sizeof(p), "%s.amount.asset", path);
            found_add(found, p, "must equal send.asset");
        }
    }
    if (json_object_is_type(rate, json_type_object)) {
        decimal rv;
        if (money_value(json_get(rate, "value"), &rv) == 0 && decimal_sign(&rv) <= 0) {
            snprintf(p, sizeof(p), "%s.rate.value", path);
            found_add(found, p, "must be greater than 0");
        }
    }
}

static void side_rules(json_object *arr, const char *base, const char *asset, json_object *found)
{
    char path[96];
    if (!json_object_is_type(arr, json_type_array))
        return;
    size_t n = json_object_array_length(arr);
    for (size_t i = 0; i < n; i++) {
        snprintf(path, sizeof(path), "%s[%zu]", base, i);
        leg_rules(json_object_array_get_idx(arr, i), path, asset, found);
    }
}

static void step10_rules(json_object *body, json_object *found, void *arg)
{
    json_object *send = json_get(body, "send");
    const char *asset = json_get_text(send, "asset");
    const char *date = json_get_text(body, "transactionDate");
    int64_t us = 0;

    (void)arg;
    side_rules(json_get(json_get(send, "source"), "from"), "send.source.from", asset, found);
    side_rules(json_get(json_get(send, "distribute"), "to"), "send.distribute.to", asset, found);
    if (date && time_parse_transaction_date(date, &us) < 0)
        found_add(found, "transactionDate", "must be RFC 3339, YYYY-MM-DDTHH:MM:SS[.f][Z] or YYYY-MM-DD");
}

int txn_plan_validate(txn_endpoint ep, json_object *body, const json_parse_info *info, api_error *e)
{
    return json_validate_ex(txn_plan_schema(ep), body, JSON_MODE_CREATE, info, step10_rules, NULL, e);
}

int txn_plan_decode(txn_endpoint ep, const char *text, size_t len, json_object **out, api_error *e)
{
    return json_decode_body_ex(text, len, txn_plan_schema(ep), JSON_MODE_CREATE, step10_rules, NULL, out, e);
}

/* ---- resolution (4) ------------------------------------------------------------------------------ */

/* Share legs of one side: amount = v x pct x pp / 10000. Marks each leg needing more than 18
 * fractional digits in bad[] (may be NULL) and returns how many there were. */
static size_t resolve_shares(const decimal *v, txn_leg *legs, size_t n, bool *bad)
{
    size_t nbad = 0;
    for (size_t i = 0; i < n; i++) {
        if (legs[i].kind != LEG_KIND_SHARE)
            continue;
        decimal_status st =
            decimal_share(v, legs[i].percentage, legs[i].percentage_of_percentage, &legs[i].amount);
        if (st != DECIMAL_OK) {
            /* percentages <= 100 never exceed v, so only precision can fail */
            if (bad)
                bad[i] = true;
            nbad++;
        }
    }
    return nbad;
}

/* The remaining leg (if any) = v - sum of the others; false when it resolves to <= 0. */
static bool resolve_remaining(const decimal *v, txn_leg *legs, size_t n)
{
    decimal sum;
    decimal_zero(&sum);
    size_t rem = n;
    for (size_t i = 0; i < n; i++) {
        if (legs[i].kind == LEG_KIND_REMAINING) {
            rem = i;
            continue;
        }
        (void)decimal_add(&sum, &legs[i].amount, &sum); /* exact in 256 bits whatever the limits */
    }
    if (rem == n)
        return true;
    (void)decimal_sub(v, &sum, &legs[rem].amount);
    return decimal_sign(&legs[rem].amount) > 0;
}

static bool side_sums_to(const decimal *v, const txn_leg *legs, size_t n)
{
    decimal sum;
    decimal_zero(&sum);
    for (size_t i = 0; i < n; i++)
        (void)decimal_add(&sum, &legs[i].amount, &sum);
    return decimal_cmp(&sum, v) == 0;
}

err_id txn_plan_resolve_side(const decimal *v, txn_leg *legs, size_t n, size_t *bad)
{
    for (size_t i = 0; i < n; i++) {
        if (legs[i].kind != LEG_KIND_SHARE)
            continue;
        if (decimal_share(v, legs[i].percentage, legs[i].percentage_of_percentage, &legs[i].amount) !=
            DECIMAL_OK) {
            if (bad)
                *bad = i;
            return ERR_BAD_REQUEST;
        }
    }
    if (!resolve_remaining(v, legs, n))
        return ERR_TRANSACTION_VALUE_MISMATCH;
    if (!side_sums_to(v, legs, n))
        return ERR_TRANSACTION_VALUE_MISMATCH;
    return ERR_NONE;
}

/* ---- build (steps 11-16) ------------------------------------------------------------------------- */

static char *lower_key(arena *a, const char *key)
{
    char *k = arena_strdup(a, key ? key : TXN_DEFAULT_KEY);
    for (char *p = k; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return k;
}

/* One leg object into *leg (shape not checked yet); returns the number of kinds present. */
static int leg_from_json(arena *a, json_object *o, bool source, const char *path, txn_leg *leg)
{
    json_object *share = json_get(o, "share");
    json_object *amount = json_get(o, "amount");
    json_object *meta = NULL;
    int kinds = 0;

    memset(leg, 0, sizeof(*leg));
    leg->source = source;
    leg->alias = json_get_text(o, "accountAlias");
    leg->key = lower_key(a, json_get_text(o, "balanceKey"));
    leg->description = json_get_text(o, "description");
    leg->chart_of_accounts = json_get_text(o, "chartOfAccounts");
    if (!leg->chart_of_accounts)
        leg->chart_of_accounts = "";
    meta = json_metadata_for_create(json_get(o, "metadata"));
    leg->metadata = arena_strdup(a, json_dump(meta));
    json_object_put(meta);
    leg->path = arena_strdup(a, path);
    if (amount) {
        kinds++;
        leg->kind = LEG_KIND_AMOUNT;
        if (money_value(json_get(amount, "value"), &leg->amount) < 0)
            decimal_zero(&leg->amount);
    }
    if (share) {
        kinds++;
        leg->kind = LEG_KIND_SHARE;
        (void)int_in_range(json_get(share, "percentage"), 1, 100, &leg->percentage);
        (void)int_in_range(json_get(share, "percentageOfPercentage"), 0, 100, &leg->percentage_of_percentage);
    }
    if (json_get_text(o, "remaining")) {
        kinds++;
        leg->kind = LEG_KIND_REMAINING;
    }
    return kinds;
}

static void implicit_leg(arena *a, const txn_plan *p, bool source, txn_leg *leg)
{
    memset(leg, 0, sizeof(*leg));
    leg->source = source;
    leg->implicit = true;
    leg->alias = txn_external_alias(a, p->asset);
    leg->key = TXN_DEFAULT_KEY;
    leg->kind = LEG_KIND_AMOUNT;
    leg->amount = p->value;
    leg->chart_of_accounts = "";
    leg->metadata = "{}";
    leg->path = "";
}

/* Step 11 for one side: exactly one kind per leg, at most one remaining and it is last. */
static bool side_shape_ok(const txn_leg *legs, size_t n, const int *kinds)
{
    size_t remaining = 0;
    for (size_t i = 0; i < n; i++) {
        if (kinds[i] != 1)
            return false;
        if (legs[i].kind == LEG_KIND_REMAINING) {
            remaining++;
            if (i != n - 1)
                return false;
        }
    }
    return remaining <= 1;
}

int txn_plan_build(txn_endpoint ep, json_object *body, int64_t now_us, arena *a, txn_plan *out, api_error *e)
{
    json_object *send = json_get(body, "send");
    json_object *from = json_get(json_get(send, "source"), "from");
    json_object *to = json_get(json_get(send, "distribute"), "to");
    size_t nf = json_object_is_type(from, json_type_array) ? json_object_array_length(from) : 0;
    size_t nt = json_object_is_type(to, json_type_array) ? json_object_array_length(to) : 0;
    size_t n = 0;
    int *kinds = NULL;
    bool *bad = NULL;
    json_object *meta = NULL;
    char path[96];
    int rc = -1;

    memset(out, 0, sizeof(*out));
    out->ep = ep;
    out->asset = json_get_text(send, "asset");
    if (money_value(json_get(send, "value"), &out->value) < 0)
        decimal_zero(&out->value);
    json_object *pending = json_get(body, "pending");
    out->pending = pending && json_object_get_boolean(pending);
    out->description = json_get_text(body, "description");
    if (!out->description)
        out->description = "";
    out->coa_group = json_get_text(body, "chartOfAccountsGroupName");
    if (!out->coa_group)
        out->coa_group = "";
    meta = json_metadata_for_create(json_get(body, "metadata"));
    out->metadata = arena_strdup(a, json_dump(meta));
    json_object_put(meta);
    const char *date = json_get_text(body, "transactionDate");
    if (date && time_parse_transaction_date(date, &out->date_us) == 0)
        out->has_date = true;

    /* legs: the implicit @external leg exists from step 11 on (3.2, 3.3) */
    size_t n_src = nf + (ep == TXN_EP_INFLOW ? 1 : 0);
    size_t n_dst = nt + (ep == TXN_EP_OUTFLOW ? 1 : 0);
    n = n_src + n_dst;
    out->legs = arena_alloc(a, (n ? n : 1) * sizeof(txn_leg));
    kinds = arena_alloc(a, (n ? n : 1) * sizeof(int));
    bad = arena_alloc(a, (n ? n : 1) * sizeof(bool));
    out->n_legs = n;
    out->n_sources = n_src;
    size_t k = 0;
    if (ep == TXN_EP_INFLOW) {
        implicit_leg(a, out, true, &out->legs[k]);
        kinds[k++] = 1;
    }
    for (size_t i = 0; i < nf; i++, k++) {
        snprintf(path, sizeof(path), "send.source.from[%zu]", i);
        kinds[k] = leg_from_json(a, json_object_array_get_idx(from, i), true, path, &out->legs[k]);
    }
    for (size_t i = 0; i < nt; i++, k++) {
        snprintf(path, sizeof(path), "send.distribute.to[%zu]", i);
        kinds[k] = leg_from_json(a, json_object_array_get_idx(to, i), false, path, &out->legs[k]);
    }
    if (ep == TXN_EP_OUTFLOW) {
        implicit_leg(a, out, false, &out->legs[k]);
        kinds[k++] = 1;
    }
    txn_leg *src = out->legs;
    txn_leg *dst = out->legs + n_src;

    /* 11. shape and placement */
    if (!side_shape_ok(src, n_src, kinds) || !side_shape_ok(dst, n_dst, kinds + n_src)) {
        api_error_set(e, ERR_INVALID_TRANSACTION_TYPE,
                      "each leg needs exactly one of amount, share or remaining, and at most one "
                      "remaining leg per side, placed last");
        goto cleanup;
    }
    /* 12. transactionDate with pending, then a future date */
    if (out->has_date && out->pending) {
        api_error_set(e, ERR_INVALID_FIELD_FOR_PENDING, "transactionDate cannot be used with pending");
        goto cleanup;
    }
    if (out->has_date && out->date_us > now_us) {
        api_error_set(e, ERR_INVALID_FUTURE_DATE, "transactionDate is later than the current time");
        goto cleanup;
    }
    /* 13. send.value > 0, then every amount.value > 0 */
    if (decimal_sign(&out->value) <= 0) {
        api_error_set(e, ERR_INVALID_TRANSACTION_VALUE, "send.value must be greater than 0");
        goto cleanup;
    }
    for (size_t i = 0; i < n; i++) {
        if (out->legs[i].kind == LEG_KIND_AMOUNT && decimal_sign(&out->legs[i].amount) <= 0) {
            api_error_set(e, ERR_INVALID_TRANSACTION_VALUE, "%s.amount.value must be greater than 0",
                          out->legs[i].path);
            goto cleanup;
        }
    }
    /* 14. one alias + key on both sides */
    for (size_t i = 0; i < n_src; i++) {
        for (size_t j = 0; j < n_dst; j++) {
            if (strcmp(src[i].alias, dst[j].alias) == 0 && strcmp(src[i].key, dst[j].key) == 0) {
                api_error_set(e, ERR_TRANSACTION_AMBIGUOUS_ACCOUNT,
                              "%s with balance key %s appears among both sources and destinations",
                              src[i].alias, src[i].key);
                goto cleanup;
            }
        }
    }
    /* 15. shares (0047 naming every leg's share), then remaining legs (0073) */
    size_t nbad = resolve_shares(&out->value, src, n_src, bad);
    nbad += resolve_shares(&out->value, dst, n_dst, bad + n_src);
    if (nbad > 0) {
        api_error_set(e, ERR_BAD_REQUEST, "a share resolves to more than 18 fractional digits");
        for (size_t i = 0; i < n; i++)
            if (bad[i])
                api_error_field(e, arena_printf(a, "%s.share", out->legs[i].path),
                                "must resolve to at most 18 fractional digits");
        goto cleanup;
    }
    if (!resolve_remaining(&out->value, src, n_src) || !resolve_remaining(&out->value, dst, n_dst)) {
        api_error_set(e, ERR_TRANSACTION_VALUE_MISMATCH, "a remaining leg resolves to zero or less");
        goto cleanup;
    }
    /* 16. each side sums to send.value exactly */
    if (!side_sums_to(&out->value, src, n_src) || !side_sums_to(&out->value, dst, n_dst)) {
        api_error_set(e, ERR_TRANSACTION_VALUE_MISMATCH,
                      "the resolved source and destination totals must equal send.value");
        goto cleanup;
    }
    rc = 0;
cleanup:
    return rc;
}

/* ---- reversal (7.3) --------------------------------------------------------------------------------- */

void txn_plan_reversal(arena *a, const txn_row *t, txn_plan *out)
{
    memset(out, 0, sizeof(*out));
    out->ep = TXN_EP_JSON;
    out->asset = t->asset_code;
    out->value = t->amount;
    out->description = t->description ? t->description : "";
    out->coa_group = t->coa_group ? t->coa_group : "";
    out->metadata = t->metadata ? t->metadata : "{}";
    out->legs = arena_alloc(a, (t->n_ops ? t->n_ops : 1) * sizeof(txn_leg));
    for (int pass = 0; pass < 2; pass++) {
        op_type want = pass == 0 ? OP_TYPE_CREDIT : OP_TYPE_DEBIT;
        for (size_t i = 0; i < t->n_ops; i++) {
            const op_row *op = &t->ops[i];
            if (op->type != want)
                continue;
            txn_leg *l = &out->legs[out->n_legs++];
            l->source = pass == 0;
            l->alias = op->account_alias;
            l->key = op->balance_key;
            l->kind = LEG_KIND_AMOUNT;
            l->amount = op->amount;
            l->description = op->description ? op->description : "";
            l->chart_of_accounts = op->chart_of_accounts ? op->chart_of_accounts : "";
            l->metadata = op->metadata ? op->metadata : "{}";
            l->path = "";
        }
        if (pass == 0)
            out->n_sources = out->n_legs;
    }
}
