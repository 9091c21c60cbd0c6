/* The ledger delete rule end to end (api.md "Ledgers": onboarding asks the portfolio service to close
 * the ledger; live accounts -> 422 0008; afterwards every child create answers 0037), the internal
 * close itself, and the read-only /internal mirrors the transaction service's fallback uses (served on
 * the portfolio port, never routed by the gateway). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "harness.h"
#include "pf_it.h"
#include "util/mem.h"

static void ledger_call(it_response *r, const char *method, const pf_ctx *c)
{
    char *path = xasprintf("/v1/organizations/%s/ledgers/%s", c->org, c->ledger);
    char *url = it_url("GATEWAY_URL", path);
    it_request(method, url, NULL, NULL, 0, r);
    free(url);
    free(path);
}

Test(portfolio_ledgers, delete_with_accounts_is_0008_end_to_end, .timeout = 60)
{
    pf_ctx c;
    it_response r;

    pf_ctx_new(&c);
    /* an asset alone already blocks: its external account is a live account */
    pf_create(&c, "/assets", "{\"name\":\"Real\",\"type\":\"currency\",\"code\":\"BRL\"}", NULL);
    ledger_call(&r, "DELETE", &c);
    pf_assert_error(&r, 422, "0008", NULL);
    it_response_free(&r);

    /* the ledger is still there and still usable */
    ledger_call(&r, "GET", &c);
    cr_expect_eq(r.status, 200, "%s", it_describe(&r));
    it_response_free(&r);
    pf_create(&c, "/accounts", "{\"assetCode\":\"BRL\",\"type\":\"deposit\"}", NULL);
    ledger_call(&r, "DELETE", &c);
    pf_assert_error(&r, 422, "0008", NULL);
    it_response_free(&r);
}

Test(portfolio_ledgers, delete_without_accounts_then_children_are_0037, .timeout = 60)
{
    pf_ctx c;
    it_response r;
    char seg[UUID_STR_LEN + 1];

    pf_ctx_new(&c);
    /* segments and portfolios do not block */
    pf_create(&c, "/segments", "{\"name\":\"S\"}", seg);
    pf_create(&c, "/portfolios", "{\"name\":\"P\"}", NULL);
    ledger_call(&r, "DELETE", &c);
    cr_assert_eq(r.status, 204, "%s", it_describe(&r));
    it_response_free(&r);

    /* at once, without waiting for the ledger.deleted event */
    pf_call(&r, "POST", &c, "{\"name\":\"Real\",\"type\":\"currency\",\"code\":\"BRL\"}", "/assets");
    pf_assert_error(&r, 404, "0037", NULL);
    it_response_free(&r);
    pf_call(&r, "POST", &c, "{\"name\":\"S2\"}", "/segments");
    pf_assert_error(&r, 404, "0037", NULL);
    it_response_free(&r);
    pf_call(&r, "POST", &c, "{\"assetCode\":\"BRL\",\"type\":\"x\"}", "/accounts");
    pf_assert_error(&r, 404, "0037", NULL);
    it_response_free(&r);
    pf_call(&r, "GET", &c, NULL, "/segments/%s", seg);
    pf_assert_error(&r, 404, "0037", NULL);
    it_response_free(&r);
    pf_call(&r, "GET", &c, NULL, "/portfolios");
    pf_assert_error(&r, 404, "0037", NULL);
    it_response_free(&r);
}

Test(portfolio_ledgers, internal_close_direct, .timeout = 60)
{
    pf_ctx c;
    pf_ctx other;
    it_response r;
    char missing[UUID_STR_LEN + 1];

    pf_ctx_new(&c);
    pf_create(&c, "/assets", "{\"name\":\"Gold\",\"type\":\"commodity\",\"code\":\"XAU\"}", NULL);

    /* never routed by the gateway */
    {
        char *path = xasprintf("/internal/v1/organizations/%s/ledgers/%s/close", c.org, c.ledger);
        char *gw = it_url("GATEWAY_URL", path);
        char *direct = it_url("PORTFOLIO_URL", path);
        it_request("POST", gw, NULL, NULL, 0, &r);
        pf_assert_error(&r, 404, "0484", NULL);
        it_response_free(&r);
        it_request("POST", direct, NULL, NULL, 0, &r);
        pf_assert_error(&r, 422, "0008", NULL);
        it_response_free(&r);
        free(path);
        free(gw);
        free(direct);
    }

    /* a ledger the portfolio service never saw: registered through the read-through, then closed */
    pf_ctx_new_ledger(&c, &other);
    {
        char *path = xasprintf("/internal/v1/organizations/%s/ledgers/%s/close", other.org, other.ledger);
        char *direct = it_url("PORTFOLIO_URL", path);
        it_request("POST", direct, NULL, NULL, 0, &r);
        cr_expect_eq(r.status, 204, "%s", it_describe(&r));
        it_response_free(&r);
        /* closing twice is fine */
        it_request("POST", direct, NULL, NULL, 0, &r);
        cr_expect_eq(r.status, 204, "%s", it_describe(&r));
        it_response_free(&r);
        free(path);
        free(direct);
    }
    pf_call(&r, "POST", &other, "{\"name\":\"S\"}", "/segments");
    pf_assert_error(&r, 404, "0037", NULL);
    it_response_free(&r);

    /* unknown to onboarding too */
    uuid_v7_str(missing);
    {
        char *path = xasprintf("/internal/v1/organizations/%s/ledgers/%s/close", c.org, missing);
        char *direct = it_url("PORTFOLIO_URL", path);
        it_request("POST", direct, NULL, NULL, 0, &r);
        pf_assert_error(&r, 404, "0037", NULL);
        it_response_free(&r);
        free(path);
        free(direct);
    }
}

