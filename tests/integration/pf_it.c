/* Portfolio integration-test helpers (see pf_it.h). They talk only to the gateway (and, for the
 * internal routes, to the portfolio service's own port), never to a database. */
#include "pf_it.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "util/mem.h"

static void pf_post_id(const char *url, const char *body, char id_out[UUID_STR_LEN + 1])
{
    it_response r;
    const char *id = NULL;

    it_request("POST", url, NULL, body, strlen(body), &r);
    cr_assert_eq(r.status, 201, "POST %s %s: %s", url, body, it_describe(&r));
    id = it_json_str(&r, "id");
    cr_assert(id != NULL && it_is_uuid(id, 7), "POST %s: no UUIDv7 id: %s", url, it_describe(&r));
    if (id_out)
        snprintf(id_out, UUID_STR_LEN + 1, "%s", id);
    it_response_free(&r);
}

void pf_ctx_new(pf_ctx *c)
{
    char *url = it_url("GATEWAY_URL", "/v1/organizations");
    pf_post_id(url, "{\"legalName\":\"Portfolio Test Org\",\"legalDocument\":\"PF-0001\"}", c->org);
    free(url);
    pf_ctx_new_ledger(c, c);
}

void pf_ctx_new_ledger(const pf_ctx *c, pf_ctx *out)
{
    char org[UUID_STR_LEN + 1];
    char ledger[UUID_STR_LEN + 1];
    char *path = NULL;
    char *url = NULL;
    char body[128];

    snprintf(org, sizeof(org), "%s", c->org);
    uuid_v4_str(ledger); /* a unique name for the ledger */
    snprintf(body, sizeof(body), "{\"name\":\"pf ledger %s\"}", ledger);
    path = xasprintf("/v1/organizations/%s/ledgers", org);
    url = it_url("GATEWAY_URL", path);
    pf_post_id(url, body, ledger);
    memcpy(out->org, org, sizeof(org));
    memcpy(out->ledger, ledger, sizeof(ledger));
    free(path);
    free(url);
}

static char *pf_vurl(const char *base_var, const pf_ctx *c, const char *fmt, va_list ap)
{
    char *suffix = NULL;
    char *path = NULL;
    char *url = NULL;

    if (vasprintf(&suffix, fmt, ap) < 0)
        cr_assert_fail("vasprintf failed");
    path = xasprintf("/v1/organizations/%s/ledgers/%s%s", c->org, c->ledger, suffix);
    url = it_url(base_var, path);
    free(suffix);
    free(path);
    return url;
}

char *pf_url(const char *base_var, const pf_ctx *c, const char *suffix_fmt, ...)
{
    va_list ap;
    char *url = NULL;

    va_start(ap, suffix_fmt);
    url = pf_vurl(base_var, c, suffix_fmt, ap);
    va_end(ap);
    return url;
}

void pf_call(it_response *out, const char *method, const pf_ctx *c, const char *body, const char *suffix_fmt,
             ...)
{
    va_list ap;
    char *url = NULL;

    va_start(ap, suffix_fmt);
    url = pf_vurl("GATEWAY_URL", c, suffix_fmt, ap);
    va_end(ap);
    it_request(method, url, NULL, body, body ? strlen(body) : 0, out);
    free(url);
}

void pf_create(const pf_ctx *c, const char *suffix, const char *body, char id_out[UUID_STR_LEN + 1])
{
    char *url = pf_url("GATEWAY_URL", c, "%s", suffix);
    pf_post_id(url, body, id_out);
    free(url);
}

const char *pf_str(const it_response *r, const char *member)
{
    return pf_obj_str(r->json, member);
}

bool pf_is_null(const it_response *r, const char *member)
{
    json_object *v = NULL;
    return json_object_is_type(r->json, json_type_object) && json_object_object_get_ex(r->json, member, &v) &&
           v == NULL;
}

const char *pf_obj_str(json_object *obj, const char *member)
{
    json_object *v = NULL;

    if (!json_object_is_type(obj, json_type_object) || !json_object_object_get_ex(obj, member, &v) ||
        !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

int pf_items(const it_response *r)
{
    json_object *items = NULL;

    if (!json_object_is_type(r->json, json_type_object) ||
        !json_object_object_get_ex(r->json, "items", &items) || !json_object_is_type(items, json_type_array))
        return -1;
    return (int)json_object_array_length(items);
}

json_object *pf_item(const it_response *r, int i)
{
    json_object *items = NULL;

    if (pf_items(r) <= i || i < 0)
        return NULL;
    json_object_object_get_ex(r->json, "items", &items);
    return json_object_array_get_idx(items, (size_t)i);
}

void pf_assert_error(it_response *r, long status, const char *code, const char *field)
{
    json_object *fields = NULL;

    it_assert_error(r, status, code, NULL);
    if (!field)
        return;
    cr_assert(json_object_object_get_ex(r->json, "fields", &fields) &&
                  json_object_is_type(fields, json_type_object) &&
                  json_object_object_get_ex(fields, field, NULL),
              "fields.%s expected: %s", field, it_describe(r));
}
