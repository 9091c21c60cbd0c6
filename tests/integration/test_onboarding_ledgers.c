/* Ledgers through the gateway (api.md "Ledgers"): create/get/patch/count success paths, member rules
 * (0009, 0047, 0053 for settings), existence (0038, 0007 with entityType Ledger, 0065), the ASCII
 * case-insensitive name rule (0002) including 20 racing creates, and the delete path through the
 * portfolio service's close call: refused or unreachable (503 0901, nothing changes), and with a
 * stand-in portfolio on its port: 204 deletes, 422 0008 refuses, anything else is 503 0901. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "harness.h"
#include "onb_helpers.h"
#include "util/mem.h"
#include "uuid/uuid.h"

#define READY_TIMEOUT_MS 60000

static json_object *get_ledger(const char *org, const char *id)
{
    it_response r;
    json_object *o = NULL;

    onb_reqf("GET", NULL, &r, "/v1/organizations/%s/ledgers/%s", org, id);
    cr_assert_eq(r.status, 200, "GET ledger: %s", it_describe(&r));
    o = json_object_get(r.json);
    it_response_free(&r);
    return o;
}

static long ledger_status(const char *org, const char *id)
{
    it_response r;
    long status = 0;

    onb_reqf("GET", NULL, &r, "/v1/organizations/%s/ledgers/%s", org, id);
    status = r.status;
    it_response_free(&r);
    return status;
}

/* ---- create / get -------------------------------------------------------------------------------- */

Test(onb_ledgers, create_returns_every_member_and_get_matches)
{
    static const char *const members[] = {"id", "organizationId", "name", "status", "metadata",
                                          "createdAt", "updatedAt", "deletedAt"};
    char *org = onb_create_org(NULL);
    it_response r;

    onb_reqf("POST",
             "{\"name\":\"Brazil Ops\",\"status\":{\"code\":\"ACTIVE\",\"description\":\"Ready\"},"
             "\"metadata\":{\"costCenter\":\"BR-111\"}}",
             &r, "/v1/organizations/%s/ledgers", org);
    cr_assert_eq(r.status, 201, "%s", it_describe(&r));
    for (size_t i = 0; i < ARRAY_LEN(members); i++)
        cr_expect(json_object_object_get_ex(r.json, members[i], NULL), "member %s missing: %s", members[i],
                  it_describe(&r));
    cr_expect_eq(json_object_object_length(r.json), (int)ARRAY_LEN(members), "extra members: %s", it_describe(&r));
    cr_expect(it_is_uuid(it_json_str(&r, "id"), 7), "%s", it_describe(&r));
    cr_expect_str_eq(it_json_str(&r, "organizationId"), org);
    cr_expect_str_eq(it_json_str(&r, "name"), "Brazil Ops");
    cr_expect_str_eq(onb_jstr(r.json, "status.code"), "ACTIVE");
    cr_expect_str_eq(onb_jstr(r.json, "status.description"), "Ready");
    cr_expect_str_eq(onb_jstr(r.json, "metadata.costCenter"), "BR-111");
    cr_expect(it_is_rfc3339_micro_z(it_json_str(&r, "createdAt")), "%s", it_describe(&r));
    cr_expect_str_eq(it_json_str(&r, "createdAt"), it_json_str(&r, "updatedAt"));
    cr_expect(onb_jnull(r.json, "deletedAt"), "%s", it_describe(&r));

    json_object *g = get_ledger(org, it_json_str(&r, "id"));
    cr_expect(json_object_equal(r.json, g), "GET differs:\n%s\n%s", json_object_to_json_string(r.json),
              json_object_to_json_string(g));
    json_object_put(g);
    it_response_free(&r);

    /* defaults */
    onb_reqf("POST", "{\"name\":\"Plain\",\"status\":null,\"metadata\":null}", &r, "/v1/organizations/%s/ledgers", org);
    cr_assert_eq(r.status, 201, "%s", it_describe(&r));
    cr_expect_str_eq(onb_jstr(r.json, "status.code"), "ACTIVE");
    cr_expect(onb_jnull(r.json, "status.description"));
    cr_expect_eq(json_object_object_length(onb_jget(r.json, "metadata")), 0);
    it_response_free(&r);
    free(org);
}

