/* Unit tests of the transaction input model and amount resolution (transactions.md 3, 4, 5.1 steps
 * 5-16): the worked examples E1-E9, every body-only error code with its step precedence and `fields`,
 * implicit @external legs of inflow/outflow, and transactionDate handling. Pure: no servers.
 * The unit-test target does not compile service sources, so the pure file is included here. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "../../services/transaction/txn_plan.c"

#define NOW_US INT64_C(1767225600000000) /* 2026-01-01T00:00:00Z */

static const char *code_of(const api_error *e)
{
    const err_def *d = err_get(e->id);
    return d ? d->code : "none";
}

/* Decode + build; returns the error code ("" on success). Keeps the plan for inspection. */
typedef struct run {
    arena *a;
    json_object *body;
    txn_plan plan;
    api_error e;
    char code[8];
} run;

static void run_body(run *r, txn_endpoint ep, const char *text)
{
    memset(r, 0, sizeof(*r));
    r->a = arena_new();
    if (txn_plan_decode(ep, text, strlen(text), &r->body, &r->e) < 0 ||
        txn_plan_build(ep, r->body, NOW_US, r->a, &r->plan, &r->e) < 0) {
        snprintf(r->code, sizeof(r->code), "%s", code_of(&r->e));
        return;
    }
    r->code[0] = '\0';
}

static void run_free(run *r)
{
    json_object_put(r->body);
    api_error_clear(&r->e);
    arena_free(r->a);
}

static const char *amount_text(const txn_leg *l, char buf[DECIMAL_STR_MAX])
{
    decimal_format(&l->amount, buf, DECIMAL_STR_MAX);
    return buf;
}

static bool has_field(const api_error *e, const char *path)
{
    return e->fields && json_object_object_get_ex(e->fields, path, NULL);
}

/* ---- worked examples of section 4 ----------------------------------------------------------------- */

typedef struct example {
    const char *name;
    const char *body;
    const char *code;       /* "" = accepted */
    const char *amounts[8]; /* resolved amounts of every leg, sources first; NULL-terminated */
} example;

#define SRC1(v)                                                                                              \
    "\"source\":{\"from\":[{\"accountAlias\":\"@src\",\"amount\":{\"asset\":\"USD\",\"value\":\"" v "\"}}]}"
#define DST1(v)                                                                                              \
    "\"distribute\":{\"to\":[{\"accountAlias\":\"@dst\",\"amount\":{\"asset\":\"USD\",\"value\":\"" v "\"}}" \
    "]}"

