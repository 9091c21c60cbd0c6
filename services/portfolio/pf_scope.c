/* Organization and ledger path checks with the read-through fallback (see pf_scope.h). The remote
 * lookups run outside any database transaction so no row lock is held across an HTTP call. */
#include "pf_scope.h"

#include "pf_remote.h"
#include "service/service.h"
#include "service/service_http.h"
#include "store_registry.h"

static void pf_scope_fill(http_request *r, pf_scope *s)
{
    service_path_id(r, "organization_id", s->org);
    service_path_id(r, "ledger_id", s->ledger);
}

/* Registry state of the organization, asking onboarding on a miss. -1 after replying 503/500. */
static int pf_scope_org(http_request *r, db_conn *c, const pf_scope *s, pf_reg_state *state, bool *asked)
{
    int64_t updated_us = 0;
    db_status st = pf_reg_org_state(c, s->org, state);

    *asked = false;
    if (st != DB_OK) {
        service_reply_db_error(r, st);
        return -1;
    }
    if (*state != PF_REG_UNKNOWN)
        return 0;
    *asked = true;
    switch (pf_remote_organization(http_req_id(r), s->org, &updated_us)) {
    case PF_LOOKUP_FOUND:
        break;
    case PF_LOOKUP_NOT_FOUND:
        *state = PF_REG_GONE;
        return 0;
    case PF_LOOKUP_UNAVAILABLE:
        http_reply_error(r, ERR_SERVICE_UNAVAILABLE, "organization lookup failed");
        return -1;
    }
    if ((st = pf_reg_org_register(c, s->org, updated_us)) != DB_OK ||
        (st = pf_reg_org_state(c, s->org, state)) != DB_OK) {
        service_reply_db_error(r, st);
        return -1;
    }
    return 0;
}

/* A ledger the registry does not know: ask onboarding once and register it when it exists. Returns 0
 * with *found, or -1 after replying 503/500. */
static int pf_scope_fetch_ledger(http_request *r, db_conn *c, const pf_scope *s, bool *found)
{
    int64_t updated_us = 0;
    db_status st = DB_OK;

    *found = false;
    switch (pf_remote_ledger(http_req_id(r), s->org, s->ledger, &updated_us)) {
    case PF_LOOKUP_FOUND:
        break;
    case PF_LOOKUP_NOT_FOUND:
        return 0;
    case PF_LOOKUP_UNAVAILABLE:
        http_reply_error(r, ERR_SERVICE_UNAVAILABLE, "ledger lookup failed");
        return -1;
    }
    if ((st = pf_reg_ledger_register(c, s->org, s->ledger, updated_us)) != DB_OK) {
        service_reply_db_error(r, st);
        return -1;
    }
    *found = true;
    return 0;
}

/* Registry state of the ledger, asking onboarding on a miss. -1 after replying 503/500. */
static int pf_scope_ledger(http_request *r, db_conn *c, const pf_scope *s, pf_reg_state *state)
{
    bool found = false;
    db_status st = pf_reg_ledger_state(c, s->org, s->ledger, state);

    if (st != DB_OK) {
        service_reply_db_error(r, st);
        return -1;
    }
    if (*state != PF_REG_UNKNOWN)
        return 0;
    if (pf_scope_fetch_ledger(r, c, s, &found) < 0)
        return -1;
    if (!found) {
        *state = PF_REG_GONE;
        return 0;
    }
    if ((st = pf_reg_ledger_state(c, s->org, s->ledger, state)) != DB_OK) {
        service_reply_db_error(r, st);
        return -1;
    }
    return 0;
}

int pf_scope_or_reply(http_request *r, db_conn *c, pf_scope *s)
{
    pf_reg_state org = PF_REG_UNKNOWN;
    pf_reg_state ledger = PF_REG_UNKNOWN;
    bool asked = false;
    int64_t updated_us = 0;

    pf_scope_fill(r, s);
    if (pf_scope_org(r, c, s, &org, &asked) < 0)
        return -1;
    if (org != PF_REG_LIVE) {
        service_reply_not_found(r, ERR_ORGANIZATION_NOT_FOUND, "Organization");
        return -1;
    }
    if (pf_scope_ledger(r, c, s, &ledger) < 0)
        return -1;
    if (ledger == PF_REG_LIVE)
        return 0;
    /* A gone ledger under an organization we only know from the registry: the organization may have
     * been deleted since (its event still on its way), so ask once to answer 0038 rather than 0037.
     * A failed lookup keeps 0037, which is true either way. */
    if (!asked && pf_remote_organization(http_req_id(r), s->org, &updated_us) == PF_LOOKUP_NOT_FOUND)
        service_reply_not_found(r, ERR_ORGANIZATION_NOT_FOUND, "Organization");
    else
        service_reply_not_found(r, ERR_LEDGER_NOT_FOUND, "Ledger");
    return -1;
}

int pf_scope_register_ledger_or_reply(http_request *r, db_conn *c, pf_scope *s, bool *exists)
{
    pf_reg_state ledger = PF_REG_UNKNOWN;
    db_status st = DB_OK;

    pf_scope_fill(r, s);
    *exists = false;
    if ((st = pf_reg_ledger_state(c, s->org, s->ledger, &ledger)) != DB_OK) {
        service_reply_db_error(r, st);
        return -1;
    }
    if (ledger != PF_REG_UNKNOWN) {
        *exists = true;
        return 0;
    }
    return pf_scope_fetch_ledger(r, c, s, exists);
}

db_status pf_scope_lock(db_conn *c, const pf_scope *s, bool *live)
{
    return pf_reg_ledger_lock_live(c, s->org, s->ledger, live);
}
