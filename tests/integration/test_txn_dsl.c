/* POST /transactions/dsl through the gateway (transactions.md 9, 5.1 step 4, 8): every example of 9.4
 * end to end on balances and operations, malformed uploads (0048 / 0049, variables, syntax errors with
 * line:column), JSON-level errors reported with JSON paths, idempotency with endpoint "dsl" over the
 * translation, and an upload encoded by libcurl's own MIME builder. Each test uses its own organization
 * and ledger on a stack started by scripts/stack.sh. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <curl/curl.h>

#include "harness.h"
#include "tx_helpers.h"
#include "util/mem.h"

#define BOUNDARY "gold-boundary-7Xq"

static const char EX1[] = "(transaction V1\n"
                          "  (chart-of-accounts-group-name P2P)\n"
                          "  (description \"lunch split\")\n"
                          "  (send BRL 120|2\n"
                          "    (source (from @ana :amount BRL 120|2))\n"
                          "    (distribute (to @bruno :amount BRL 120|2))))\n";

static const char EX2[] = "(transaction V1\n"
                          "  (chart-of-accounts-group-name MARKETPLACE)\n"
                          "  (code SALE-1001)\n"
                          "  (pending true)\n"
                          "  (metadata (order 1001) (channel app))\n"
                          "  (send USD 500|0\n"
                          "    (source (from @buyer :amount USD 500|0 (description \"checkout\")))\n"
                          "    (distribute\n"
                          "      (to @seller :share 80 (chart-of-accounts REV-4100))\n"
                          "      (to @platform :share 20 :of 50)\n"
                          "      (to @taxes :remaining (metadata (kind vat))))))\n";

static const char EX3[] = "(transaction V1\n"
                          "  (chart-of-accounts-group-name TOPUP)\n"
                          "  (send EUR 75|0\n"
                          "    (source :remaining (from @external/EUR :amount EUR 75|0))\n"
                          "    (distribute\n"
                          "      (to @wallet-7 :amount EUR 75|0\n"
                          "        (rate 0190a1b2-0000-7000-8000-000000000001 EUR -> EUR 1|0)\n"
                          "        (description \"card top-up\")))))\n";

/* Upload `script` (len bytes) as the file part "dsl" named `filename`, plus `extra_headers`
 * (NULL-terminated, may be NULL). */
static void upload_named(const tx_fix *f, const char *script, size_t len, const char *filename,
                         const char *const *extra_headers, it_response *r)
{
    strbuf body = {0};
    strbuf_puts(&body, "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nignored\r\n");
    strbuf_printf(&body,
                  "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"dsl\"; filename=\"%s\"\r\n"
                  "Content-Type: application/octet-stream\r\n\r\n",
                  filename);
    strbuf_append(&body, script, len);
    strbuf_puts(&body, "\r\n--" BOUNDARY "--\r\n");
    const char *headers[8] = {"Content-Type: multipart/form-data; boundary=" BOUNDARY};
    size_t k = 1;
    for (size_t i = 0; extra_headers && extra_headers[i] && k < 7; i++)
        headers[k++] = extra_headers[i];
    headers[k] = NULL;
    char *path = xasprintf("%s/transactions/dsl", f->L);
    char *url = it_url("GATEWAY_URL", path);
    it_request("POST", url, headers, body.buf, body.len, r);
    free(url);
    free(path);
    strbuf_free(&body);
}

static void upload(const tx_fix *f, const char *script, const char *const *extra_headers, it_response *r)
{
    upload_named(f, script, strlen(script), "script.gold", extra_headers, r);
}

static void upload_err(const tx_fix *f, const char *script, long status, const char *code, const char *needle)
{
    it_response r;
    upload(f, script, NULL, &r);
    tx_assert_error(&r, status, code, NULL);
    if (needle)
        cr_expect(strstr(it_json_str(&r, "message"), needle) != NULL, "message lacks \"%s\": %s", needle,
                  it_describe(&r));
    it_response_free(&r);
}

static void accounts(tx_fix *f, const char *asset, const char *const *aliases)
{
    for (size_t i = 0; aliases[i]; i++)
        free(tx_account(f, asset, aliases[i], "deposit", NULL));
}