static const example examples[] = {
    {"E1",
     "{\"send\":{\"asset\":\"USD\",\"value\":\"100\"," SRC1(
         "100") ",\"distribute\":{\"to\":["
                "{\"accountAlias\":\"@bob\",\"share\":{\"percentage\":50}},"
                "{\"accountAlias\":\"@carol\",\"share\":{\"percentage\":50,\"percentageOfPercentage\":50}},"
                "{\"accountAlias\":\"@dave\",\"balanceKey\":\"savings\",\"remaining\":\"remaining\"}]}}}",
     "",
     {"100", "50", "25", "25", NULL}},
    {"E2",
     "{\"send\":{\"asset\":\"USD\",\"value\":\"0.10\"," SRC1(
         "0.10") ",\"distribute\":{\"to\":["
                 "{\"accountAlias\":\"@a\",\"share\":{\"percentage\":33}},"
                 "{\"accountAlias\":\"@b\",\"share\":{\"percentage\":33}},"
                 "{\"accountAlias\":\"@c\",\"remaining\":\"remaining\"}]}}}",
     "",
     {"0.1", "0.033", "0.033", "0.034", NULL}},
    {"E3",
     "{\"send\":{\"asset\":\"USD\",\"value\":200,\"source\":{\"from\":["
     "{\"accountAlias\":\"@x\",\"share\":{\"percentage\":50}},"
     "{\"accountAlias\":\"@y\",\"share\":{\"percentage\":50}}]},\"distribute\":{\"to\":["
     "{\"accountAlias\":\"@z\",\"share\":{\"percentage\":25,\"percentageOfPercentage\":40}},"
     "{\"accountAlias\":\"@w\",\"remaining\":\"remaining\"}]}}}",
     "",
     {"100", "100", "20", "180", NULL}},
    {"E4",
     "{\"send\":{\"asset\":\"USD\",\"value\":\"100\"," SRC1(
         "100") ",\"distribute\":{\"to\":["
                "{\"accountAlias\":\"@a\",\"share\":{\"percentage\":60}},"
                "{\"accountAlias\":\"@b\",\"share\":{\"percentage\":60}}]}}}",
     "0073",
     {NULL}},
    {"E5",
     "{\"send\":{\"asset\":\"USD\",\"value\":\"100\"," SRC1(
         "100") ",\"distribute\":{\"to\":["
                "{\"accountAlias\":\"@a\",\"remaining\":\"remaining\"},"
                "{\"accountAlias\":\"@b\",\"share\":{\"percentage\":10}}]}}}",
     "0072",
     {NULL}},
    {"E6",
     "{\"send\":{\"asset\":\"USD\",\"value\":\"100\"," SRC1(
         "100") ",\"distribute\":{\"to\":["
                "{\"accountAlias\":\"@a\",\"amount\":{\"asset\":\"USD\",\"value\":\"100\"}},"
                "{\"accountAlias\":\"@b\",\"remaining\":\"remaining\"}]}}}",
     "0073",
     {NULL}},
    {"E7",
     "{\"send\":{\"asset\":\"USD\",\"value\":\"0.000000000000000003\"," SRC1(
         "0.000000000000000003") ",\"distribute\":{\"to\":["
                                 "{\"accountAlias\":\"@a\",\"share\":{\"percentage\":50}},"
                                 "{\"accountAlias\":\"@b\",\"remaining\":\"remaining\"}]}}}",
     "0047",
     {NULL}},
    {"E8",
     "{\"send\":{\"asset\":\"USD\",\"value\":\"100\",\"source\":{\"from\":[{\"accountAlias\":\"@a\","
     "\"amount\":{\"asset\":\"USD\",\"value\":\"0\"}}]}," DST1("100") "}}",
     "0125",
     {NULL}},
    {"E9",
     "{\"send\":{\"asset\":\"USD\",\"value\":\"10\"," SRC1(
         "10") ",\"distribute\":{\"to\":["
               "{\"accountAlias\":\"@a\",\"share\":{\"percentage\":100,\"percentageOfPercentage\":0}}]}}}",
     "",
     {"10", "10", NULL}},
};

Test(txn_plan, worked_examples)
{
    for (size_t i = 0; i < ARRAY_LEN(examples); i++) {
        const example *x = &examples[i];
        run r;
        run_body(&r, TXN_EP_JSON, x->body);
        cr_expect_str_eq(r.code, x->code, "%s: want \"%s\", got \"%s\" (%s)", x->name, x->code, r.code,
                         r.e.message);
        if (x->code[0] == '\0' && r.code[0] == '\0') {
            size_t n = 0;
            while (x->amounts[n])
                n++;
            cr_expect_eq(r.plan.n_legs, n, "%s: %zu legs", x->name, r.plan.n_legs);
            for (size_t k = 0; k < n && k < r.plan.n_legs; k++) {
                char buf[DECIMAL_STR_MAX];
                cr_expect_str_eq(amount_text(&r.plan.legs[k], buf), x->amounts[k], "%s leg %zu", x->name, k);
            }
        }
        run_free(&r);
    }
}

Test(txn_plan, e7_fields_name_the_share)
{
    run r;
    run_body(&r, TXN_EP_JSON, examples[6].body);
    cr_assert_str_eq(r.code, "0047");
    cr_expect(has_field(&r.e, "send.distribute.to[0].share"), "fields: %s",
              r.e.fields ? json_dump(r.e.fields) : "none");
    run_free(&r);
}

