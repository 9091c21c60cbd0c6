/* Organizations through the gateway (api.md "Organizations", "Validation order", "PATCH semantics"):
 * the create/get/patch/delete/count success paths, every member rule and default, the PATCH table row
 * by row, address and status rules, the parent rules (0039, 0091), the delete rules (0007, 0008) and
 * the delete / ledger-create serialisation. Runs against a stack started by scripts/stack.sh. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "harness.h"
#include "onb_helpers.h"
#include "util/mem.h"
#include "uuid/uuid.h"

#define ACME_BODY                                                                                    \
    "{\"legalName\":\"Acme Payments Ltd\",\"doingBusinessAs\":\"Acme\",\"legalDocument\":\"12345678000190\"," \
    "\"address\":{\"line1\":\"1 Main St\",\"zipCode\":\"10001\",\"city\":\"New York\",\"state\":\"NY\","   \
    "\"country\":\"US\"},\"metadata\":{\"segment\":\"fintech\"}}"

/* GET O as a parsed object (asserts 200). New reference. */
static json_object *get_org(const char *id)
{
    it_response r;
    json_object *o = NULL;

    onb_reqf("GET", NULL, &r, "/v1/organizations/%s", id);
    cr_assert_eq(r.status, 200, "GET organization %s: %s", id, it_describe(&r));
    o = json_object_get(r.json);
    it_response_free(&r);
    return o;
}

/* PATCH O with body, asserting 200 and that the answer equals a GET right after. New reference. */
static json_object *patch_org(const char *id, const char *body)
{
    it_response r;
    json_object *o = NULL;
    json_object *g = NULL;

    onb_reqf("PATCH", body, &r, "/v1/organizations/%s", id);
    cr_assert_eq(r.status, 200, "PATCH %s: %s", body, it_describe(&r));
    o = json_object_get(r.json);
    it_response_free(&r);
    g = get_org(id);
    cr_assert(json_object_equal(o, g), "PATCH answer differs from GET:\n%s\n%s", json_object_to_json_string(o),
              json_object_to_json_string(g));
    json_object_put(g);
    return o;
}

static void expect_str(json_object *o, const char *path, const char *want)
{
    const char *got = onb_jstr(o, path);
    cr_expect(got && strcmp(got, want) == 0, "%s: want \"%s\", got %s in %s", path, want, got ? got : "(none)",
              json_object_to_json_string(o));
}

static void expect_null(json_object *o, const char *path)
{
    cr_expect(onb_jnull(o, path), "%s must be null in %s", path, json_object_to_json_string(o));
}

/* ---- create and get ---------------------------------------------------------------------------- */

Test(onb_organizations, create_returns_every_member_and_get_matches)
{
    static const char *const members[] = {"id", "parentOrganizationId", "legalName", "doingBusinessAs",
                                          "legalDocument", "address", "status", "metadata", "createdAt",
                                          "updatedAt", "deletedAt"};
    it_response r;
    json_object *g = NULL;

    onb_req("POST", "/v1/organizations", ACME_BODY, &r);
    cr_assert_eq(r.status, 201, "%s", it_describe(&r));
    cr_assert(it_header_get(&r, "Content-Type") && strncmp(it_header_get(&r, "Content-Type"), "application/json", 16) == 0);
    json_object *o = r.json;
    for (size_t i = 0; i < ARRAY_LEN(members); i++)
        cr_expect(json_object_object_get_ex(o, members[i], NULL), "member %s missing: %s", members[i],
                  it_describe(&r));
    cr_expect_eq(json_object_object_length(o), (int)ARRAY_LEN(members), "extra members: %s", it_describe(&r));
    cr_expect(it_is_uuid(onb_jstr(o, "id"), 7), "id must be a UUIDv7: %s", it_describe(&r));
    expect_null(o, "parentOrganizationId");
    expect_str(o, "legalName", "Acme Payments Ltd");
    expect_str(o, "doingBusinessAs", "Acme");
    expect_str(o, "legalDocument", "12345678000190");
    expect_str(o, "address.line1", "1 Main St");
    expect_null(o, "address.line2");
    expect_str(o, "address.zipCode", "10001");
    expect_str(o, "address.city", "New York");
    expect_str(o, "address.state", "NY");
    expect_str(o, "address.country", "US");
    expect_null(o, "address.description");
    cr_expect_eq(json_object_object_length(onb_jget(o, "address")), 7, "address members: %s", it_describe(&r));
    expect_str(o, "status.code", "ACTIVE");
    expect_null(o, "status.description");
    expect_str(o, "metadata.segment", "fintech");
    cr_expect(it_is_rfc3339_micro_z(onb_jstr(o, "createdAt")), "createdAt format: %s", it_describe(&r));
    cr_expect_str_eq(onb_jstr(o, "createdAt"), onb_jstr(o, "updatedAt"), "createdAt == updatedAt on create");
    expect_null(o, "deletedAt");

    g = get_org(onb_jstr(o, "id"));
    cr_expect(json_object_equal(o, g), "GET differs from the create answer:\n%s\n%s",
              json_object_to_json_string(o), json_object_to_json_string(g));
    json_object_put(g);
    it_response_free(&r);
}