/* ---- the examples of 9.4 -------------------------------------------------------------------------- */

Test(txn_dsl, example_1_lunch_split, .timeout = 120)
{
    static const char *const brl[] = {"BRL", NULL};
    static const char *const names[] = {"@ana", "@bruno", NULL};
    tx_fix f;
    it_response r;
    tx_fix_init(&f, brl);
    accounts(&f, "BRL", names);
    tx_fund(&f, "BRL", "@ana", "150");
    upload(&f, EX1, NULL, &r);
    cr_assert_eq(r.status, 201, "%s", it_describe(&r));
    cr_expect_str_eq(it_header_get(&r, "X-Idempotency-Replayed"), "false");
    cr_expect_str_eq(tx_jstr(r.json, "status.code"), "APPROVED");
    cr_expect_str_eq(tx_jstr(r.json, "amount"), "120", "the scale is ignored: 120|2 is 120");
    cr_expect_str_eq(tx_jstr(r.json, "assetCode"), "BRL");
    cr_expect_str_eq(tx_jstr(r.json, "description"), "lunch split");
    cr_expect_str_eq(tx_jstr(r.json, "chartOfAccountsGroupName"), "P2P");
    cr_expect_str_eq(tx_jstr(r.json, "operations.0.type"), "DEBIT");
    cr_expect_str_eq(tx_jstr(r.json, "operations.0.accountAlias"), "@ana");
    cr_expect_str_eq(tx_jstr(r.json, "operations.0.amount.value"), "120");
    cr_expect_str_eq(tx_jstr(r.json, "operations.0.balanceKey"), "default");
    cr_expect_str_eq(tx_jstr(r.json, "operations.1.type"), "CREDIT");
    cr_expect_str_eq(tx_jstr(r.json, "operations.1.accountAlias"), "@bruno");
    cr_expect_str_eq(tx_jstr(r.json, "operations.1.description"), "lunch split");
    tx_expect_available(&f, "@ana", NULL, "30");
    tx_expect_available(&f, "@bruno", NULL, "120");
    it_response_free(&r);
}

Test(txn_dsl, example_2_marketplace_pending_then_commit, .timeout = 120)
{
    static const char *const usd[] = {"USD", NULL};
    static const char *const names[] = {"@buyer", "@seller", "@platform", "@taxes", NULL};
    tx_fix f;
    it_response r, c;
    tx_fix_init(&f, usd);
    accounts(&f, "USD", names);
    tx_fund(&f, "USD", "@buyer", "500");
    upload(&f, EX2, NULL, &r);
    cr_assert_eq(r.status, 201, "%s", it_describe(&r));
    cr_expect_str_eq(tx_jstr(r.json, "status.code"), "PENDING");
    cr_expect_str_eq(tx_jstr(r.json, "chartOfAccountsGroupName"), "MARKETPLACE");
    cr_expect_null(tx_jget(r.json, "code"), "code is never returned");
    cr_expect_str_eq(tx_jstr(r.json, "metadata.order"), "1001", "metadata values are strings");
    cr_expect_str_eq(tx_jstr(r.json, "metadata.channel"), "app");
    cr_expect_str_eq(tx_jstr(r.json, "destination.2"), "@taxes");
    cr_expect_eq(json_object_array_length(tx_jget(r.json, "operations")), 1);
    cr_expect_str_eq(tx_jstr(r.json, "operations.0.type"), "ON_HOLD");
    cr_expect_str_eq(tx_jstr(r.json, "operations.0.description"), "checkout");
    json_object *b = tx_balance(&f, "@buyer", NULL);
    cr_expect_str_eq(tx_jstr(b, "available"), "0");
    cr_expect_str_eq(tx_jstr(b, "onHold"), "500");
    json_object_put(b);

    tx_lreqf(&f, "POST", NULL, &c, "/transactions/%s/commit", tx_jstr(r.json, "id"));
    cr_assert_eq(c.status, 201, "%s", it_describe(&c));
    cr_expect_str_eq(tx_jstr(c.json, "operations.2.accountAlias"), "@seller");
    cr_expect_str_eq(tx_jstr(c.json, "operations.2.amount.value"), "400");
    cr_expect_str_eq(tx_jstr(c.json, "operations.2.chartOfAccounts"), "REV-4100");
    cr_expect_str_eq(tx_jstr(c.json, "operations.3.amount.value"), "50");
    cr_expect_str_eq(tx_jstr(c.json, "operations.4.metadata.kind"), "vat");
    tx_expect_available(&f, "@seller", NULL, "400");
    tx_expect_available(&f, "@platform", NULL, "50");
    tx_expect_available(&f, "@taxes", NULL, "50");
    b = tx_balance(&f, "@buyer", NULL);
    cr_expect_str_eq(tx_jstr(b, "onHold"), "0");
    json_object_put(b);
    it_response_free(&r);
    it_response_free(&c);
}