Test(onb_ledgers, errors_and_validation_order)
{
    char *org = onb_create_org(NULL);
    char *other_org = onb_create_org(NULL);
    char *ledger = onb_create_ledger(org, "Main", NULL);
    char missing[UUID_STR_LEN + 1];
    char long257[300];
    it_response r;

    uuid_v7_str(missing);
    memset(long257, 'x', 257);
    long257[257] = '\0';
    char *b_long = xasprintf("{\"name\":\"%s\"}", long257);

    struct {
        const char *method;
        char *path;
        const char *body;
        long status;
        const char *code;
        const char *field;
    } cases[] = {
        {"POST", xasprintf("/v1/organizations/%s/ledgers", org), "{}", 400, "0009", "name"},
        {"POST", xasprintf("/v1/organizations/%s/ledgers", org), "{\"name\":\"\"}", 400, "0009", "name"},
        {"POST", xasprintf("/v1/organizations/%s/ledgers", org), "{\"name\":\"a\",\"settings\":{}}", 400, "0053", "settings"},
        {"POST", xasprintf("/v1/organizations/%s/ledgers", org), "{\"name\":\"a\",\"organizationId\":\"x\"}", 400, "0053",
         "organizationId"},
        {"POST", xasprintf("/v1/organizations/%s/ledgers", org), b_long, 400, "0047", "name"},
        {"POST", xasprintf("/v1/organizations/%s/ledgers", org), "{\"name\":1}", 400, "0094", NULL},
        {"POST", xasprintf("/v1/organizations/%s/ledgers", org), "{\"name\":\"a\",\"metadata\":{\"k\":{}}}", 400, "0067",
         "metadata.k"},
        /* body before existence */
        {"POST", xasprintf("/v1/organizations/%s/ledgers", missing), "{\"settings\":1}", 400, "0053", "settings"},
        {"POST", xasprintf("/v1/organizations/%s/ledgers", missing), "{\"name\":\"a\"}", 404, "0038", NULL},
        {"GET", xasprintf("/v1/organizations/%s/ledgers", missing), NULL, 404, "0038", NULL},
        {"GET", xasprintf("/v1/organizations/%s/ledgers/%s", missing, ledger), NULL, 404, "0038", NULL},
        {"PATCH", xasprintf("/v1/organizations/%s/ledgers/%s", missing, ledger), "{}", 404, "0038", NULL},
        {"DELETE", xasprintf("/v1/organizations/%s/ledgers/%s", missing, ledger), NULL, 404, "0038", NULL},
        {"GET", xasprintf("/v1/organizations/%s/ledgers/%s", org, missing), NULL, 404, "0007", NULL},
        {"PATCH", xasprintf("/v1/organizations/%s/ledgers/%s", org, missing), "{}", 404, "0007", NULL},
        {"DELETE", xasprintf("/v1/organizations/%s/ledgers/%s", org, missing), NULL, 404, "0007", NULL},
        /* a ledger of another organization is not found there */
        {"GET", xasprintf("/v1/organizations/%s/ledgers/%s", other_org, ledger), NULL, 404, "0007", NULL},
        {"PATCH", xasprintf("/v1/organizations/%s/ledgers/%s", org, ledger), "{\"settings\":{\"a\":1}}", 400, "0053",
         "settings"},
        {"PATCH", xasprintf("/v1/organizations/%s/ledgers/%s", missing, ledger), "{\"bad\":1}", 400, "0053", "bad"},
        {"GET", xasprintf("/v1/organizations/%s/ledgers/nope", org), NULL, 400, "0065", "ledger_id"},
        {"GET", xasprintf("/v1/organizations/nope/ledgers/nope"), NULL, 400, "0065", "organization_id"},
        {"POST", xasprintf("/v1/organizations/nope/ledgers"), "{\"settings\":1}", 400, "0065", "organization_id"},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        onb_req(cases[i].method, cases[i].path, cases[i].body, &r);
        cr_log_info("%s %s %s -> %ld", cases[i].method, cases[i].path, cases[i].body ? cases[i].body : "", r.status);
        onb_assert_error(&r, cases[i].status, cases[i].code, cases[i].field);
        if (strcmp(cases[i].code, "0007") == 0)
            cr_expect_str_eq(it_json_str(&r, "entityType"), "Ledger", "%s", it_describe(&r));
        it_response_free(&r);
        free(cases[i].path);
    }
    /* HEAD count of a missing organization: the status without a body */
    onb_reqf("HEAD", NULL, &r, "/v1/organizations/%s/ledgers/metrics/count", missing);
    cr_expect_eq(r.status, 404, "%s", it_describe(&r));
    cr_expect_eq(r.body_len, 0, "%s", it_describe(&r));
    it_response_free(&r);
    onb_req("HEAD", "/v1/organizations/nope/ledgers/metrics/count", NULL, &r);
    cr_expect_eq(r.status, 400, "%s", it_describe(&r));
    cr_expect_eq(r.body_len, 0, "%s", it_describe(&r));
    it_response_free(&r);

    free(b_long);
    free(ledger);
    free(org);
    free(other_org);
}