Test(onb_organizations, create_defaults_and_empty_values)
{
    it_response r;

    /* "" and null are absent on create; metadata null values are dropped; empty address is the empty
     * address; a status without code gets ACTIVE and keeps its description. */
    onb_req("POST", "/v1/organizations",
            "{\"legalName\":\"Min\",\"legalDocument\":\"1\",\"doingBusinessAs\":\"\",\"parentOrganizationId\":null,"
            "\"address\":{\"line1\":\"\",\"country\":null},\"status\":{\"description\":\"new\"},"
            "\"metadata\":{\"gone\":null,\"kept\":1.5,\"flag\":false}}",
            &r);
    cr_assert_eq(r.status, 201, "%s", it_describe(&r));
    expect_null(r.json, "doingBusinessAs");
    expect_null(r.json, "parentOrganizationId");
    expect_str(r.json, "address.line1", "");
    expect_str(r.json, "address.zipCode", "");
    expect_str(r.json, "address.city", "");
    expect_str(r.json, "address.state", "");
    expect_str(r.json, "address.country", "");
    expect_null(r.json, "address.line2");
    expect_null(r.json, "address.description");
    expect_str(r.json, "status.code", "ACTIVE");
    expect_str(r.json, "status.description", "new");
    cr_expect(!json_object_object_get_ex(onb_jget(r.json, "metadata"), "gone", NULL), "null metadata kept: %s",
              it_describe(&r));
    json_object *kept = onb_jget(r.json, "metadata.kept");
    cr_expect(json_object_is_type(kept, json_type_double) && json_object_get_double(kept) == 1.5,
              "metadata number: %s", it_describe(&r));
    cr_expect(json_object_is_type(onb_jget(r.json, "metadata.flag"), json_type_boolean), "%s", it_describe(&r));
    it_response_free(&r);

    /* absent address / metadata / status; address null */
    onb_req("POST", "/v1/organizations", "{\"legalName\":\"Min2\",\"legalDocument\":\"2\",\"address\":null}", &r);
    cr_assert_eq(r.status, 201, "%s", it_describe(&r));
    expect_str(r.json, "address.country", "");
    cr_expect_eq(json_object_object_length(onb_jget(r.json, "metadata")), 0, "metadata {}: %s", it_describe(&r));
    expect_str(r.json, "status.code", "ACTIVE");
    it_response_free(&r);

    /* any number whose text fits 2000 characters is kept with its value (here: its exact text) */
    onb_req("POST", "/v1/organizations",
            "{\"legalName\":\"Num\",\"legalDocument\":\"2\",\"metadata\":{\"big\":1e400000,\"tiny\":-2.5e-99999,"
            "\"precise\":1.50}}",
            &r);
    cr_assert_eq(r.status, 201, "%s", it_describe(&r));
    cr_expect(strstr(r.body, "1e400000") && strstr(r.body, "-2.5e-99999") && strstr(r.body, "1.50"),
              "numbers keep their value: %s", it_describe(&r));
    it_response_free(&r);

    /* a status code is stored verbatim (case preserved); legalDocument is not unique */
    onb_req("POST", "/v1/organizations",
            "{\"legalName\":\"Min3\",\"legalDocument\":\"2\",\"status\":{\"code\":\"pending Review\"}}", &r);
    cr_assert_eq(r.status, 201, "%s", it_describe(&r));
    expect_str(r.json, "status.code", "pending Review");
    it_response_free(&r);
}

Test(onb_organizations, get_unknown_or_invalid_id)
{
    char id[UUID_STR_LEN + 1];
    it_response r;

    uuid_v7_str(id);
    onb_reqf("GET", NULL, &r, "/v1/organizations/%s", id);
    onb_assert_error(&r, 404, "0007", NULL);
    cr_expect_str_eq(it_json_str(&r, "entityType"), "Organization", "%s", it_describe(&r));
    it_response_free(&r);

    onb_req("GET", "/v1/organizations/not-a-uuid", NULL, &r);
    onb_assert_error(&r, 400, "0065", "organization_id");
    it_response_free(&r);
    /* metrics without count selects the template O (api.md "Route matching") */
    onb_req("GET", "/v1/organizations/metrics", NULL, &r);
    onb_assert_error(&r, 400, "0065", "organization_id");
    it_response_free(&r);
    /* 36 characters but not hex */
    onb_req("PATCH", "/v1/organizations/0195a1c2-4c1d-7e2a-8b3c-1d2e3f4a5b6z", "{}", &r);
    onb_assert_error(&r, 400, "0065", "organization_id");
    it_response_free(&r);

    /* hex digits compare case-insensitively */
    char *org = onb_create_org(NULL);
    char upper[UUID_STR_LEN + 1];
    for (size_t i = 0; i <= UUID_STR_LEN; i++)
        upper[i] = (char)(org[i] >= 'a' && org[i] <= 'f' ? org[i] - 32 : org[i]);
    onb_reqf("GET", NULL, &r, "/v1/organizations/%s", upper);
    cr_expect_eq(r.status, 200, "%s", it_describe(&r));
    cr_expect_str_eq(it_json_str(&r, "id"), org, "output id is lowercase: %s", it_describe(&r));
    it_response_free(&r);
    free(org);
}