Test(txn_dsl, example_3_top_up_from_external, .timeout = 120)
{
    static const char *const eur[] = {"EUR", NULL};
    static const char *const names[] = {"@wallet-7", NULL};
    tx_fix f;
    it_response r;
    tx_fix_init(&f, eur);
    accounts(&f, "EUR", names);
    upload(&f, EX3, NULL, &r);
    cr_assert_eq(r.status, 201, "%s", it_describe(&r));
    cr_expect_str_eq(tx_jstr(r.json, "status.code"), "APPROVED");
    cr_expect_str_eq(tx_jstr(r.json, "source.0"), "@external/EUR");
    cr_expect_str_eq(tx_jstr(r.json, "operations.1.description"), "card top-up");
    tx_expect_available(&f, "@wallet-7", NULL, "75");
    tx_expect_available(&f, "@external/EUR", NULL, "-75");
    it_response_free(&r);

    /* the same script with a variable is refused, never read as zero */
    char *var = xstrdup(EX3);
    char *at = strstr(var, "75|0");
    memcpy(at, "$a|0", 4);
    upload_err(&f, var, 400, "0048", "variables are not supported");
    free(var);
    tx_expect_available(&f, "@wallet-7", NULL, "75");
}

/* ---- malformed uploads ------------------------------------------------------------------------------ */

Test(txn_dsl, malformed_uploads, .timeout = 120)
{
    static const char *const usd[] = {"USD", NULL};
    tx_fix f;
    it_response r;
    tx_fix_init(&f, usd);

    /* 0049: a zero-length file; 0048: the rest */
    upload_err(&f, "", 400, "0049", NULL);
    upload_err(&f, "   ", 400, "0048", "1:4: expected '('");
    upload_err(&f, "(transaction V1\n  (chart-of-accounts-group-name G)\n  (send USD 120| (source)))", 400,
               "0048", "3:18: expected an integer scale after '|'");
    upload_err(&f, "(transaction V1 (chart-of-accounts-group-name G) (code 1001))", 400, "0048", "1:56:");
    upload_err(&f, "(transaction V1 (chart-of-accounts-group-name G) (description \"open", 400, "0048",
               "1:63: unterminated string");
    upload_err(&f, "(transaction V1 (chart-of-accounts-group-name G) (send USD $v|0))", 400, "0048",
               "variables are not supported");
    upload_named(&f, EX1, strlen(EX1), "script.txt", NULL, &r);
    tx_assert_error(&r, 400, "0048", NULL);
    it_response_free(&r);
    upload_named(&f, "(a\0b)", 5, "s.gold", NULL, &r);
    tx_assert_error(&r, 400, "0048", NULL);
    it_response_free(&r);
    upload_named(&f, "(\xC3\x28)", 4, "s.gold", NULL, &r);
    tx_assert_error(&r, 400, "0048", NULL);
    it_response_free(&r);
    /* not multipart at all */
    tx_lreq(&f, "POST", "/transactions/dsl", NULL, "{\"send\":{}}", &r);
    tx_assert_error(&r, 400, "0048", NULL);
    it_response_free(&r);
    /* multipart without the final boundary */
    static const char *const ct[] = {"Content-Type: multipart/form-data; boundary=XB", NULL};
    tx_lreq(&f, "POST", "/transactions/dsl", ct,
            "--XB\r\nContent-Disposition: form-data; name=\"dsl\"; filename=\"a.gold\"\r\n\r\n(x)", &r);
    tx_assert_error(&r, 400, "0048", NULL);
    it_response_free(&r);
    /* step 3 (idempotency headers) comes before step 4 */
    static const char *const bad_ttl[] = {"X-Idempotency: k", "X-TTL: 999999", NULL};
    upload_named(&f, "", 0, "s.gold", bad_ttl, &r);
    tx_assert_error(&r, 400, "0047", "X-TTL");
    it_response_free(&r);
}