/* GET the same suffix through the gateway's public route and the portfolio's /internal mirror. */
static void compare_mirror(const pf_ctx *c, const char *suffix, long want)
{
    it_response pub;
    it_response in;
    char *path = xasprintf("/internal/v1/organizations/%s/ledgers/%s%s", c->org, c->ledger, suffix);
    char *direct = it_url("PORTFOLIO_URL", path);
    char *gw = it_url("GATEWAY_URL", path);

    pf_call(&pub, "GET", c, NULL, "%s", suffix);
    it_get(direct, &in);
    cr_expect_eq(pub.status, want, "public %s: %s", suffix, it_describe(&pub));
    cr_expect_eq(in.status, want, "internal %s: %s", suffix, it_describe(&in));
    if (want == 200)
        cr_expect_str_eq(in.body, pub.body, "mirror %s differs", suffix);
    else
        cr_expect_str_eq(pf_str(&in, "code"), pf_str(&pub, "code"), "mirror %s code differs", suffix);
    it_response_free(&pub);
    it_response_free(&in);

    it_get(gw, &in);
    pf_assert_error(&in, 404, "0484", NULL);
    it_response_free(&in);
    free(path);
    free(direct);
    free(gw);
}

Test(portfolio_ledgers, internal_read_only_mirrors, .timeout = 60)
{
    pf_ctx c;
    char acc[UUID_STR_LEN + 1];
    char pf[UUID_STR_LEN + 1];
    char missing[UUID_STR_LEN + 1];
    char suffix[128];

    pf_ctx_new(&c);
    uuid_v7_str(missing);
    pf_create(&c, "/assets", "{\"name\":\"Real\",\"type\":\"currency\",\"code\":\"BRL\"}", NULL);
    pf_create(&c, "/portfolios", "{\"name\":\"P\"}", pf);
    pf_create(&c, "/accounts", "{\"assetCode\":\"BRL\",\"type\":\"deposit\",\"alias\":\"@mirror\"}", acc);

    snprintf(suffix, sizeof(suffix), "/accounts/%s", acc);
    compare_mirror(&c, suffix, 200);
    compare_mirror(&c, "/accounts/alias/%40mirror", 200);
    compare_mirror(&c, "/accounts/external/BRL", 200);
    snprintf(suffix, sizeof(suffix), "/portfolios/%s", pf);
    compare_mirror(&c, suffix, 200);
    snprintf(suffix, sizeof(suffix), "/accounts/%s", missing);
    compare_mirror(&c, suffix, 404);
    compare_mirror(&c, "/accounts/alias/nobody", 404);
    compare_mirror(&c, "/accounts/external/EUR", 404);
}

Test(portfolio_ledgers, deleted_organization_answers_0038, .timeout = 60)
{
    pf_ctx c;
    it_response r;
    char *org_path = NULL;
    char *org_url = NULL;

    pf_ctx_new(&c);
    pf_create(&c, "/segments", "{\"name\":\"S\"}", NULL); /* the portfolio service knows both */
    ledger_call(&r, "DELETE", &c);
    cr_assert_eq(r.status, 204, "%s", it_describe(&r));
    it_response_free(&r);
    org_path = xasprintf("/v1/organizations/%s", c.org);
    org_url = it_url("GATEWAY_URL", org_path);
    it_request("DELETE", org_url, NULL, NULL, 0, &r);
    cr_assert_eq(r.status, 204, "%s", it_describe(&r));
    it_response_free(&r);

    /* at once: the organization check comes first, whatever the events have delivered yet */
    pf_call(&r, "GET", &c, NULL, "/segments");
    pf_assert_error(&r, 404, "0038", NULL);
    it_response_free(&r);
    pf_call(&r, "POST", &c, "{\"name\":\"Real\",\"type\":\"currency\",\"code\":\"BRL\"}", "/assets");
    pf_assert_error(&r, 404, "0038", NULL);
    it_response_free(&r);
    free(org_path);
    free(org_url);
}