Test(onb_organizations, routes_and_methods)
{
    it_response r;
    char *org = onb_create_org(NULL);

    onb_req("PUT", "/v1/organizations", "{}", &r);
    onb_assert_error(&r, 405, "0485", NULL);
    it_response_free(&r);
    onb_reqf("POST", "{}", &r, "/v1/organizations/%s", org);
    onb_assert_error(&r, 405, "0485", NULL);
    cr_expect(it_header_get(&r, "Allow") != NULL, "Allow expected: %s", it_describe(&r));
    it_response_free(&r);
    onb_req("GET", "/v1/organizations/", NULL, &r);
    onb_assert_error(&r, 404, "0484", NULL);
    it_response_free(&r);
    free(org);
}

/* ---- create errors, in validation order --------------------------------------------------------- */

typedef struct err_case {
    const char *body;
    long status;
    const char *code;
    const char *field; /* expected key of fields, or NULL */
} err_case;

static void run_create_cases(const err_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        it_response r;
        onb_req("POST", "/v1/organizations", cases[i].body, &r);
        cr_log_info("POST %s -> %ld", cases[i].body, r.status);
        onb_assert_error(&r, cases[i].status, cases[i].code, cases[i].field);
        it_response_free(&r);
    }
}

Test(onb_organizations, create_errors)
{
    char long257[300];
    char deep[200];
    char *long_key = NULL;
    char *long_value = NULL;
    char *b_name = NULL, *b_deep = NULL, *b_key = NULL, *b_val = NULL, *b_order = NULL;

    memset(long257, 'n', 257);
    long257[257] = '\0';
    snprintf(deep, sizeof(deep), "{\"legalName\":\"a\",\"legalDocument\":\"b\",\"metadata\":{\"k\":[[[[[[[[[[1]]]]]]]]]]}}");
    long_key = xcalloc(1, 102);
    memset(long_key, 'k', 101);
    long_value = xcalloc(1, 2002);
    memset(long_value, 'v', 2001);
    b_name = xasprintf("{\"legalName\":\"%s\",\"legalDocument\":\"1\"}", long257);
    b_deep = xstrdup(deep);
    b_key = xasprintf("{\"legalName\":\"a\",\"legalDocument\":\"1\",\"metadata\":{\"%s\":\"x\",\"v\":\"%s\"}}",
                      long_key, long_value);
    b_val = xasprintf("{\"legalName\":\"a\",\"legalDocument\":\"1\",\"metadata\":{\"v\":\"%s\"}}", long_value);
    /* 0050 comes before the 0047 of an over-long legalName (metadata is step 5, lengths step 6) */
    b_order = xasprintf("{\"legalName\":\"%s\",\"legalDocument\":\"1\",\"metadata\":{\"%s\":1}}", long257, long_key);

    const err_case cases[] = {
        /* 4.1 parse / types */
        {"", 400, "0094", NULL},
        {"not json", 400, "0094", NULL},
        {"[]", 400, "0094", NULL},
        {"{\"legalName\":\"a\",\"legalName\":\"b\",\"legalDocument\":\"1\"}", 400, "0094", NULL},
        {"{\"legalName\":5,\"legalDocument\":\"1\"}", 400, "0094", NULL},
        {"{\"legalName\":\"a\",\"legalDocument\":\"1\",\"address\":\"x\"}", 400, "0094", NULL},
        {"{\"legalName\":\"a\",\"legalDocument\":\"1\",\"metadata\":\"x\"}", 400, "0094", NULL},
        {"{\"legalName\":\"a\",\"legalDocument\":\"1\",\"status\":{\"code\":1}}", 400, "0094", NULL},
        {b_deep, 400, "0144", NULL},
        /* 4.2 unknown members beat missing ones */
        {"{\"id\":\"x\"}", 400, "0053", "id"},
        {"{\"legalName\":\"a\",\"legalDocument\":\"1\",\"address\":{\"street\":\"x\",\"country\":\"US\"}}", 400,
         "0053", "address.street"},
        {"{\"legalName\":\"a\",\"legalDocument\":\"1\",\"status\":{\"code\":\"A\",\"color\":\"red\"}}", 400, "0053",
         "status.color"},
        /* 4.3 NUL */
        {"{\"legalName\":\"a\\u0000b\",\"legalDocument\":\"1\"}", 400, "0047", "legalName"},
        /* 4.4 required */
        {"{}", 400, "0009", "legalName"},
        {"{\"legalName\":\"\",\"legalDocument\":null}", 400, "0009", "legalDocument"},
        /* 4.5 metadata */
        {"{\"legalName\":\"a\",\"legalDocument\":\"1\",\"metadata\":{\"k\":{\"x\":1}}}", 400, "0067", "metadata.k"},
        {"{\"legalName\":\"a\",\"legalDocument\":\"1\",\"metadata\":{\"k\":[1]}}", 400, "0067", "metadata.k"},
        {b_key, 400, "0050", NULL},
        {b_val, 400, "0051", "metadata.v"},
        {b_order, 400, "0050", NULL},
        /* 4.6 generic rules */
        {b_name, 400, "0047", "legalName"},
        {"{\"legalName\":\"a\",\"legalDocument\":\"1\",\"parentOrganizationId\":\"nope\"}", 400, "0047",
         "parentOrganizationId"},
        {"{\"legalName\":\"a\",\"legalDocument\":\"1\",\"metadata\":{\"\":\"x\"}}", 400, "0047", NULL},
        {"{\"legalName\":\"a\",\"legalDocument\":\"1\",\"address\":{\"zipCode\":\"123456789012345678901\","
         "\"country\":\"XX\"}}",
         400, "0047", "address.zipCode"},
        /* 4.7 country */
        {"{\"legalName\":\"a\",\"legalDocument\":\"1\",\"address\":{\"line1\":\"x\"}}", 400, "0032", NULL},
        {"{\"legalName\":\"a\",\"legalDocument\":\"1\",\"address\":{\"line1\":\"x\",\"country\":\"\"}}", 400, "0032",
         NULL},
        {"{\"legalName\":\"a\",\"legalDocument\":\"1\",\"address\":{\"country\":\"us\"}}", 400, "0032", NULL},
        {"{\"legalName\":\"a\",\"legalDocument\":\"1\",\"address\":{\"country\":\"XK\"}}", 400, "0032", NULL},
        /* 6. business: parent must be a live organization */
        {"{\"legalName\":\"a\",\"legalDocument\":\"1\",\"parentOrganizationId\":\"0195a1c2-4c1d-7e2a-8b3c-1d2e3f4a5b6c\"}",
         404, "0039", NULL},
    };
    run_create_cases(cases, ARRAY_LEN(cases));

    /* 0053 shows the value that was sent */
    it_response r;
    onb_req("POST", "/v1/organizations", "{\"legalName\":\"a\",\"legalDocument\":\"1\",\"settings\":{\"x\":true}}", &r);
    onb_assert_error(&r, 400, "0053", "settings");
    cr_expect(json_object_is_type(onb_jget(r.json, "fields.settings"), json_type_object), "%s", it_describe(&r));
    it_response_free(&r);
    /* 0009 lists every missing member */
    onb_req("POST", "/v1/organizations", "{}", &r);
    onb_assert_error(&r, 400, "0009", "legalDocument");
    onb_assert_error(&r, 400, "0009", "legalName");
    it_response_free(&r);

    free(long_key);
    free(long_value);
    free(b_name);
    free(b_deep);
    free(b_key);
    free(b_val);
    free(b_order);
}

