/* Small request/response helpers for the transaction service handlers: connections, cursor list
 * parameters, normalised path ids and the common replies. It must not hold SQL or business rules. */
#include "tx_http.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "service/service.h"
#include "uuid/uuid.h"

db_conn *tx_db_or_reply(http_request *r)
{
    service_worker *w = service_worker_of(r);
    db_conn *c = w ? service_worker_db(w) : NULL;
    if (!c)
        service_reply_db_error(r, DB_UNAVAILABLE);
    return c;
}

cache *tx_cache(http_request *r)
{
    service_worker *w = service_worker_of(r);
    return w ? w->cache : NULL;
}

void tx_path_id(http_request *r, const char *name, char out[TXN_ID_LEN])
{
    const char *v = http_req_param(r, name);
    if (!v || uuid_normalize(v, out) < 0)
        snprintf(out, TXN_ID_LEN, "%s", v ? v : "");
}

int tx_page_params_or_reply(http_request *r, const char *const *filter_names, page_params *p)
{
    const query_param *q = NULL;
    size_t n = http_req_query(r, &q);
    api_error e = {0};
    if (page_params_parse(q, n, PAGE_CURSOR, filter_names, p, &e) < 0) {
        http_reply_api_error(r, &e);
        api_error_clear(&e);
        return -1;
    }
    return 0;
}

void tx_reply_not_found(http_request *r, err_id id, const char *entity_type)
{
    api_error e = {0};
    api_error_set(&e, id, "%s not found", entity_type ? entity_type : "entity");
    if (id == ERR_ENTITY_NOT_FOUND)
        e.entity_type = entity_type;
    http_reply_api_error(r, &e);
    api_error_clear(&e);
}

void tx_reply_count(http_request *r, int64_t n)
{
    char buf[32];
    snprintf(buf, sizeof(buf), "%" PRId64, n);
    http_reply_set_header(r, "X-Total-Count", buf);
    http_reply_empty(r, 204);
}

void tx_reply_text(http_request *r, int status, const char *json_text)
{
    http_reply_raw(r, status, "application/json", json_text, strlen(json_text));
}