Test(txn_plan, resolve_side_directly)
{
    txn_leg legs[3];
    decimal v;
    size_t bad = 99;
    memset(legs, 0, sizeof(legs));
    cr_assert_eq(decimal_parse("0.10", 4, &v), DECIMAL_OK);
    legs[0].kind = LEG_KIND_SHARE;
    legs[0].percentage = 33;
    legs[1].kind = LEG_KIND_SHARE;
    legs[1].percentage = 33;
    legs[2].kind = LEG_KIND_REMAINING;
    cr_assert_eq(txn_plan_resolve_side(&v, legs, 3, &bad), ERR_NONE);
    char buf[DECIMAL_STR_MAX];
    cr_expect_str_eq(amount_text(&legs[2], buf), "0.034");

    cr_assert_eq(decimal_parse("0.000000000000000003", 20, &v), DECIMAL_OK);
    legs[0].percentage = 50;
    legs[1].kind = LEG_KIND_REMAINING;
    cr_expect_eq(txn_plan_resolve_side(&v, legs, 2, &bad), ERR_BAD_REQUEST);
    cr_expect_eq(bad, 0);
}

/* ---- validation order and codes ------------------------------------------------------------------ */

typedef struct vcase {
    const char *name;
    txn_endpoint ep;
    const char *body;
    const char *code;
    const char *field; /* a path that must appear in fields, or NULL */
} vcase;

#define OKSEND "\"send\":{\"asset\":\"USD\",\"value\":\"10\"," SRC1("10") "," DST1("10") "}"