/* ---- PATCH semantics ----------------------------------------------------------------------------- */

typedef struct patch_row {
    const char *body;
    const char *legal_name;       /* expected afterwards */
    const char *doing_business_as; /* NULL = null */
} patch_row;

Test(onb_organizations, patch_semantics_table)
{
    char *org = onb_create_org("{\"legalName\":\"L0\",\"doingBusinessAs\":\"D0\",\"legalDocument\":\"9\"}");
    json_object *before = get_org(org);
    char prev_updated[64];
    /* api.md "PATCH semantics": legalName is non-nullable, doingBusinessAs nullable. */
    static const patch_row rows[] = {
        {"{}", "L0", "D0"},                              /* absent: unchanged (both) */
        {"{\"legalName\":null}", "L0", "D0"},            /* null, non-nullable: unchanged */
        {"{\"legalName\":\"\"}", "L0", "D0"},            /* "", non-nullable: unchanged */
        {"{\"legalName\":\"L1\"}", "L1", "D0"},          /* value, non-nullable: replaced */
        {"{\"doingBusinessAs\":\"\"}", "L1", "D0"},      /* "", nullable: unchanged */
        {"{\"doingBusinessAs\":\"D1\"}", "L1", "D1"},    /* value, nullable: replaced */
        {"{\"doingBusinessAs\":null}", "L1", NULL},      /* null, nullable: set to null */
        {"{\"legalName\":\"L2\",\"doingBusinessAs\":\"D2\"}", "L2", "D2"},
    };

    snprintf(prev_updated, sizeof(prev_updated), "%s", onb_jstr(before, "updatedAt"));
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        json_object *o = patch_org(org, rows[i].body);
        cr_log_info("PATCH %s -> %s", rows[i].body, json_object_to_json_string(o));
        expect_str(o, "legalName", rows[i].legal_name);
        if (rows[i].doing_business_as)
            expect_str(o, "doingBusinessAs", rows[i].doing_business_as);
        else
            expect_null(o, "doingBusinessAs");
        expect_str(o, "legalDocument", "9");
        expect_str(o, "createdAt", onb_jstr(before, "createdAt"));
        cr_expect(it_is_rfc3339_micro_z(onb_jstr(o, "updatedAt")), "%s", json_object_to_json_string(o));
        /* every successful PATCH sets updatedAt, even when nothing changed */
        cr_expect(strcmp(onb_jstr(o, "updatedAt"), prev_updated) > 0, "updatedAt must advance on %s: %s -> %s",
                  rows[i].body, prev_updated, onb_jstr(o, "updatedAt"));
        snprintf(prev_updated, sizeof(prev_updated), "%s", onb_jstr(o, "updatedAt"));
        expect_null(o, "deletedAt");
        json_object_put(o);
    }

    /* parentOrganizationId is a nullable UUID member: value, "" (unchanged), null */
    char *parent = onb_create_org(NULL);
    char *body = xasprintf("{\"parentOrganizationId\":\"%s\"}", parent);
    json_object *o = patch_org(org, body);
    expect_str(o, "parentOrganizationId", parent);
    json_object_put(o);
    o = patch_org(org, "{\"parentOrganizationId\":\"\"}");
    expect_str(o, "parentOrganizationId", parent);
    json_object_put(o);
    o = patch_org(org, "{\"parentOrganizationId\":null}");
    expect_null(o, "parentOrganizationId");
    json_object_put(o);

    free(body);
    free(parent);
    json_object_put(before);
    free(org);
}