/* ---- names --------------------------------------------------------------------------------------- */

Test(onb_ledgers, name_unique_ascii_case_insensitive)
{
    char *org = onb_create_org(NULL);
    char *org2 = onb_create_org(NULL);
    char *main_id = onb_create_ledger(org, "Main Book", NULL);
    char *e_id = onb_create_ledger(org, "\xC3\x89vora", NULL); /* "Évora" */
    it_response r;

    static const char *const dups[] = {"{\"name\":\"main book\"}", "{\"name\":\"MAIN BOOK\"}", "{\"name\":\"Main Book\"}",
                                       "{\"name\":\"\xC3\x89VORA\"}"};
    for (size_t i = 0; i < ARRAY_LEN(dups); i++) {
        onb_reqf("POST", dups[i], &r, "/v1/organizations/%s/ledgers", org);
        onb_assert_error(&r, 409, "0002", NULL);
        it_response_free(&r);
    }
    /* only A-Z fold: "é" and "É" are different characters */
    char *e2 = onb_create_ledger(org, "\xC3\xA9vora", NULL); /* "évora" */
    /* not a prefix or pattern match */
    char *prefix = onb_create_ledger(org, "Main Boo", NULL);
    char *pattern = onb_create_ledger(org, "Main_Book", NULL);
    /* another organization may use the name */
    char *in_org2 = onb_create_ledger(org2, "MAIN BOOK", NULL);

    /* PATCH: another ledger's name (any case) -> 0002; its own name in another case -> 200 */
    onb_reqf("PATCH", "{\"name\":\"mAiN bOoK\"}", &r, "/v1/organizations/%s/ledgers/%s", org, prefix);
    onb_assert_error(&r, 409, "0002", NULL);
    it_response_free(&r);
    onb_reqf("PATCH", "{\"name\":\"MAIN book\"}", &r, "/v1/organizations/%s/ledgers/%s", org, main_id);
    cr_assert_eq(r.status, 200, "own name in another case: %s", it_describe(&r));
    cr_expect_str_eq(it_json_str(&r, "name"), "MAIN book");
    it_response_free(&r);
    /* null and "" keep the name (non-nullable member) */
    onb_reqf("PATCH", "{\"name\":null}", &r, "/v1/organizations/%s/ledgers/%s", org, main_id);
    cr_expect_eq(r.status, 200, "%s", it_describe(&r));
    cr_expect_str_eq(it_json_str(&r, "name"), "MAIN book");
    it_response_free(&r);
    onb_reqf("PATCH", "{\"name\":\"\"}", &r, "/v1/organizations/%s/ledgers/%s", org, main_id);
    cr_expect_eq(r.status, 200, "%s", it_describe(&r));
    cr_expect_str_eq(it_json_str(&r, "name"), "MAIN book");
    it_response_free(&r);
    /* a failed PATCH changed nothing */
    json_object *p = get_ledger(org, prefix);
    cr_expect_str_eq(onb_jstr(p, "name"), "Main Boo");
    json_object_put(p);

    free(main_id);
    free(e_id);
    free(e2);
    free(prefix);
    free(pattern);
    free(in_org2);
    free(org);
    free(org2);
}