static const vcase vcases[] = {
    {"accepted", TXN_EP_JSON, "{" OKSEND "}", "", NULL},
    {"not an object", TXN_EP_JSON, "[1]", "0094", NULL},
    {"syntax", TXN_EP_JSON, "{\"send\":", "0094", NULL},
    {"duplicate key", TXN_EP_JSON, "{\"description\":\"a\",\"description\":\"b\"," OKSEND "}", "0094", NULL},
    {"money bool", TXN_EP_JSON, "{\"send\":{\"asset\":\"USD\",\"value\":true," SRC1("10") "," DST1("10") "}}",
     "0094", NULL},
    {"money grammar +1", TXN_EP_JSON,
     "{\"send\":{\"asset\":\"USD\",\"value\":\"+1\"," SRC1("10") "," DST1("10") "}}", "0094", NULL},
    {"money grammar .5", TXN_EP_JSON,
     "{\"send\":{\"asset\":\"USD\",\"value\":\".5\"," SRC1("10") "," DST1("10") "}}", "0094", NULL},
    {"money grammar 01", TXN_EP_JSON,
     "{\"send\":{\"asset\":\"USD\",\"value\":\"01\"," SRC1("10") "," DST1("10") "}}", "0094", NULL},
    {"money NaN", TXN_EP_JSON,
     "{\"send\":{\"asset\":\"USD\",\"value\":\"NaN\"," SRC1("10") "," DST1("10") "}}", "0094", NULL},
    {"percentage not integer", TXN_EP_JSON,
     "{\"send\":{\"asset\":\"USD\",\"value\":\"10\"," SRC1(
         "10") ",\"distribute\":{\"to\":[{\"accountAlias\":"
               "\"@a\",\"share\":{\"percentage\":50.5}}]}}}",
     "0094", NULL},
    {"nesting", TXN_EP_JSON, "{\"metadata\":{\"a\":[[[[[[[[[[1]]]]]]]]]]}," OKSEND "}", "0144", NULL},
    {"unknown route field", TXN_EP_JSON, "{\"route\":\"x\"," OKSEND "}", "0053", "route"},
    {"unknown leg field", TXN_EP_JSON,
     "{\"send\":{\"asset\":\"USD\",\"value\":\"10\",\"source\":{\"from\":[{\"accountAlias\":\"@s\",\"skip\":"
     "true,"
     "\"amount\":{\"asset\":\"USD\",\"value\":\"10\"}}]}," DST1("10") "}}",
     "0053", "send.source.from[0].skip"},
    {"inflow pending", TXN_EP_INFLOW,
     "{\"pending\":false,\"send\":{\"asset\":\"USD\",\"value\":\"10\"," DST1("10") "}}", "0053", "pending"},
    {"inflow source", TXN_EP_INFLOW,
     "{\"send\":{\"asset\":\"USD\",\"value\":\"10\"," SRC1("10") "," DST1("10") "}}", "0053", "send.source"},
    {"outflow distribute", TXN_EP_OUTFLOW,
     "{\"send\":{\"asset\":\"USD\",\"value\":\"10\"," SRC1("10") "," DST1("10") "}}", "0053",
     "send.distribute"},
    {"nul in string", TXN_EP_JSON, "{\"description\":\"a\\u0000b\"," OKSEND "}", "0047", "description"},
    {"missing send", TXN_EP_JSON, "{}", "0009", "send"},
    {"missing from", TXN_EP_JSON,
     "{\"send\":{\"asset\":\"USD\",\"value\":\"10\",\"source\":{}," DST1("10") "}}", "0009",
     "send.source.from"},
    {"null value", TXN_EP_JSON, "{\"send\":{\"asset\":\"USD\",\"value\":null," SRC1("10") "," DST1("10") "}}",
     "0009", "send.value"},
    {"empty value", TXN_EP_JSON,
     "{\"send\":{\"asset\":\"USD\",\"value\":\"\"," SRC1("10") "," DST1("10") "}}", "0009", "send.value"},
    {"metadata nested", TXN_EP_JSON, "{\"metadata\":{\"a\":{}}," OKSEND "}", "0067", "metadata.a"},
    {"empty from", TXN_EP_JSON,
     "{\"send\":{\"asset\":\"USD\",\"value\":\"10\",\"source\":{\"from\":[]}," DST1("10") "}}", "0047",
     "send.source.from"},
    {"39 digits", TXN_EP_JSON,
     "{\"send\":{\"asset\":\"USD\",\"value\":\"123456789012345678901234567890123456789\"," SRC1(
         "10") "," DST1("10") "}}",
     "0047", "send.value"},
    {"19 fractional digits", TXN_EP_JSON,
     "{\"send\":{\"asset\":\"USD\",\"value\":\"0.0000000000000000001\"," SRC1("10") "," DST1("10") "}}",
     "0047", "send.value"},
    {"huge exponent", TXN_EP_JSON,
     "{\"send\":{\"asset\":\"USD\",\"value\":1e999999999," SRC1("10") "," DST1("10") "}}", "0047",
     "send.value"},
    {"amount asset differs", TXN_EP_JSON,
     "{\"send\":{\"asset\":\"USD\",\"value\":\"10\",\"source\":{\"from\":[{\"accountAlias\":\"@s\","
     "\"amount\":{\"asset\":\"EUR\",\"value\":\"10\"}}]}," DST1("10") "}}",
     "0047", "send.source.from[0].amount.asset"},
    {"percentage 0", TXN_EP_JSON,
     "{\"send\":{\"asset\":\"USD\",\"value\":\"10\"," SRC1("10") ",\"distribute\":{\"to\":[{\"accountAlias\":"
                                                                 "\"@a\",\"share\":{\"percentage\":0}}]}}}",
     "0047", "send.distribute.to[0].share.percentage"},
    {"pp 101", TXN_EP_JSON,
     "{\"send\":{\"asset\":\"USD\",\"value\":\"10\"," SRC1(
         "10") ",\"distribute\":{\"to\":[{\"accountAlias\":"
               "\"@a\",\"share\":{\"percentage\":10,\"percentageOfPercentage\":101}}]}}}",
     "0047", "send.distribute.to[0].share.percentageOfPercentage"},
    {"balance key with space", TXN_EP_JSON,
     "{\"send\":{\"asset\":\"USD\",\"value\":\"10\",\"source\":{\"from\":[{\"accountAlias\":\"@s\","
     "\"balanceKey\":\"a b\",\"amount\":{\"asset\":\"USD\",\"value\":\"10\"}}]}," DST1("10") "}}",
     "0047", "send.source.from[0].balanceKey"},
    {"bad transactionDate", TXN_EP_JSON, "{\"transactionDate\":\"yesterday\"," OKSEND "}", "0047",
     "transactionDate"},
    {"rate value zero", TXN_EP_JSON,
     "{\"send\":{\"asset\":\"USD\",\"value\":\"10\",\"source\":{\"from\":[{\"accountAlias\":\"@s\","
     "\"rate\":{\"from\":\"USD\",\"to\":\"USD\",\"value\":\"0\",\"externalId\":"
     "\"0190a1b2-0000-7000-8000-000000000001\"},\"amount\":{\"asset\":\"USD\",\"value\":\"10\"}}]}," DST1(
         "10") "}}",
     "0047", "send.source.from[0].rate.value"},
    {"rate missing id", TXN_EP_JSON,
     "{\"send\":{\"asset\":\"USD\",\"value\":\"10\",\"source\":{\"from\":[{\"accountAlias\":\"@s\","
     "\"rate\":{\"from\":\"USD\",\"to\":\"USD\",\"value\":\"1\"},\"amount\":{\"asset\":\"USD\",\"value\":"
     "\"10\"}}]}," DST1("10") "}}",
     "0009", "send.source.from[0].rate.externalId"},
    {"two kinds", TXN_EP_JSON,
     "{\"send\":{\"asset\":\"USD\",\"value\":\"10\"," SRC1(
         "10") ",\"distribute\":{\"to\":[{\"accountAlias\":"
               "\"@a\",\"remaining\":\"r\",\"amount\":{\"asset\":\"USD\",\"value\":\"10\"}}]}}}",
     "0072", NULL},
    {"no kind", TXN_EP_JSON,
     "{\"send\":{\"asset\":\"USD\",\"value\":\"10\"," SRC1("10") ",\"distribute\":{\"to\":[{\"accountAlias\":"
                                                                 "\"@a\",\"remaining\":\"\"}]}}}",
     "0072", NULL},
    {"two remaining", TXN_EP_JSON,
     "{\"send\":{\"asset\":\"USD\",\"value\":\"10\"," SRC1(
         "10") ",\"distribute\":{\"to\":[{\"accountAlias\":"
               "\"@a\",\"remaining\":\"r\"},{\"accountAlias\":\"@b\",\"remaining\":\"r\"}]}}}",
     "0072", NULL},
    {"pending with date", TXN_EP_JSON, "{\"pending\":true,\"transactionDate\":\"2025-01-01\"," OKSEND "}",
     "0122", NULL},
    {"future date", TXN_EP_JSON, "{\"transactionDate\":\"2030-01-01T00:00:00Z\"," OKSEND "}", "0121", NULL},
    {"past date ok", TXN_EP_JSON, "{\"transactionDate\":\"2025-06-01T10:00:00.123456789+02:00\"," OKSEND "}",
     "", NULL},
    {"value zero", TXN_EP_JSON,
     "{\"send\":{\"asset\":\"USD\",\"value\":\"0\"," SRC1("10") "," DST1("10") "}}", "0125", NULL},
    {"value negative", TXN_EP_JSON,
     "{\"send\":{\"asset\":\"USD\",\"value\":\"-5\"," SRC1("10") "," DST1("10") "}}", "0125", NULL},
    {"0072 beats 0125", TXN_EP_JSON,
     "{\"send\":{\"asset\":\"USD\",\"value\":\"0\"," SRC1("10") ",\"distribute\":{\"to\":[{\"accountAlias\":"
                                                                "\"@a\"}]}}}",
     "0072", NULL},
    {"ambiguous", TXN_EP_JSON,
     "{\"send\":{\"asset\":\"USD\",\"value\":\"10\",\"source\":{\"from\":[{\"accountAlias\":\"@s\","
     "\"balanceKey\":\"Main\",\"amount\":{\"asset\":\"USD\",\"value\":\"10\"}}]},\"distribute\":{\"to\":[{"
     "\"accountAlias\":\"@s\",\"balanceKey\":\"main\",\"amount\":{\"asset\":\"USD\",\"value\":\"10\"}}]}}}",
     "0090", NULL},
    {"different keys are fine", TXN_EP_JSON,
     "{\"send\":{\"asset\":\"USD\",\"value\":\"10\",\"source\":{\"from\":[{\"accountAlias\":\"@s\","
     "\"amount\":{\"asset\":\"USD\",\"value\":\"10\"}}]},\"distribute\":{\"to\":[{"
     "\"accountAlias\":\"@s\",\"balanceKey\":\"savings\",\"amount\":{\"asset\":\"USD\",\"value\":\"10\"}}]}}"
     "}",
     "", NULL},
    {"inflow to external is ambiguous", TXN_EP_INFLOW,
     "{\"send\":{\"asset\":\"USD\",\"value\":\"10\",\"distribute\":{\"to\":[{\"accountAlias\":\"@external/"
     "USD\","
     "\"amount\":{\"asset\":\"USD\",\"value\":\"10\"}}]}}}",
     "0090", NULL},
    {"sum mismatch", TXN_EP_JSON,
     "{\"send\":{\"asset\":\"USD\",\"value\":\"10\"," SRC1("10") "," DST1("9.99") "}}", "0073", NULL},
    {"0.1 + 0.2 = 0.3", TXN_EP_JSON,
     "{\"send\":{\"asset\":\"USD\",\"value\":\"0.3\"," SRC1(
         "0.3") ",\"distribute\":{\"to\":["
                "{\"accountAlias\":\"@a\",\"amount\":{\"asset\":\"USD\",\"value\":0.1}},"
                "{\"accountAlias\":\"@b\",\"amount\":{\"asset\":\"USD\",\"value\":\"0.2\"}}]}}}",
     "", NULL},
};