Test(onb_organizations, patch_address_rules)
{
    char *org = onb_create_org(ACME_BODY);
    json_object *o = NULL;
    it_response r;

    /* absent, empty object, and an object whose members are all ""/null: unchanged */
    static const char *const unchanged[] = {"{}", "{\"address\":{}}", "{\"address\":{\"line1\":\"\",\"city\":null}}"};
    for (size_t i = 0; i < ARRAY_LEN(unchanged); i++) {
        o = patch_org(org, unchanged[i]);
        expect_str(o, "address.line1", "1 Main St");
        expect_str(o, "address.country", "US");
        json_object_put(o);
    }
    /* non-empty replaces the whole address: members not sent become ""/null */
    o = patch_org(org, "{\"address\":{\"city\":\"Rio\",\"country\":\"BR\",\"line2\":\"apt 2\"}}");
    expect_str(o, "address.line1", "");
    expect_str(o, "address.line2", "apt 2");
    expect_str(o, "address.zipCode", "");
    expect_str(o, "address.city", "Rio");
    expect_str(o, "address.state", "");
    expect_str(o, "address.country", "BR");
    expect_null(o, "address.description");
    json_object_put(o);

    /* invalid replacements change nothing */
    static const err_case bad[] = {
        {"{\"address\":{\"city\":\"Rio\"}}", 400, "0032", NULL},
        {"{\"address\":{\"city\":\"Rio\",\"country\":\"br\"}}", 400, "0032", NULL},
        {"{\"address\":{\"zipCode\":\"123456789012345678901\",\"country\":\"XX\"}}", 400, "0047", "address.zipCode"},
        {"{\"address\":{\"city\":\"x\",\"country\":\"BR\",\"planet\":\"earth\"}}", 400, "0053", "address.planet"},
        {"{\"address\":[]}", 400, "0094", NULL},
    };
    for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
        onb_reqf("PATCH", bad[i].body, &r, "/v1/organizations/%s", org);
        onb_assert_error(&r, bad[i].status, bad[i].code, bad[i].field);
        it_response_free(&r);
    }
    o = get_org(org);
    expect_str(o, "address.city", "Rio");
    json_object_put(o);

    /* null resets to the empty address */
    o = patch_org(org, "{\"address\":null}");
    expect_str(o, "address.city", "");
    expect_str(o, "address.country", "");
    expect_null(o, "address.line2");
    json_object_put(o);
    free(org);
}