Test(onb_ledgers, patch_semantics)
{
    char *org = onb_create_org(NULL);
    char *id = onb_create_ledger(org, "Ops", "\"status\":{\"code\":\"NEW\",\"description\":\"d\"},\"metadata\":{\"a\":\"1\",\"b\":\"2\"}");
    json_object *before = get_ledger(org, id);
    it_response r;

    onb_reqf("PATCH", "{}", &r, "/v1/organizations/%s/ledgers/%s", org, id);
    cr_assert_eq(r.status, 200, "%s", it_describe(&r));
    cr_expect_str_eq(it_json_str(&r, "name"), "Ops");
    cr_expect_str_eq(it_json_str(&r, "createdAt"), onb_jstr(before, "createdAt"));
    cr_expect(strcmp(it_json_str(&r, "updatedAt"), onb_jstr(before, "updatedAt")) > 0, "updatedAt advances: %s",
              it_describe(&r));
    it_response_free(&r);

    onb_reqf("PATCH", "{\"name\":\"Ops 2\",\"status\":{\"description\":\"\"},\"metadata\":{\"a\":null,\"c\":true}}", &r,
             "/v1/organizations/%s/ledgers/%s", org, id);
    cr_assert_eq(r.status, 200, "%s", it_describe(&r));
    cr_expect_str_eq(it_json_str(&r, "name"), "Ops 2");
    cr_expect_str_eq(onb_jstr(r.json, "status.code"), "NEW");
    cr_expect(onb_jnull(r.json, "status.description"), "%s", it_describe(&r));
    cr_expect(!json_object_object_get_ex(onb_jget(r.json, "metadata"), "a", NULL), "%s", it_describe(&r));
    cr_expect_str_eq(onb_jstr(r.json, "metadata.b"), "2");
    cr_expect(json_object_is_type(onb_jget(r.json, "metadata.c"), json_type_boolean));
    json_object *g = get_ledger(org, id);
    cr_expect(json_object_equal(r.json, g), "PATCH answer differs from GET: %s vs %s", it_describe(&r),
              json_object_to_json_string(g));
    json_object_put(g);
    it_response_free(&r);

    onb_reqf("PATCH", "{\"metadata\":null,\"status\":{\"code\":\"closed\"}}", &r, "/v1/organizations/%s/ledgers/%s", org,
             id);
    cr_assert_eq(r.status, 200, "%s", it_describe(&r));
    cr_expect_eq(json_object_object_length(onb_jget(r.json, "metadata")), 0, "%s", it_describe(&r));
    cr_expect_str_eq(onb_jstr(r.json, "status.code"), "closed");
    it_response_free(&r);
    json_object_put(before);
    free(id);
    free(org);
}

/* ---- the uniqueness race ------------------------------------------------------------------------- */