Test(txn_dsl, json_rules_apply_to_the_translation, .timeout = 120)
{
    static const char *const usd[] = {"USD", NULL};
    static const char *const names[] = {"@a", "@b", NULL};
    tx_fix f;
    it_response r;
    tx_fix_init(&f, usd);
    accounts(&f, "USD", names);
    tx_fund(&f, "USD", "@a", "10");
#define SCRIPT(src, dst) "(transaction V1 (chart-of-accounts-group-name G) (send USD 10|0 " src " " dst "))"
    /* field paths in errors are JSON paths */
    upload(&f, SCRIPT("(source (from @a :amount USD 10|0))", "(distribute (to @b :share 150))"), NULL, &r);
    tx_assert_error(&r, 400, "0047", "send.distribute.to[0].share.percentage");
    it_response_free(&r);
    upload(&f, SCRIPT("(source (from @a :amount EUR 10|0))", "(distribute (to @b :remaining))"), NULL, &r);
    tx_assert_error(&r, 400, "0047", "send.source.from[0].amount.asset");
    it_response_free(&r);
    upload(&f,
           SCRIPT("(source (from @a :amount USD 10|0 (rate not-a-uuid USD -> EUR 1|0)))",
                  "(distribute (to @b :remaining))"),
           NULL, &r);
    tx_assert_error(&r, 400, "0047", "send.source.from[0].rate.externalId");
    it_response_free(&r);
    upload_err(&f, SCRIPT("(source (from @a :amount USD 9|0))", "(distribute (to @b :remaining))"), 400,
               "0073", NULL);
    upload_err(
        &f, SCRIPT("(source (from @a :remaining) (from @b :remaining))", "(distribute (to @b :remaining))"),
        400, "0072", NULL);
    upload_err(&f, SCRIPT("(source (from @a :amount USD 10|0))", "(distribute (to @a :remaining))"), 400,
               "0090", NULL);
    upload_err(&f, SCRIPT("(source (from @a :amount USD 10|0))", "(distribute (to @nobody :remaining))"), 422,
               "0019", NULL);
    upload_err(&f,
               "(transaction V1 (chart-of-accounts-group-name G) (send USD 0|0 (source (from @a :remaining))"
               " (distribute (to @b :remaining))))",
               422, "0125", NULL);
    /* the valid script posts once; the same script then lacks funds */
    upload(&f, SCRIPT("(source (from @a :amount USD 10|0))", "(distribute (to @b :remaining))"), NULL, &r);
    cr_assert_eq(r.status, 201, "%s", it_describe(&r));
    it_response_free(&r);
    upload_err(&f, SCRIPT("(source (from @a :amount USD 10|0))", "(distribute (to @b :remaining))"), 422,
               "0018", NULL);
    tx_expect_available(&f, "@b", NULL, "10");
}

/* ---- idempotency: endpoint "dsl", fingerprint = the JSON translation ------------------------------------
 */