Test(onb_organizations, patch_status_and_metadata)
{
    char *org = onb_create_org("{\"legalName\":\"S\",\"legalDocument\":\"1\",\"status\":{\"code\":\"PENDING\","
                               "\"description\":\"waiting\"},\"metadata\":{\"a\":\"1\",\"b\":2,\"c\":true}}");
    json_object *o = NULL;

    o = patch_org(org, "{\"status\":{\"code\":\"\"}}");
    expect_str(o, "status.code", "PENDING");
    expect_str(o, "status.description", "waiting");
    json_object_put(o);
    o = patch_org(org, "{\"status\":{\"code\":null,\"description\":null}}");
    expect_str(o, "status.code", "PENDING");
    expect_str(o, "status.description", "waiting");
    json_object_put(o);
    o = patch_org(org, "{\"status\":null}");
    expect_str(o, "status.code", "PENDING");
    json_object_put(o);
    o = patch_org(org, "{\"status\":{\"description\":\"\"}}");
    expect_str(o, "status.code", "PENDING");
    expect_null(o, "status.description");
    json_object_put(o);
    o = patch_org(org, "{\"status\":{\"code\":\"active\",\"description\":\"ok\"}}");
    expect_str(o, "status.code", "active");
    expect_str(o, "status.description", "ok");
    json_object_put(o);

    /* RFC 7386 merge: set, overwrite, remove, keep */
    o = patch_org(org, "{\"metadata\":{\"a\":null,\"b\":\"3\",\"d\":\"x\"}}");
    json_object *m = onb_jget(o, "metadata");
    cr_expect(!json_object_object_get_ex(m, "a", NULL), "a removed: %s", json_object_to_json_string(o));
    expect_str(o, "metadata.b", "3");
    expect_str(o, "metadata.d", "x");
    cr_expect(json_object_is_type(onb_jget(o, "metadata.c"), json_type_boolean), "c kept: %s",
              json_object_to_json_string(o));
    cr_expect_eq(json_object_object_length(m), 3, "%s", json_object_to_json_string(o));
    json_object_put(o);
    o = patch_org(org, "{\"metadata\":{}}");
    cr_expect_eq(json_object_object_length(onb_jget(o, "metadata")), 3, "%s", json_object_to_json_string(o));
    json_object_put(o);
    o = patch_org(org, "{\"metadata\":null}");
    cr_expect_eq(json_object_object_length(onb_jget(o, "metadata")), 0, "%s", json_object_to_json_string(o));
    json_object_put(o);
    free(org);
}

Test(onb_organizations, patch_errors_and_order)
{
    char *org = onb_create_org(NULL);
    char missing[UUID_STR_LEN + 1];
    it_response r;

    uuid_v7_str(missing);
    /* legalDocument is immutable: 0053 whatever its value */
    static const char *const immutable[] = {"{\"legalDocument\":\"2\"}", "{\"legalDocument\":null}",
                                            "{\"legalDocument\":42}"};
    for (size_t i = 0; i < ARRAY_LEN(immutable); i++) {
        onb_reqf("PATCH", immutable[i], &r, "/v1/organizations/%s", org);
        onb_assert_error(&r, 400, "0053", "legalDocument");
        it_response_free(&r);
    }
    onb_reqf("PATCH", "{\"id\":\"x\",\"createdAt\":\"y\"}", &r, "/v1/organizations/%s", org);
    onb_assert_error(&r, 400, "0053", "createdAt");
    it_response_free(&r);
    onb_reqf("PATCH", "{\"legalName\":7}", &r, "/v1/organizations/%s", org);
    onb_assert_error(&r, 400, "0094", NULL);
    it_response_free(&r);
    onb_reqf("PATCH", "", &r, "/v1/organizations/%s", org);
    onb_assert_error(&r, 400, "0094", NULL);
    it_response_free(&r);
    onb_reqf("PATCH", "{\"parentOrganizationId\":\"123\"}", &r, "/v1/organizations/%s", org);
    onb_assert_error(&r, 400, "0047", "parentOrganizationId");
    it_response_free(&r);
    /* the body is checked before existence (step 4 before step 5) */
    onb_reqf("PATCH", "{\"legalDocument\":\"2\"}", &r, "/v1/organizations/%s", missing);
    onb_assert_error(&r, 400, "0053", "legalDocument");
    it_response_free(&r);
    onb_reqf("PATCH", "{}", &r, "/v1/organizations/%s", missing);
    onb_assert_error(&r, 404, "0007", NULL);
    cr_expect_str_eq(it_json_str(&r, "entityType"), "Organization");
    it_response_free(&r);
    /* existence of the target before the parent rule */
    char *body = xasprintf("{\"parentOrganizationId\":\"%s\"}", missing);
    onb_reqf("PATCH", body, &r, "/v1/organizations/%s", missing);
    onb_assert_error(&r, 404, "0007", NULL);
    it_response_free(&r);
    onb_reqf("PATCH", body, &r, "/v1/organizations/%s", org);
    onb_assert_error(&r, 404, "0039", NULL);
    it_response_free(&r);
    free(body);
    free(org);
}

