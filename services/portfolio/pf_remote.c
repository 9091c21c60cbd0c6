/* Internal calls of the portfolio service (see pf_remote.h): builds the paths, makes the call through
 * common/client and classifies the answer. It never retries: the caller answers 503 0901 instead. */
#include "pf_remote.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/internal_client.h"
#include "json/json.h"
#include "log/log.h"
#include "service/service.h"
#include "timeutil/timeutil.h"
#include "util/mem.h"

#define PF_DEFAULT_TIMEOUT_MS 2000

static int pf_remote_timeout(void)
{
    const service_config *cfg = service_config_get();
    return cfg && cfg->internal_timeout_ms > 0 ? cfg->internal_timeout_ms : PF_DEFAULT_TIMEOUT_MS;
}

static const char *pf_remote_base(const char *which)
{
    const service_config *cfg = service_config_get();
    const char *url = NULL;

    if (cfg)
        url = strcmp(which, "onboarding") == 0 ? cfg->onboarding_url : cfg->transaction_url;
    if (url && url[0])
        return url;
    return strcmp(which, "onboarding") == 0 ? "http://127.0.0.1:3001" : "http://127.0.0.1:3003";
}

/* The updatedAt member of a JSON entity body, or now when missing/unparseable. */
static int64_t pf_remote_updated_at(const internal_response *resp)
{
    api_error e = {0};
    json_object *obj = NULL;
    int64_t us = time_now_us();
    const char *text = NULL;

    if (resp->body && json_parse_strict(resp->body, resp->len, 64, &obj, NULL, &e) == 0) {
        text = json_get_text(obj, "updatedAt");
        if (!text || time_parse_rfc3339(text, &us) < 0)
            us = time_now_us();
    }
    api_error_clear(&e);
    json_object_put(obj);
    return us;
}

static pf_lookup_result pf_remote_lookup(const char *request_id, const char *path, int64_t *updated_us)
{
    internal_response resp = {0};
    internal_call_status cs = internal_call("GET", pf_remote_base("onboarding"), path, request_id, NULL, 0,
                                            pf_remote_timeout(), &resp);
    pf_lookup_result out = PF_LOOKUP_UNAVAILABLE;

    if (cs != INTERNAL_OK) {
        log_warn("read-through %s: onboarding %s", path,
                 cs == INTERNAL_TIMEOUT ? "timed out" : "unreachable");
    } else if (resp.status == 200) {
        *updated_us = pf_remote_updated_at(&resp);
        out = PF_LOOKUP_FOUND;
    } else if (resp.status == 404) {
        out = PF_LOOKUP_NOT_FOUND;
    } else {
        log_warn("read-through %s: onboarding answered %d", path, resp.status);
    }
    internal_response_clear(&resp);
    return out;
}

pf_lookup_result pf_remote_organization(const char *request_id, const char *org_id, int64_t *updated_us)
{
    char path[128];

    snprintf(path, sizeof(path), "/internal/v1/organizations/%s", org_id);
    return pf_remote_lookup(request_id, path, updated_us);
}

pf_lookup_result pf_remote_ledger(const char *request_id, const char *org_id, const char *ledger_id,
                                  int64_t *updated_us)
{
    char path[192];

    snprintf(path, sizeof(path), "/internal/v1/organizations/%s/ledgers/%s", org_id, ledger_id);
    return pf_remote_lookup(request_id, path, updated_us);
}

/* True when the body is an error envelope whose code is `code`. */
static bool pf_remote_error_code_is(const internal_response *resp, const char *code)
{
    api_error e = {0};
    json_object *obj = NULL;
    bool yes = false;
    const char *got = NULL;

    if (resp->body && json_parse_strict(resp->body, resp->len, 64, &obj, NULL, &e) == 0) {
        got = json_get_text(obj, "code");
        yes = got && strcmp(got, code) == 0;
    }
    api_error_clear(&e);
    json_object_put(obj);
    return yes;
}

pf_close_result pf_remote_close_balances(const char *request_id, const char *org_id, const char *ledger_id,
                                         const char *account_id)
{
    char path[256];
    internal_response resp = {0};
    internal_call_status cs = INTERNAL_OK;
    pf_close_result out = PF_CLOSE_UNAVAILABLE;

    snprintf(path, sizeof(path), "/internal/v1/organizations/%s/ledgers/%s/accounts/%s/balances/close",
             org_id, ledger_id, account_id);
    cs = internal_call("POST", pf_remote_base("transaction"), path, request_id, NULL, 0, pf_remote_timeout(),
                       &resp);
    if (cs != INTERNAL_OK) {
        log_warn("balance close %s: transaction service %s", path,
                 cs == INTERNAL_TIMEOUT ? "timed out" : "unreachable");
    } else if (resp.status == 204) {
        out = PF_CLOSE_DONE;
    } else if (resp.status == 400 && pf_remote_error_code_is(&resp, "0012")) {
        out = PF_CLOSE_NONZERO;
    } else {
        /* Includes 404 0484 from a transaction service that does not serve the close yet. */
        log_warn("balance close %s: transaction service answered %d", path, resp.status);
    }
    internal_response_clear(&resp);
    return out;
}

int pf_remote_sync_account(const char *request_id, const char *org_id, const char *ledger_id,
                           const char *account_id, const char *json, size_t len)
{
    char path[256];
    internal_response resp = {0};
    internal_call_status cs = INTERNAL_OK;
    int rc = -1;

    snprintf(path, sizeof(path), "/internal/v1/organizations/%s/ledgers/%s/accounts/%s/registry", org_id,
             ledger_id, account_id);
    cs = internal_call("POST", pf_remote_base("transaction"), path, request_id, json, len,
                       pf_remote_timeout(), &resp);
    if (cs != INTERNAL_OK)
        log_warn("account registry %s: transaction service %s", path,
                 cs == INTERNAL_TIMEOUT ? "timed out" : "unreachable");
    else if (resp.status == 204)
        rc = 0;
    else
        log_warn("account registry %s: transaction service answered %d", path, resp.status);
    internal_response_clear(&resp);
    return rc;
}
