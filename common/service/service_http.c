/* Request and reply helpers shared by the handlers of every service (see service_http.h). They reply
 * through common/http only; they never run SQL and know no entity. */
#include "service/service_http.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "service/service.h"
#include "timeutil/timeutil.h"

db_conn *service_db_or_reply(http_request *r)
{
    service_worker *w = service_worker_of(r);
    db_conn *c = w ? service_worker_db(w) : NULL;

    if (!c)
        service_reply_db_error(r, DB_UNAVAILABLE);
    return c;
}

cache *service_cache_of(http_request *r)
{
    service_worker *w = service_worker_of(r);

    return w ? w->cache : NULL;
}

int service_page_params_or_reply(http_request *r, page_kind kind, const char *const *filter_names,
                                 page_params *p)
{
    const query_param *params = NULL;
    size_t n = http_req_query(r, &params);
    api_error e = {0};

    if (page_params_parse(params, n, kind, filter_names, p, &e) < 0) {
        http_reply_api_error(r, &e);
        api_error_clear(&e);
        return -1;
    }
    return 0;
}

int service_body_choose_or_reply(http_request *r, service_schema_chooser choose, json_mode mode,
                                 json_extra_rules_fn extra, void *arg, json_object **out)
{
    api_error e = {0};
    json_parse_info info = {0};
    json_object *body = NULL;
    size_t len = 0;
    const char *text = http_req_body(r, &len);

    *out = NULL;
    if (json_parse_strict(text, len, JSON_MAX_DEPTH, &body, &info, &e) < 0 ||
        json_validate_ex(choose(body), body, mode, &info, extra, arg, &e) < 0) {
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

void service_path_id(http_request *r, const char *name, char out[UUID_STR_LEN + 1])
{
    const char *v = http_req_param(r, name);

    if (!v || uuid_normalize(v, out) < 0)
        snprintf(out, UUID_STR_LEN + 1, "%s", v ? v : "");
}

/* ---- replies ----------------------------------------------------------------------------------- */

void service_reply_not_found(http_request *r, err_id id, const char *entity_type)
{
    api_error e = {0};

    api_error_set(&e, id, "%s not found", entity_type ? entity_type : "entity");
    if (id == ERR_ENTITY_NOT_FOUND)
        e.entity_type = entity_type;
    http_reply_api_error(r, &e);
    api_error_clear(&e);
}

void service_reply_bad_filter(http_request *r, const char *param, const char *reason)
{
    api_error e = {0};

    api_error_set(&e, ERR_INVALID_QUERY_PARAMETER, "invalid value of query parameter %s", param);
    api_error_field(&e, param, "%s", reason);
    http_reply_api_error(r, &e);
    api_error_clear(&e);
}

void service_reply_count(http_request *r, int64_t n)
{
    char text[24];

    snprintf(text, sizeof(text), "%" PRId64, n);
    http_reply_set_header(r, "X-Total-Count", text);
    http_reply_empty(r, 204);
}

void service_reply_json_text(http_request *r, int status, const char *json_text)
{
    http_reply_raw(r, status, "application/json", json_text, strlen(json_text));
}

/* ---- JSON pieces ------------------------------------------------------------------------------- */

json_object *service_json_text(const char *s)
{
    return s ? json_object_new_string(s) : NULL;
}

json_object *service_json_time(int64_t us)
{
    char text[TIME_STR_MAX];

    if (us < 0)
        return NULL;
    time_format_us(us, text, sizeof(text));
    return json_object_new_string(text);
}

json_object *service_json_status(const char *code, const char *description)
{
    json_object *s = json_object_new_object();

    json_object_object_add(s, "code", json_object_new_string(code ? code : ""));
    json_object_object_add(s, "description", service_json_text(description));
    return s;
}

void service_json_add_common(json_object *obj, const entity_common *m)
{
    json_object_object_add(obj, "status", service_json_status(m->status_code, m->status_description));
    json_object_object_add(obj, "metadata",
                           m->metadata ? json_object_get(m->metadata) : json_object_new_object());
    json_object_object_add(obj, "createdAt", service_json_time(m->created_us));
    json_object_object_add(obj, "updatedAt", service_json_time(m->updated_us));
    json_object_object_add(obj, "deletedAt", service_json_time(m->deleted_us));
}

json_object *service_json_offset_list(json_object *items, const page_params *p)
{
    json_object *env = json_object_new_object();

    json_object_object_add(env, "items", items);
    json_object_object_add(env, "page", json_object_new_int64(p->page));
    json_object_object_add(env, "limit", json_object_new_int(p->limit));
    return env;
}