Test(txn_plan, validation_table)
{
    for (size_t i = 0; i < ARRAY_LEN(vcases); i++) {
        const vcase *c = &vcases[i];
        run r;
        run_body(&r, c->ep, c->body);
        cr_expect_str_eq(r.code, c->code, "%s: want \"%s\", got \"%s\" (%s; fields %s)", c->name, c->code,
                         r.code, r.e.message, r.e.fields ? json_dump(r.e.fields) : "none");
        if (c->field)
            cr_expect(has_field(&r.e, c->field), "%s: fields lack %s: %s", c->name, c->field,
                      r.e.fields ? json_dump(r.e.fields) : "none");
        run_free(&r);
    }
}

Test(txn_plan, all_offending_paths_are_listed)
{
    char *desc = xmalloc(258);
    memset(desc, 'x', 257);
    desc[257] = '\0';
    char *body = xasprintf(
        "{\"description\":\"%s\","
        "\"send\":{\"asset\":\"USD\",\"value\":\"10\",\"source\":{\"from\":[{\"accountAlias\":\"@s\","
        "\"amount\":{\"asset\":\"EUR\",\"value\":\"10\"}}]},\"distribute\":{\"to\":[{\"accountAlias\":\"@d\","
        "\"share\":{\"percentage\":500}}]}}}",
        desc);
    run r;
    run_body(&r, TXN_EP_JSON, body);
    cr_assert_str_eq(r.code, "0047", "%s", r.e.message);
    cr_expect(has_field(&r.e, "description"));
    cr_expect(has_field(&r.e, "send.source.from[0].amount.asset"));
    cr_expect(has_field(&r.e, "send.distribute.to[0].share.percentage"));
    run_free(&r);
    free(body);
    free(desc);
}

