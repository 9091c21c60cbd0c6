/* Unit tests of the idempotency pieces that need no server (transactions.md 8.1-8.2): X-Idempotency /
 * X-TTL syntax, the normalised input (key order, whitespace, "100.00" vs 100, defaults, nulls, dates)
 * and the SHA-256 fingerprint. Pure. The unit-test target does not compile service sources, so the
 * pure file is included here. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "../../services/transaction/txn_idem.c"

static json_object *parse(const char *text)
{
    json_object *o = NULL;
    api_error e = {0};
    int rc = json_parse_strict(text, strlen(text), JSON_MAX_DEPTH, &o, NULL, &e);
    cr_assert_eq(rc, 0, "test JSON does not parse: %s (%s)", text, e.message);
    api_error_clear(&e);
    return o;
}

static void fp_of(const char *endpoint, const char *text, char out[TXN_FINGERPRINT_LEN + 1])
{
    json_object *o = parse(text);
    txn_fingerprint(endpoint, NULL, o, true, out);
    json_object_put(o);
}

/* ---- headers ------------------------------------------------------------------------------------- */

typedef struct hcase {
    const char *key;
    const char *ttl;
    int rc;
    bool present;
    const char *want_key;
    int want_ttl;
    const char *field;
} hcase;

Test(txn_idem, header_table)
{
    char long_key[300];
    memset(long_key, 'k', 257);
    long_key[257] = '\0';
    char max_key[300];
    memset(max_key, 'k', 256);
    max_key[256] = '\0';
    const hcase cases[] = {
        {NULL, NULL, 0, false, NULL, 300, NULL},
        {"", "abc", 0, false, NULL, 300, NULL}, /* no key: X-TTL is not read */
        {"   ", NULL, 0, false, NULL, 300, NULL},
        {"  order-1  ", NULL, 0, true, "order-1", 300, NULL},
        {"a b~!", "60", 0, true, "a b~!", 60, NULL},
        {max_key, "86400", 0, true, max_key, 86400, NULL},
        {long_key, NULL, -1, false, NULL, 0, "X-Idempotency"},
        {"caf\xc3\xa9", NULL, -1, false, NULL, 0, "X-Idempotency"},
        {"k\x01", NULL, -1, false, NULL, 0, "X-Idempotency"},
        {"k", "0", -1, false, NULL, 0, "X-TTL"},
        {"k", "86401", -1, false, NULL, 0, "X-TTL"},
        {"k", "1.5", -1, false, NULL, 0, "X-TTL"},
        {"k", "-1", -1, false, NULL, 0, "X-TTL"},
        {"k", "", -1, false, NULL, 0, "X-TTL"},
        {"k", " 1 ", 0, true, "k", 1, NULL},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        const hcase *c = &cases[i];
        txn_idem_headers h;
        api_error e = {0};
        int rc = txn_idem_parse_headers(c->key, c->ttl, &h, &e);
        cr_expect_eq(rc, c->rc, "case %zu: rc %d", i, rc);
        if (rc == 0) {
            cr_expect_eq(h.present, c->present, "case %zu", i);
            if (c->want_key)
                cr_expect_str_eq(h.key, c->want_key, "case %zu", i);
            cr_expect_eq(h.ttl_s, c->want_ttl, "case %zu: ttl %d", i, h.ttl_s);
        } else {
            cr_expect_eq(e.id, ERR_BAD_REQUEST, "case %zu", i);
            cr_expect(e.fields && json_object_object_get_ex(e.fields, c->field, NULL), "case %zu: fields %s",
                      i, e.fields ? json_dump(e.fields) : "none");
        }
        api_error_clear(&e);
    }
}

/* ---- normalised input ---------------------------------------------------------------------------- */

Test(txn_idem, canonical_input_applies_defaults_and_sorts)
{
    json_object *o =
        parse("{\"send\":{\"value\":\"100.00\",\"asset\":\"USD\",\"source\":{\"from\":[{"
              "\"accountAlias\":\"@a\",\"balanceKey\":\"MAIN\",\"amount\":{\"value\":1e2,"
              "\"asset\":\"USD\"}}]},\"distribute\":{\"to\":[{\"accountAlias\":\"@b\",\"share\":{"
              "\"percentage\":100,\"percentageOfPercentage\":0},\"description\":null,"
              "\"chartOfAccounts\":\"\"}]}},\"metadata\":{\"z\":\"\",\"a\":1,\"n\":null},"
              "\"transactionDate\":\"2025-03-10T12:00:00+02:00\",\"code\":\"\"}");
    char *c = txn_canonical_input(o, true);
    cr_expect_str_eq(
        c, "{\"metadata\":{\"a\":1,\"z\":\"\"},\"pending\":false,\"send\":{\"asset\":\"USD\","
           "\"distribute\":{\"to\":[{\"accountAlias\":\"@b\",\"balanceKey\":\"default\",\"share\":{"
           "\"percentage\":100,\"percentageOfPercentage\":100}}]},\"source\":{\"from\":[{"
           "\"accountAlias\":\"@a\",\"amount\":{\"asset\":\"USD\",\"value\":\"100\"},\"balanceKey\":"
           "\"main\"}]},\"value\":\"100\"},\"transactionDate\":\"2025-03-10T10:00:00.000000Z\"}");
    free(c);
    json_object_put(o);
}