Test(onb_ledgers, concurrent_creates_have_exactly_one_winner, .timeout = 120)
{
    enum { N = 20 };
    char *org = onb_create_org(NULL);
    char *path = xasprintf("/v1/organizations/%s/ledgers", org);
    const char *methods[N];
    const char *paths[N];
    char *bodies[N];
    onb_par_result res[N];
    int created = 0, conflicts = 0;

    for (int i = 0; i < N; i++) {
        /* "race ledger" with a different set of upper-case letters each time */
        static const int letters[5] = {0, 1, 2, 3, 5}; /* letters of "race ledger" (not the space) */
        char name[32] = "race ledger";
        for (int b = 0; b < 5; b++)
            if (i & (1 << b))
                name[letters[b]] = (char)(name[letters[b]] - 32);
        methods[i] = "POST";
        paths[i] = path;
        bodies[i] = xasprintf("{\"name\":\"%s\"}", name);
    }
    onb_parallel(N, methods, paths, (const char *const *)bodies, res);
    for (int i = 0; i < N; i++) {
        if (res[i].status == 201)
            created++;
        else if (res[i].status == 409 && strcmp(res[i].code, "0002") == 0)
            conflicts++;
        else
            cr_expect_fail("request %d: unexpected %ld %s", i, res[i].status, res[i].code);
        free(bodies[i]);
    }
    cr_expect_eq(created, 1, "exactly one create must win (created %d, conflicts %d)", created, conflicts);
    cr_expect_eq(conflicts, N - 1, "the others get 409 0002");

    it_response r;
    onb_reqf("HEAD", NULL, &r, "/v1/organizations/%s/ledgers/metrics/count", org);
    cr_expect_str_eq(it_header_get(&r, "X-Total-Count"), "1", "%s", it_describe(&r));
    it_response_free(&r);
    free(path);
    free(org);
}

/* ---- count --------------------------------------------------------------------------------------- */

Test(onb_ledgers, count_head)
{
    char *org = onb_create_org(NULL);
    char *other = onb_create_org(NULL);
    it_response r;

    onb_reqf("HEAD", NULL, &r, "/v1/organizations/%s/ledgers/metrics/count", org);
    cr_assert_eq(r.status, 204, "%s", it_describe(&r));
    cr_expect_str_eq(it_header_get(&r, "X-Total-Count"), "0");
    it_response_free(&r);
    for (int i = 0; i < 3; i++) {
        char name[16];
        snprintf(name, sizeof(name), "count %d", i);
        free(onb_create_ledger(org, name, NULL));
    }
    free(onb_create_ledger(other, "elsewhere", NULL));
    onb_reqf("HEAD", NULL, &r, "/v1/organizations/%s/ledgers/metrics/count?name=zzz&limit=0", org);
    cr_assert_eq(r.status, 204, "%s", it_describe(&r));
    cr_expect_eq(r.body_len, 0);
    cr_expect_str_eq(it_header_get(&r, "Content-Length"), "0");
    cr_expect_str_eq(it_header_get(&r, "X-Total-Count"), "3", "%s", it_describe(&r));
    it_response_free(&r);
    free(org);
    free(other);
}

/* ---- delete through the portfolio close call ----------------------------------------------------- */

/* Per test process: whether this test stopped the portfolio service and did not restart it yet. */
static bool portfolio_stopped = false;
static onb_fake_portfolio *fake = NULL;

static void restore_portfolio(void)
{
    onb_fake_portfolio_stop(fake);
    fake = NULL;
    if (portfolio_stopped) {
        fprintf(stderr, "[it] restarting portfolio after the ledger delete test\n");
        if (it_stack("start", "portfolio") != 0)
            fprintf(stderr, "[it] could not restart portfolio: later tests will fail\n");
        portfolio_stopped = false;
    }
}

static bool readyz_healthy(const it_response *r, void *arg)
{
    const char *s = it_json_str(r, "status");
    (void)arg;
    return r->status == 200 && s != NULL && strcmp(s, "healthy") == 0;
}