Test(txn_plan, inflow_prepends_external_source)
{
    run r;
    run_body(&r, TXN_EP_INFLOW,
             "{\"send\":{\"asset\":\"BRL\",\"value\":\"75.50\",\"distribute\":{\"to\":[{\"accountAlias\":"
             "\"@dst\",\"amount\":{\"asset\":\"BRL\",\"value\":\"75.5\"}}]}}}");
    cr_assert_str_eq(r.code, "", "%s", r.e.message);
    cr_assert_eq(r.plan.n_legs, 2);
    cr_expect_eq(r.plan.n_sources, 1);
    cr_expect(r.plan.legs[0].implicit);
    cr_expect_str_eq(r.plan.legs[0].alias, "@external/BRL");
    cr_expect_str_eq(r.plan.legs[0].key, "default");
    char buf[DECIMAL_STR_MAX];
    cr_expect_str_eq(amount_text(&r.plan.legs[0], buf), "75.5");
    cr_expect_str_eq(r.plan.legs[1].alias, "@dst");
    cr_expect(!r.plan.pending);
    run_free(&r);
}

Test(txn_plan, outflow_appends_external_destination)
{
    run r;
    run_body(&r, TXN_EP_OUTFLOW,
             "{\"pending\":true,\"send\":{\"asset\":\"USD\",\"value\":\"3\",\"source\":{\"from\":[{"
             "\"accountAlias\":"
             "\"@a\",\"share\":{\"percentage\":50}},{\"accountAlias\":\"@a\",\"remaining\":\"x\"}]}}}");
    cr_assert_str_eq(r.code, "", "%s", r.e.message);
    cr_assert_eq(r.plan.n_legs, 3);
    cr_expect_eq(r.plan.n_sources, 2);
    cr_expect(r.plan.pending);
    cr_expect_str_eq(r.plan.legs[2].alias, "@external/USD");
    cr_expect(!r.plan.legs[2].source);
    char buf[DECIMAL_STR_MAX];
    cr_expect_str_eq(amount_text(&r.plan.legs[0], buf), "1.5");
    cr_expect_str_eq(amount_text(&r.plan.legs[1], buf), "1.5");
    run_free(&r);
}