Test(onb_organizations, parent_rules_0039_and_0091)
{
    char *top = onb_create_org(NULL);
    char upper[UUID_STR_LEN + 1];
    for (size_t i = 0; i <= UUID_STR_LEN; i++)
        upper[i] = (char)(top[i] >= 'a' && top[i] <= 'f' ? top[i] - 32 : top[i]);
    char *b_child = xasprintf("{\"legalName\":\"child\",\"legalDocument\":\"1\",\"parentOrganizationId\":\"%s\"}", upper);
    char *child = onb_create_org(b_child);
    json_object *c = get_org(child);
    expect_str(c, "parentOrganizationId", top); /* stored and returned lowercase */
    json_object_put(c);
    char *b_grand = xasprintf("{\"legalName\":\"grand\",\"legalDocument\":\"1\",\"parentOrganizationId\":\"%s\"}", child);
    char *grand = onb_create_org(b_grand);
    char *other = onb_create_org(NULL);
    it_response r;

    /* itself, a child, a grandchild -> 0091 */
    const char *bad_parents[] = {top, child, grand};
    for (size_t i = 0; i < ARRAY_LEN(bad_parents); i++) {
        char *body = xasprintf("{\"parentOrganizationId\":\"%s\"}", bad_parents[i]);
        onb_reqf("PATCH", body, &r, "/v1/organizations/%s", top);
        onb_assert_error(&r, 400, "0091", NULL);
        it_response_free(&r);
        free(body);
    }
    /* a deleted organization is not a valid parent (0039) */
    char *gone = onb_create_org(NULL);
    onb_reqf("DELETE", NULL, &r, "/v1/organizations/%s", gone);
    cr_assert_eq(r.status, 204, "%s", it_describe(&r));
    it_response_free(&r);
    char *b_gone = xasprintf("{\"parentOrganizationId\":\"%s\"}", gone);
    onb_reqf("PATCH", b_gone, &r, "/v1/organizations/%s", other);
    onb_assert_error(&r, 404, "0039", NULL);
    it_response_free(&r);
    char *b_create_gone = xasprintf("{\"legalName\":\"x\",\"legalDocument\":\"1\",\"parentOrganizationId\":\"%s\"}", gone);
    onb_req("POST", "/v1/organizations", b_create_gone, &r);
    onb_assert_error(&r, 404, "0039", NULL);
    it_response_free(&r);

    /* an unrelated organization or an ancestor is fine: move the grandchild under `other` */
    char *b_other = xasprintf("{\"parentOrganizationId\":\"%s\"}", other);
    json_object *g = patch_org(grand, b_other);
    expect_str(g, "parentOrganizationId", other);
    json_object_put(g);
    /* now `grand` is no longer below `top`: top may become its child */
    char *b_grand_parent = xasprintf("{\"parentOrganizationId\":\"%s\"}", grand);
    json_object *t = patch_org(top, b_grand_parent);
    expect_str(t, "parentOrganizationId", grand);
    json_object_put(t);
    /* ... and then `other` (grand's parent, top's grandparent) cannot go below top */
    char *b_top = xasprintf("{\"parentOrganizationId\":\"%s\"}", top);
    onb_reqf("PATCH", b_top, &r, "/v1/organizations/%s", other);
    onb_assert_error(&r, 400, "0091", NULL);
    it_response_free(&r);

    /* children do not block deletion and keep their parentOrganizationId */
    onb_reqf("DELETE", NULL, &r, "/v1/organizations/%s", top);
    cr_expect_eq(r.status, 204, "%s", it_describe(&r));
    it_response_free(&r);
    c = get_org(child);
    expect_str(c, "parentOrganizationId", top);
    json_object_put(c);

    free(b_child);
    free(b_grand);
    free(b_gone);
    free(b_create_gone);
    free(b_other);
    free(b_grand_parent);
    free(b_top);
    free(top);
    free(child);
    free(grand);
    free(other);
    free(gone);
}

/* ---- delete and count ---------------------------------------------------------------------------- */

Test(onb_organizations, delete_then_everything_answers_not_found)
{
    char doc[UUID_STR_LEN + 1];
    uuid_v4_str(doc);
    char *b_org = xasprintf("{\"legalName\":\"to delete\",\"legalDocument\":\"%s\"}", doc);
    char *org = onb_create_org(b_org);
    it_response r;

    onb_reqf("GET", NULL, &r, "/v1/organizations?legal_document=%s", doc);
    cr_assert_eq(r.status, 200, "%s", it_describe(&r));
    cr_expect_eq(json_object_array_length(onb_jget(r.json, "items")), 1, "%s", it_describe(&r));
    it_response_free(&r);

    onb_reqf("DELETE", NULL, &r, "/v1/organizations/%s", org);
    cr_assert_eq(r.status, 204, "%s", it_describe(&r));
    cr_expect_eq(r.body_len, 0, "204 has no body: %s", it_describe(&r));
    cr_expect(it_header_get(&r, "Content-Length") && strcmp(it_header_get(&r, "Content-Length"), "0") == 0,
              "Content-Length: 0 expected: %s", it_describe(&r));
    it_response_free(&r);

    onb_reqf("GET", NULL, &r, "/v1/organizations/%s", org);
    onb_assert_error(&r, 404, "0007", NULL);
    cr_expect_str_eq(it_json_str(&r, "entityType"), "Organization");
    it_response_free(&r);
    onb_reqf("DELETE", NULL, &r, "/v1/organizations/%s", org);
    onb_assert_error(&r, 404, "0007", NULL);
    it_response_free(&r);
    onb_reqf("PATCH", "{\"legalName\":\"again\"}", &r, "/v1/organizations/%s", org);
    onb_assert_error(&r, 404, "0007", NULL);
    it_response_free(&r);
    /* below a deleted organization: 0038 */
    onb_reqf("POST", "{\"name\":\"x\"}", &r, "/v1/organizations/%s/ledgers", org);
    onb_assert_error(&r, 404, "0038", NULL);
    it_response_free(&r);
    onb_reqf("GET", NULL, &r, "/v1/organizations/%s/ledgers", org);
    onb_assert_error(&r, 404, "0038", NULL);
    it_response_free(&r);
    /* excluded from lists */
    onb_reqf("GET", NULL, &r, "/v1/organizations?legal_document=%s", doc);
    cr_assert_eq(r.status, 200, "%s", it_describe(&r));
    cr_expect_eq(json_object_array_length(onb_jget(r.json, "items")), 0, "%s", it_describe(&r));
    it_response_free(&r);
    free(b_org);
    free(org);
}

