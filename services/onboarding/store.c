/* Helpers shared by store_organization.c and store_ledger.c: libpq value conversion and parameter
 * formatting. It holds no SQL text and no domain rule. */
#include "store.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json/json.h"
#include "log/log.h"
#include "util/mem.h"

char *store_text(const PGresult *res, int row, int col)
{
    if (PQgetisnull(res, row, col))
        return NULL;
    return xstrdup(PQgetvalue(res, row, col));
}

void store_text_into(const PGresult *res, int row, int col, char *out, size_t cap)
{
    snprintf(out, cap, "%s", PQgetisnull(res, row, col) ? "" : PQgetvalue(res, row, col));
}

int64_t store_i64(const PGresult *res, int row, int col, int64_t null_value)
{
    if (PQgetisnull(res, row, col))
        return null_value;
    return (int64_t)strtoll(PQgetvalue(res, row, col), NULL, 10);
}

json_object *store_json(const PGresult *res, int row, int col)
{
    api_error e = {0};
    json_object *obj = NULL;
    const char *text = NULL;

    if (PQgetisnull(res, row, col))
        return json_object_new_object();
    text = PQgetvalue(res, row, col);
    if (json_parse_strict(text, strlen(text), 64, &obj, NULL, &e) < 0 ||
        !json_object_is_type(obj, json_type_object)) {
        log_error("store: stored JSON is not an object: %s", e.message);
        api_error_clear(&e);
        json_object_put(obj);
        return json_object_new_object();
    }
    return obj;
}

store_time_text store_time(int64_t us)
{
    store_time_text t;
    time_format_us(us, t.s, sizeof(t.s));
    return t;
}

store_int_text store_int(int64_t v)
{
    store_int_text t;
    snprintf(t.s, sizeof(t.s), "%" PRId64, v);
    return t;
}

char *store_metadata_filter(const page_params *p)
{
    json_object *obj = json_object_new_object();
    char *out = NULL;

    for (size_t i = 0; i < p->metadata_count; i++)
        json_object_object_add(obj, p->metadata[i].key, json_object_new_string(p->metadata[i].value));
    out = xstrdup(json_dump(obj));
    json_object_put(obj);
    return out;
}