Test(txn_plan, leg_fields_are_copied)
{
    run r;
    run_body(
        &r, TXN_EP_JSON,
        "{\"description\":\"order 77\",\"chartOfAccountsGroupName\":\"G\",\"code\":\"C1\","
        "\"metadata\":{\"orderId\":\"77\",\"drop\":null},\"transactionDate\":\"2025-03-10\","
        "\"send\":{\"asset\":\"USD\",\"value\":\"100.00\",\"source\":{\"from\":[{\"accountAlias\":\"@alice\","
        "\"amount\":{\"asset\":\"USD\",\"value\":100}}]},\"distribute\":{\"to\":["
        "{\"accountAlias\":\"@dave\",\"balanceKey\":\"SaVings\",\"remaining\":\"remaining\","
        "\"description\":\"rest\",\"chartOfAccounts\":\"4001\",\"metadata\":{\"kind\":\"rest\"}}]}}}");
    cr_assert_str_eq(r.code, "", "%s", r.e.message);
    cr_expect_str_eq(r.plan.description, "order 77");
    cr_expect_str_eq(r.plan.coa_group, "G");
    cr_expect_str_eq(r.plan.metadata, "{\"orderId\":\"77\"}");
    cr_expect(r.plan.has_date);
    cr_expect_eq(r.plan.date_us, INT64_C(1741564800000000));
    const txn_leg *d = &r.plan.legs[1];
    cr_expect_str_eq(d->key, "savings");
    cr_expect_str_eq(d->description, "rest");
    cr_expect_str_eq(d->chart_of_accounts, "4001");
    cr_expect_str_eq(d->metadata, "{\"kind\":\"rest\"}");
    cr_expect_null(r.plan.legs[0].description);
    cr_expect_str_eq(r.plan.legs[0].chart_of_accounts, "");
    run_free(&r);
}

Test(txn_plan, decimal_edges)
{
    static const struct {
        const char *value;
        const char *code;
        const char *canonical;
    } rows[] = {
        {"12345678901234567890.123456789012345678", "", "12345678901234567890.123456789012345678"},
        {"0.000000000000000001", "", "0.000000000000000001"},
        {"1.5E-3", "", "0.0015"},
        {"1e3", "", "1000"},
        {"1.00000000000000000000000", "", "1"},
    };
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        char body[1024];
        snprintf(
            body, sizeof(body),
            "{\"send\":{\"asset\":\"USD\",\"value\":\"%s\",\"source\":{\"from\":[{\"accountAlias\":\"@s\","
            "\"remaining\":\"r\"}]},\"distribute\":{\"to\":[{\"accountAlias\":\"@d\",\"share\":{"
            "\"percentage\":"
            "100}}]}}}",
            rows[i].value);
        run r;
        run_body(&r, TXN_EP_JSON, body);
        cr_expect_str_eq(r.code, rows[i].code, "%s: %s", rows[i].value, r.e.message);
        if (!r.code[0]) {
            char buf[DECIMAL_STR_MAX];
            decimal_format(&r.plan.value, buf, sizeof(buf));
            cr_expect_str_eq(buf, rows[i].canonical);
            cr_expect_str_eq(amount_text(&r.plan.legs[1], buf), rows[i].canonical);
        }
        run_free(&r);
    }
}

