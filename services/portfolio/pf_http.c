/* Reply and representation helpers of the portfolio handlers (see pf_http.h). They reply through
 * common/http and common/service only and never run SQL themselves. */
#include "pf_http.h"

#include "service/service.h"
#include "service/service_http.h"

void pf_json_add_head(json_object *obj, const pf_base *b)
{
    json_object_object_add(obj, "id", json_object_new_string(b->id));
    json_object_object_add(obj, "organizationId", json_object_new_string(b->organization_id));
    json_object_object_add(obj, "ledgerId", json_object_new_string(b->ledger_id));
}

void pf_json_add_tail(json_object *obj, const pf_base *b)
{
    service_json_add_common(obj, &b->common);
}

void pf_reply_write(http_request *r, pf_outcome outcome, db_status st, const char *entity_type, int status,
                    json_object *entity)
{
    switch (outcome) {
    case PF_OK:
        break;
    case PF_NOT_FOUND:
        service_reply_not_found(r, ERR_ENTITY_NOT_FOUND, entity_type);
        return;
    case PF_LEDGER_GONE:
        service_reply_not_found(r, ERR_LEDGER_NOT_FOUND, "Ledger");
        return;
    case PF_ASSET_DUPLICATE:
        http_reply_error(r, ERR_ASSET_DUPLICATE, "a live asset of the ledger already has this code or name");
        return;
    case PF_SEGMENT_DUPLICATE:
        http_reply_error(r, ERR_DUPLICATE_SEGMENT_NAME, "a live segment of the ledger already has this name");
        return;
    case PF_ALIAS_TAKEN:
        http_reply_error(r, ERR_ALIAS_UNAVAILABLE, "a live account of the ledger already has this alias");
        return;
    case PF_IN_USE:
        http_reply_error(r, ERR_ACTION_NOT_PERMITTED, "%s is still in use",
                         entity_type ? entity_type : "the entity");
        return;
    case PF_ASSET_CODE_MISSING:
        http_reply_error(r, ERR_ASSET_CODE_NOT_FOUND, "no live asset of the ledger has this assetCode");
        return;
    case PF_PORTFOLIO_MISSING:
        http_reply_error(r, ERR_PORTFOLIO_NOT_FOUND, "portfolioId is not a live portfolio of the ledger");
        return;
    case PF_SEGMENT_MISSING:
        http_reply_error(r, ERR_SEGMENT_NOT_FOUND, "segmentId is not a live segment of the ledger");
        return;
    case PF_PARENT_INVALID:
        http_reply_error(r, ERR_INVALID_PARENT_ACCOUNT,
                         "parentAccountId is not a live account of the ledger in the given portfolio");
        return;
    case PF_PARENT_ASSET_MISMATCH:
        http_reply_error(r, ERR_MISMATCHED_ASSET_CODE, "the parent account has another assetCode");
        return;
    case PF_EXTERNAL_IMMUTABLE:
        http_reply_error(r, ERR_EXTERNAL_ACCOUNT_MODIFICATION,
                         "external accounts cannot be changed or deleted");
        return;
    case PF_BALANCE_NONZERO:
        http_reply_error(r, ERR_ACCOUNT_BALANCE_DELETION, "a balance of the account is not zero");
        return;
    case PF_UNAVAILABLE:
        http_reply_error(r, ERR_SERVICE_UNAVAILABLE, "a dependency is unavailable");
        return;
    case PF_CREATION_FAILED:
        http_reply_error(r, ERR_ACCOUNT_CREATION_FAILED, "the account could not be created");
        return;
    }
    if (st != DB_OK) {
        service_reply_db_error(r, st);
        return;
    }
    if (status == 204)
        http_reply_empty(r, 204);
    else
        http_reply_json(r, status, json_object_get(entity));
}