Test(txn_idem, equivalent_bodies_share_a_fingerprint)
{
    char a[TXN_FINGERPRINT_LEN + 1], b[TXN_FINGERPRINT_LEN + 1], c[TXN_FINGERPRINT_LEN + 1];
    fp_of("json",
          "{\"send\":{\"asset\":\"USD\",\"value\":\"100.00\",\"source\":{\"from\":[{\"accountAlias\":\"@a\","
          "\"amount\":{\"asset\":\"USD\",\"value\":\"100\"}}]},\"distribute\":{\"to\":[{\"accountAlias\":\"@"
          "b\","
          "\"remaining\":\"remaining\"}]}}}",
          a);
    fp_of("json",
          "{ \"send\" : { \"distribute\":{\"to\":[{\"remaining\":\"remaining\",\"accountAlias\":\"@b\","
          "\"balanceKey\":\"Default\"}]}, \"value\": 100, \"asset\":\"USD\",\"source\":{\"from\":[{"
          "\"amount\":{\"value\":1E+2,\"asset\":\"USD\"},\"accountAlias\":\"@a\"}]}},\"pending\":false,"
          "\"description\":null}",
          b);
    cr_expect_str_eq(a, b);
    /* the endpoint is part of the fingerprint */
    fp_of("outflow",
          "{\"send\":{\"asset\":\"USD\",\"value\":\"100.00\",\"source\":{\"from\":[{\"accountAlias\":\"@a\","
          "\"amount\":{\"asset\":\"USD\",\"value\":\"100\"}}]},\"distribute\":{\"to\":[{\"accountAlias\":\"@"
          "b\","
          "\"remaining\":\"remaining\"}]}}}",
          c);
    cr_expect_str_neq(a, c);
}

Test(txn_idem, different_bodies_differ)
{
    char a[TXN_FINGERPRINT_LEN + 1], b[TXN_FINGERPRINT_LEN + 1];
    fp_of("json", "{\"description\":\"x\",\"send\":{\"asset\":\"USD\",\"value\":\"1\"}}", a);
    fp_of("json", "{\"description\":\"y\",\"send\":{\"asset\":\"USD\",\"value\":\"1\"}}", b);
    cr_expect_str_neq(a, b);
    fp_of("json", "{\"send\":{\"asset\":\"USD\",\"value\":\"1.1\"}}", a);
    fp_of("json", "{\"send\":{\"asset\":\"USD\",\"value\":\"1.10000000000000000001\"}}", b);
    cr_expect_str_neq(a, b);
}

Test(txn_idem, transaction_id_scopes_lifecycle_fingerprints)
{
    char a[TXN_FINGERPRINT_LEN + 1], b[TXN_FINGERPRINT_LEN + 1];
    txn_fingerprint("commit", "0196F1A2-7B1C-7D3E-9F00-0000000000A1", NULL, false, a);
    txn_fingerprint("commit", "0196f1a2-7b1c-7d3e-9f00-0000000000a1", NULL, false, b);
    cr_expect_str_eq(a, b);
    txn_fingerprint("cancel", "0196f1a2-7b1c-7d3e-9f00-0000000000a1", NULL, false, b);
    cr_expect_str_neq(a, b);
}

/* ---- SHA-256 ------------------------------------------------------------------------------------- */

Test(txn_idem, sha256_vectors)
{
    static const struct {
        const char *in;
        const char *hex;
    } v[] = {
        {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
    };
    char out[TXN_FINGERPRINT_LEN + 1];
    for (size_t i = 0; i < ARRAY_LEN(v); i++) {
        txn_sha256_hex(v[i].in, strlen(v[i].in), out);
        cr_expect_str_eq(out, v[i].hex, "vector %zu", i);
    }
    /* one million 'a' */
    char *m = xmalloc(1000000);
    memset(m, 'a', 1000000);
    txn_sha256_hex(m, 1000000, out);
    cr_expect_str_eq(out, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    free(m);
    /* lengths around the padding boundary (55, 56, 64) must not crash and must differ */
    char a55[TXN_FINGERPRINT_LEN + 1], a56[TXN_FINGERPRINT_LEN + 1];
    char buf[64];
    memset(buf, 'x', sizeof(buf));
    txn_sha256_hex(buf, 55, a55);
    txn_sha256_hex(buf, 56, a56);
    cr_expect_str_neq(a55, a56);
}