/* ---- the reversal plan (7.3) ------------------------------------------------------------------------- */

static op_row rev_op(op_type type, const char *alias, const char *key, const char *amount, const char *desc)
{
    op_row op;
    memset(&op, 0, sizeof(op));
    op.type = type;
    op.account_alias = alias;
    op.balance_key = key;
    cr_assert_eq(decimal_parse(amount, strlen(amount), &op.amount), DECIMAL_OK);
    op.description = desc;
    op.chart_of_accounts = "";
    op.metadata = "{\"k\":\"v\"}";
    return op;
}

Test(txn_plan, reversal_swaps_credits_and_debits_and_ignores_holds)
{
    /* a committed pending transaction: ON_HOLD, DEBIT (from hold) x2, CREDIT x2 */
    op_row ops[] = {
        rev_op(OP_TYPE_ON_HOLD, "@a", "default", "60", "hold"),
        rev_op(OP_TYPE_ON_HOLD, "@b", "default", "40", "hold"),
        rev_op(OP_TYPE_DEBIT, "@a", "default", "60", "d1"),
        rev_op(OP_TYPE_DEBIT, "@b", "default", "40", "d2"),
        rev_op(OP_TYPE_CREDIT, "@c", "savings", "75", "c1"),
        rev_op(OP_TYPE_CREDIT, "@external/USD", "default", "25", "c2"),
    };
    txn_row t;
    memset(&t, 0, sizeof(t));
    t.asset_code = "USD";
    cr_assert_eq(decimal_parse("100", 3, &t.amount), DECIMAL_OK);
    t.description = "orig";
    t.coa_group = "G";
    t.metadata = "{\"m\":1}";
    t.ops = ops;
    t.n_ops = ARRAY_LEN(ops);
    arena *a = arena_new();
    txn_plan p;
    txn_plan_reversal(a, &t, &p);
    cr_assert_eq(p.n_legs, 4);
    cr_expect_eq(p.n_sources, 2);
    cr_expect_not(p.pending);
    cr_expect_not(p.has_date);
    cr_expect_str_eq(p.asset, "USD");
    cr_expect_str_eq(p.description, "orig");
    cr_expect_str_eq(p.coa_group, "G");
    cr_expect_str_eq(p.metadata, "{\"m\":1}");
    static const struct {
        bool source;
        const char *alias, *key, *amount, *desc;
    } want[] = {
        {true, "@c", "savings", "75", "c1"},
        {true, "@external/USD", "default", "25", "c2"},
        {false, "@a", "default", "60", "d1"},
        {false, "@b", "default", "40", "d2"},
    };
    char buf[DECIMAL_STR_MAX];
    for (size_t i = 0; i < ARRAY_LEN(want); i++) {
        cr_expect_eq(p.legs[i].source, want[i].source, "leg %zu side", i);
        cr_expect_str_eq(p.legs[i].alias, want[i].alias);
        cr_expect_str_eq(p.legs[i].key, want[i].key);
        cr_expect_str_eq(amount_text(&p.legs[i], buf), want[i].amount);
        cr_expect_str_eq(p.legs[i].description, want[i].desc);
        cr_expect_str_eq(p.legs[i].metadata, "{\"k\":\"v\"}");
        cr_expect_eq(p.legs[i].kind, LEG_KIND_AMOUNT);
    }
    /* both sides sum to the original amount, so resolution accepts the plan as is */
    decimal v = p.value;
    cr_expect_eq(txn_plan_resolve_side(&v, p.legs, p.n_sources, NULL), ERR_NONE);
    cr_expect_eq(txn_plan_resolve_side(&v, p.legs + p.n_sources, p.n_legs - p.n_sources, NULL), ERR_NONE);
    arena_free(a);
}
