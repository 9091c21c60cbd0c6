/* Request/response helpers shared by the portfolio handlers (see pf_http.h). They reply through
 * common/http only and never run SQL themselves. */
#include "pf_http.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "json/json.h"
#include "service/service.h"
#include "timeutil/timeutil.h"
#include "uuid/uuid.h"

db_conn *pf_db_or_reply(http_request *r)
{
    service_worker *w = service_worker_of(r);
    db_conn *c = w ? service_worker_db(w) : NULL;

    if (!c)
        service_reply_db_error(r, DB_UNAVAILABLE);
    return c;
}

int pf_body_or_reply(http_request *r, pf_schema_chooser choose, json_mode mode, json_object **out)
{
    api_error e = {0};
    json_parse_info info = {0};
    json_object *body = NULL;
    size_t len = 0;
    const char *text = http_req_body(r, &len);

    *out = NULL;
    if (json_parse_strict(text, len, JSON_MAX_DEPTH, &body, &info, &e) < 0 ||
        json_validate(choose(body), body, mode, &info, &e) < 0) {
        if (!api_error_is_set(&e))
            api_error_set(&e, ERR_UNMARSHALLING, "invalid request body");
        http_reply_api_error(r, &e);
        api_error_clear(&e);
        json_object_put(body);
        return -1;
    }
    *out = body;
    return 0;
}

int pf_page_params_or_reply(http_request *r, const char *const *filter_names, page_params *p)
{
    const query_param *params = NULL;
    size_t n = http_req_query(r, &params);
    api_error e = {0};

    if (page_params_parse(params, n, PAGE_OFFSET, filter_names, p, &e) < 0) {
        http_reply_api_error(r, &e);
        api_error_clear(&e);
        return -1;
    }
    return 0;
}

void pf_reply_not_found(http_request *r, err_id id, const char *entity_type)
{
    api_error e = {0};

    api_error_set(&e, id, "%s not found", entity_type ? entity_type : "entity");
    if (id == ERR_ENTITY_NOT_FOUND)
        e.entity_type = entity_type;
    http_reply_api_error(r, &e);
    api_error_clear(&e);
}

void pf_reply_bad_filter(http_request *r, const char *param, const char *reason)
{
    api_error e = {0};

    api_error_set(&e, ERR_INVALID_QUERY_PARAMETER, "invalid value of query parameter %s", param);
    api_error_field(&e, param, "%s", reason);
    http_reply_api_error(r, &e);
    api_error_clear(&e);
}

void pf_reply_count(http_request *r, int64_t n)
{
    char text[24];

    snprintf(text, sizeof(text), "%" PRId64, n);
    http_reply_set_header(r, "X-Total-Count", text);
    http_reply_empty(r, 204);
}

json_object *pf_json_text(const char *s)
{
    return s ? json_object_new_string(s) : NULL;
}

json_object *pf_json_time(int64_t us)
{
    char text[TIME_STR_MAX];

    if (us < 0)
        return NULL;
    time_format_us(us, text, sizeof(text));
    return json_object_new_string(text);
}

void pf_json_add_head(json_object *obj, const pf_base *b)
{
    json_object_object_add(obj, "id", json_object_new_string(b->id));
    json_object_object_add(obj, "organizationId", json_object_new_string(b->organization_id));
    json_object_object_add(obj, "ledgerId", json_object_new_string(b->ledger_id));
}

void pf_json_add_tail(json_object *obj, const pf_base *b)
{
    json_object *status = json_object_new_object();

    json_object_object_add(status, "code", json_object_new_string(b->status_code ? b->status_code : ""));
    json_object_object_add(status, "description", pf_json_text(b->status_description));
    json_object_object_add(obj, "status", status);
    json_object_object_add(obj, "metadata",
                           b->metadata ? json_object_get(b->metadata) : json_object_new_object());
    json_object_object_add(obj, "createdAt", pf_json_time(b->created_us));
    json_object_object_add(obj, "updatedAt", pf_json_time(b->updated_us));
    json_object_object_add(obj, "deletedAt", pf_json_time(b->deleted_us));
}

json_object *pf_list_envelope(json_object *items, const page_params *p)
{
    json_object *env = json_object_new_object();

    json_object_object_add(env, "items", items);
    json_object_object_add(env, "page", json_object_new_int64(p->page));
    json_object_object_add(env, "limit", json_object_new_int(p->limit));
    return env;
}

void pf_reply_write(http_request *r, pf_outcome outcome, db_status st, const char *entity_type, int status,
                    json_object *entity)
{
    switch (outcome) {
    case PF_OK:
        break;
    case PF_NOT_FOUND:
        pf_reply_not_found(r, ERR_ENTITY_NOT_FOUND, entity_type);
        return;
    case PF_LEDGER_GONE:
        pf_reply_not_found(r, ERR_LEDGER_NOT_FOUND, "Ledger");
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

void pf_path_id(http_request *r, const char *name, char out[UUID_STR_LEN + 1])
{
    const char *v = http_req_param(r, name);

    if (!v || uuid_normalize(v, out) < 0)
        snprintf(out, UUID_STR_LEN + 1, "%s", v ? v : "");
}