Test(onb_ledgers, delete_refused_while_portfolio_cannot_close)
{
    char *org = onb_create_org(NULL);
    char *ledger = onb_create_ledger(org, "cannot close", NULL);
    char probe_o[UUID_STR_LEN + 1];
    char probe_l[UUID_STR_LEN + 1];
    char *close_url = NULL;
    char *close_path = NULL;
    it_response probe;
    it_response r;

    /* Does the real portfolio service serve the close call yet? (Random ids: no side effect.) */
    uuid_v7_str(probe_o);
    uuid_v7_str(probe_l);
    close_path = xasprintf("/internal/v1/organizations/%s/ledgers/%s/close", probe_o, probe_l);
    close_url = it_url("PORTFOLIO_URL", close_path);
    it_request("POST", close_url, NULL, NULL, 0, &probe);
    const char *probe_code = it_json_str(&probe, "code");
    bool endpoint_missing = probe.status == 404 && probe_code && strcmp(probe_code, "0484") == 0;
    cr_log_info("portfolio close endpoint answers %ld %s", probe.status, probe_code ? probe_code : "");

    onb_reqf("DELETE", NULL, &r, "/v1/organizations/%s/ledgers/%s", org, ledger);
    if (endpoint_missing) {
        /* Not built yet: any answer other than 204 / 422 0008 is 503 0901 and nothing changes. */
        onb_assert_error(&r, 503, "0901", NULL);
        cr_expect_eq(ledger_status(org, ledger), 200, "the ledger must still exist");
    } else {
        /* The portfolio issue landed: a ledger without accounts closes and is deleted. */
        cr_expect_eq(r.status, 204, "%s", it_describe(&r));
        cr_expect_eq(ledger_status(org, ledger), 404, "the ledger must be gone");
    }
    it_response_free(&r);
    it_response_free(&probe);
    free(close_url);
    free(close_path);
    free(ledger);
    free(org);
}

