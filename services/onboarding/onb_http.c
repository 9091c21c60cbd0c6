/* Request/response helpers shared by organizations.c and ledgers.c (see onb_http.h). They reply
 * through common/http only and never run SQL themselves. */
#include "onb_http.h"

#include <inttypes.h>
#include <stdio.h>

#include "service/service.h"
#include "timeutil/timeutil.h"

db_conn *onb_db_or_reply(http_request *r)
{
    service_worker *w = service_worker_of(r);
    db_conn *c = w ? service_worker_db(w) : NULL;

    if (!c)
        service_reply_db_error(r, DB_UNAVAILABLE);
    return c;
}

int onb_page_params_or_reply(http_request *r, const char *const *filter_names, page_params *p)
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

void onb_reply_not_found(http_request *r, err_id id, const char *entity_type)
{
    api_error e = {0};

    api_error_set(&e, id, "%s not found", entity_type ? entity_type : "entity");
    if (id == ERR_ENTITY_NOT_FOUND)
        e.entity_type = entity_type;
    http_reply_api_error(r, &e);
    api_error_clear(&e);
}

void onb_reply_count(http_request *r, int64_t n)
{
    char text[24];

    snprintf(text, sizeof(text), "%" PRId64, n);
    http_reply_set_header(r, "X-Total-Count", text);
    http_reply_empty(r, 204);
}

json_object *onb_status_json(const char *code, const char *description)
{
    json_object *s = json_object_new_object();

    json_object_object_add(s, "code", json_object_new_string(code ? code : ""));
    json_object_object_add(s, "description", description ? json_object_new_string(description) : NULL);
    return s;
}

json_object *onb_time_json(int64_t us)
{
    char text[TIME_STR_MAX];

    if (us < 0)
        return NULL;
    time_format_us(us, text, sizeof(text));
    return json_object_new_string(text);
}

json_object *onb_list_envelope(json_object *items, const page_params *p)
{
    json_object *env = json_object_new_object();

    json_object_object_add(env, "items", items);
    json_object_object_add(env, "page", json_object_new_int64(p->page));
    json_object_object_add(env, "limit", json_object_new_int(p->limit));
    return env;
}