Test(onb_organizations, delete_with_live_ledger_is_refused)
{
    char *org = onb_create_org(NULL);
    char *ledger = onb_create_ledger(org, "blocking ledger", NULL);
    it_response r;

    onb_reqf("DELETE", NULL, &r, "/v1/organizations/%s", org);
    onb_assert_error(&r, 422, "0008", NULL);
    it_response_free(&r);
    onb_reqf("GET", NULL, &r, "/v1/organizations/%s", org);
    cr_expect_eq(r.status, 200, "still there: %s", it_describe(&r));
    it_response_free(&r);
    free(ledger);
    free(org);
}

/* Counts live organizations in the database, for comparison with HEAD. */
static long db_org_count(void)
{
    PGresult *res = it_pg_exec("ONBOARDING_DATABASE_URL",
                               "SELECT count(*) FROM onboarding.organizations WHERE deleted_at IS NULL", 0, NULL);
    long n = atol(PQgetvalue(res, 0, 0));
    PQclear(res);
    return n;
}

Test(onb_organizations, count_head)
{
    char *org = onb_create_org(NULL);
    bool matched = false;

    /* Other writers may run at the same time: retry until a HEAD falls between two equal DB counts. */
    for (int attempt = 0; attempt < 20 && !matched; attempt++) {
        long before = db_org_count();
        it_response r;
        onb_req("HEAD", "/v1/organizations/metrics/count?limit=abc&page=0", NULL, &r);
        long after = db_org_count();
        cr_assert_eq(r.status, 204, "HEAD count ignores query parameters: %s", it_describe(&r));
        cr_assert_eq(r.body_len, 0);
        cr_assert(it_header_get(&r, "Content-Length") && strcmp(it_header_get(&r, "Content-Length"), "0") == 0,
                  "%s", it_describe(&r));
        const char *total = it_header_get(&r, "X-Total-Count");
        cr_assert_not_null(total, "X-Total-Count missing: %s", it_describe(&r));
        for (const char *p = total; *p; p++)
            cr_assert(*p >= '0' && *p <= '9', "X-Total-Count must be decimal: %s", total);
        if (before == after) {
            cr_expect_eq(atol(total), before, "X-Total-Count %s vs %ld live rows", total, before);
            cr_expect(atol(total) >= 1);
            matched = true;
        }
        it_response_free(&r);
    }
    cr_expect(matched, "the organization count never settled");

    /* GET on the count path is not allowed */
    it_response r;
    onb_req("GET", "/v1/organizations/metrics/count", NULL, &r);
    onb_assert_error(&r, 405, "0485", NULL);
    it_response_free(&r);
    free(org);
}

/* ---- delete vs ledger create: serialised -------------------------------------------------------- */

Test(onb_organizations, delete_and_ledger_create_are_serialised, .timeout = 120)
{
    for (int round = 0; round < 12; round++) {
        char *org = onb_create_org(NULL);
        char *org_path = xasprintf("/v1/organizations/%s", org);
        char *ledgers_path = xasprintf("/v1/organizations/%s/ledgers", org);
        const char *methods[2] = {"DELETE", "POST"};
        const char *paths[2] = {org_path, ledgers_path};
        const char *bodies[2] = {NULL, "{\"name\":\"racing ledger\"}"};
        onb_par_result res[2];

        onb_parallel(2, methods, paths, bodies, res);
        bool deleted_first = res[0].status == 204 && res[1].status == 404 && strcmp(res[1].code, "0038") == 0;
        bool created_first = res[1].status == 201 && res[0].status == 422 && strcmp(res[0].code, "0008") == 0;
        cr_expect(deleted_first || created_first,
                  "round %d: DELETE -> %ld %s, ledger POST -> %ld %s: a live ledger under a deleted organization?",
                  round, res[0].status, res[0].code, res[1].status, res[1].code);
        it_response r;
        onb_req("GET", org_path, NULL, &r);
        cr_expect_eq(r.status, created_first ? 200 : 404, "round %d: %s", round, it_describe(&r));
        it_response_free(&r);
        free(org_path);
        free(ledgers_path);
        free(org);
    }
}