Test(onb_ledgers, delete_through_portfolio_close_call, .fini = restore_portfolio, .timeout = 240)
{
    char *org = onb_create_org(NULL);
    char *l_ok = onb_create_ledger(org, "closes", NULL);
    char *l_refuse = onb_create_ledger(org, "has accounts", NULL);
    char *l_other = onb_create_ledger(org, "odd answer", NULL);
    int port = onb_url_port("PORTFOLIO_URL");
    it_kafka_consumer *kc = it_kafka_consumer_new(onb_topic());
    it_kafka_record *recs = NULL;
    size_t n = 0;
    it_response r;
    char rid[160];

    /* 1. portfolio stopped: unreachable -> 503 0901, the ledger is untouched */
    int rc = it_stack("stop", "portfolio");
    cr_assert_eq(rc, 0, "stack.sh stop portfolio failed (%d)", rc);
    portfolio_stopped = true;
    onb_reqf("DELETE", NULL, &r, "/v1/organizations/%s/ledgers/%s", org, l_ok);
    onb_assert_error(&r, 503, "0901", NULL);
    it_response_free(&r);
    cr_expect_eq(ledger_status(org, l_ok), 200, "the ledger must still exist");

    /* 2. a stand-in on the portfolio port answers the close call */
    fake = onb_fake_portfolio_start(port);
    onb_fake_portfolio_set(fake, l_ok, ONB_FAKE_CLOSE_OK);
    onb_fake_portfolio_set(fake, l_refuse, ONB_FAKE_CLOSE_REFUSE);
    onb_fake_portfolio_set(fake, l_other, ONB_FAKE_CLOSE_OTHER);

    const char *hdr[] = {"X-Request-Id: onb-close-refuse-1", NULL};
    char *p_refuse = xasprintf("/v1/organizations/%s/ledgers/%s", org, l_refuse);
    onb_req_h("DELETE", p_refuse, hdr, NULL, &r);
    onb_assert_error(&r, 422, "0008", NULL);
    it_response_free(&r);
    cr_expect_eq(onb_fake_portfolio_calls(fake, l_refuse, rid, sizeof(rid)), 1, "one close call");
    cr_expect_str_eq(rid, "onb-close-refuse-1", "X-Request-Id is propagated to the close call");
    cr_expect_eq(ledger_status(org, l_refuse), 200, "refused: the ledger must still exist");

    onb_reqf("DELETE", NULL, &r, "/v1/organizations/%s/ledgers/%s", org, l_other);
    onb_assert_error(&r, 503, "0901", NULL);
    it_response_free(&r);
    cr_expect_eq(onb_fake_portfolio_calls(fake, l_other, NULL, 0), 1);
    cr_expect_eq(ledger_status(org, l_other), 200, "other answer: the ledger must still exist");

    onb_reqf("DELETE", NULL, &r, "/v1/organizations/%s/ledgers/%s", org, l_ok);
    cr_expect_eq(r.status, 204, "%s", it_describe(&r));
    cr_expect_eq(r.body_len, 0);
    it_response_free(&r);
    cr_expect_eq(onb_fake_portfolio_calls(fake, l_ok, NULL, 0), 1);

    /* deleted: 0007 everywhere, the name is free again, the count drops */
    onb_reqf("GET", NULL, &r, "/v1/organizations/%s/ledgers/%s", org, l_ok);
    onb_assert_error(&r, 404, "0007", NULL);
    cr_expect_str_eq(it_json_str(&r, "entityType"), "Ledger");
    it_response_free(&r);
    onb_reqf("DELETE", NULL, &r, "/v1/organizations/%s/ledgers/%s", org, l_ok);
    onb_assert_error(&r, 404, "0007", NULL);
    it_response_free(&r);
    cr_expect_eq(onb_fake_portfolio_calls(fake, l_ok, NULL, 0), 1, "no close call for a deleted ledger");
    onb_reqf("PATCH", "{\"name\":\"x\"}", &r, "/v1/organizations/%s/ledgers/%s", org, l_ok);
    onb_assert_error(&r, 404, "0007", NULL);
    it_response_free(&r);
    onb_reqf("HEAD", NULL, &r, "/v1/organizations/%s/ledgers/metrics/count", org);
    cr_expect_str_eq(it_header_get(&r, "X-Total-Count"), "2", "%s", it_describe(&r));
    it_response_free(&r);
    char *reused = onb_create_ledger(org, "CLOSES", NULL);

    /* events: ledger.deleted once, with deletedAt = ce_time; none for the refused deletes. The whole
     * organization's stream: organization.created, 4 x ledger.created, 1 x ledger.deleted. */
    onb_events_for(kc, org, true, 6, 30000, 2000, &recs, &n);
    cr_expect_eq(n, 6, "events of the organization: got %zu", n);
    cr_expect_eq(onb_events_count_type(recs, n, "studio.lerian.ledger.created"), 4);
    cr_expect_eq(onb_events_count_type(recs, n, "studio.lerian.ledger.deleted"), 1);
    const it_kafka_record *d = onb_events_find(recs, n, "studio.lerian.ledger.deleted");
    if (d) {
        json_object *v = onb_parse(d->value);
        cr_expect_str_eq(d->key, l_ok);
        cr_expect_str_eq(it_kafka_header_get(d, "ce_subject"), l_ok);
        cr_expect_str_eq(it_kafka_header_get(d, "ce_ledgerid"), l_ok);
        cr_expect_str_eq(it_kafka_header_get(d, "ce_organizationid"), org);
        cr_expect_str_eq(onb_jstr(v, "id"), l_ok);
        cr_expect(onb_jstr(v, "deletedAt") && strcmp(onb_jstr(v, "deletedAt"), it_kafka_header_get(d, "ce_time")) == 0,
                  "deletedAt = ce_time: %s", d->value);
        json_object_put(v);
    }
    it_kafka_records_free(recs, n);
    it_kafka_consumer_free(kc);

    /* the organization still has live ledgers */
    onb_reqf("DELETE", NULL, &r, "/v1/organizations/%s", org);
    onb_assert_error(&r, 422, "0008", NULL);
    it_response_free(&r);

    /* 3. give the real portfolio service back */
    onb_fake_portfolio_stop(fake);
    fake = NULL;
    rc = it_stack("start", "portfolio");
    cr_assert_eq(rc, 0, "stack.sh start portfolio failed (%d)", rc);
    portfolio_stopped = false;
    char *readyz = it_url("PORTFOLIO_URL", "/readyz");
    cr_expect(it_wait_until(readyz, READY_TIMEOUT_MS, readyz_healthy, NULL, &r), "portfolio ready: %s",
              it_describe(&r));
    it_response_free(&r);

    free(readyz);
    free(reused);
    free(p_refuse);
    free(l_ok);
    free(l_refuse);
    free(l_other);
    free(org);
}