Test(txn_dsl, idempotency_uses_the_translation, .timeout = 120)
{
    static const char *const brl[] = {"BRL", NULL};
    static const char *const names[] = {"@ana", "@bruno", NULL};
    tx_fix f;
    it_response a, b;
    tx_fix_init(&f, brl);
    accounts(&f, "BRL", names);
    tx_fund(&f, "BRL", "@ana", "500");
    static const char *const key[] = {"X-Idempotency: dsl-key-1", NULL};
    upload(&f, EX1, key, &a);
    cr_assert_eq(a.status, 201, "%s", it_describe(&a));
    cr_expect_str_eq(it_header_get(&a, "X-Idempotency-Replayed"), "false");
    /* other whitespace and another scale: the same translation, so a replay */
    static const char other_layout[] =
        "(transaction V1 (chart-of-accounts-group-name P2P)\t(description \"lunch split\")"
        "\r\n(send BRL 120|0 (source (from @ana :amount BRL 0120|9))"
        " (distribute (to @bruno :amount BRL 120|2))))";
    upload_named(&f, other_layout, strlen(other_layout), "other.gold", key, &b);
    cr_assert_eq(b.status, 201, "%s", it_describe(&b));
    cr_expect_str_eq(it_header_get(&b, "X-Idempotency-Replayed"), "true");
    cr_expect_str_eq(b.body, a.body);
    it_response_free(&b);
    tx_expect_available(&f, "@ana", NULL, "380");
    /* the same JSON through /json is another endpoint: 0084 */
    tx_lreq(
        &f, "POST", "/transactions/json", key,
        "{\"chartOfAccountsGroupName\":\"P2P\",\"description\":\"lunch split\",\"send\":{\"asset\":\"BRL\","
        "\"value\":\"120\",\"source\":{\"from\":[{\"accountAlias\":\"@ana\",\"amount\":{\"asset\":\"BRL\","
        "\"value\":\"120\"}}]},\"distribute\":{\"to\":[{\"accountAlias\":\"@bruno\",\"amount\":{\"asset\":"
        "\"BRL\",\"value\":\"120\"}}]}}}",
        &b);
    tx_assert_error(&b, 409, "0084", NULL);
    it_response_free(&b);
    /* another script with the key: the body differs */
    static const char changed[] =
        "(transaction V1 (chart-of-accounts-group-name P2P) (send BRL 1|0"
        " (source (from @ana :amount BRL 1|0)) (distribute (to @bruno :amount BRL 1|0))))";
    upload(&f, changed, key, &b);
    tx_assert_error(&b, 409, "0084", NULL);
    it_response_free(&b);
    /* without a key, identical uploads are independent postings */
    upload(&f, EX1, NULL, &b);
    cr_assert_eq(b.status, 201, "%s", it_describe(&b));
    cr_expect_str_neq(tx_jstr(b.json, "id"), tx_jstr(a.json, "id"));
    it_response_free(&b);
    tx_expect_available(&f, "@ana", NULL, "260");
    it_response_free(&a);
}

/* ---- a real client's encoder ------------------------------------------------------------------------ */

static size_t sink(char *data, size_t size, size_t nmemb, void *userdata)
{
    strbuf_append(userdata, data, size * nmemb);
    return size * nmemb;
}

Test(txn_dsl, libcurl_mime_upload, .timeout = 120)
{
    static const char *const brl[] = {"BRL", NULL};
    static const char *const names[] = {"@ana", "@bruno", NULL};
    tx_fix f;
    it_response warm;
    strbuf out = {0};
    long status = 0;
    tx_fix_init(&f, brl);
    accounts(&f, "BRL", names);
    tx_fund(&f, "BRL", "@ana", "120");
    tx_req("GET", "/health", NULL, NULL, &warm); /* libcurl initialised by the harness */
    it_response_free(&warm);

    CURL *h = curl_easy_init();
    curl_mime *mime = curl_mime_init(h);
    curl_mimepart *part = curl_mime_addpart(mime);
    curl_mime_name(part, "comment");
    curl_mime_data(part, "not the script", CURL_ZERO_TERMINATED);
    part = curl_mime_addpart(mime);
    curl_mime_name(part, "dsl");
    curl_mime_filename(part, "lunch.gold");
    curl_mime_type(part, "text/plain");
    curl_mime_data(part, EX1, CURL_ZERO_TERMINATED);
    char *path = xasprintf("%s/transactions/dsl", f.L);
    char *url = it_url("GATEWAY_URL", path);
    struct curl_slist *hl = curl_slist_append(NULL, "Expect:");
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_MIMEPOST, mime);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sink);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &out);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 30000L);
    cr_assert_eq(curl_easy_perform(h), CURLE_OK);
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    cr_expect_eq(status, 201, "%s", out.buf);
    json_object *t = json_tokener_parse(out.buf ? out.buf : "");
    cr_expect_str_eq(tx_jstr(t, "description"), "lunch split");
    json_object_put(t);
    tx_expect_available(&f, "@bruno", NULL, "120");
    curl_slist_free_all(hl);
    curl_mime_free(mime);
    curl_easy_cleanup(h);
    strbuf_free(&out);
    free(url);
    free(path);
}
