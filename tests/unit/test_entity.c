/* Unit tests of common/entity: the status object's defaults on create and its PATCH resolution, and
 * the api.md "PATCH semantics" table of text members (nullable or not), and the members every entity
 * has (status, metadata, times) on create and PATCH, table-driven over JSON bodies. Pure: no server. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "entity/entity.h"
#include "errors/errors.h"
#include "json/json.h"
#include "util/mem.h"

static json_object *parse(const char *text)
{
    json_object *o = NULL;
    api_error e = {0};
    int rc = json_parse_strict(text, strlen(text), JSON_MAX_DEPTH, &o, NULL, &e);
    cr_assert_eq(rc, 0, "test JSON does not parse: %s (%s)", text, e.message);
    api_error_clear(&e);
    return o;
}

/* NULL-safe string equality for expectations where NULL means JSON null. */
static bool same_text(const char *got, const char *want)
{
    if (!want)
        return got == NULL;
    return got && strcmp(got, want) == 0;
}

/* ---- status on create -------------------------------------------------------------------------- */

Test(entity, status_for_create)
{
    static const struct {
        const char *body; /* the request body; its "status" member is the input */
        const char *code;
        const char *description; /* NULL = null */
    } cases[] = {
        {"{}", "ACTIVE", NULL},
        {"{\"status\":null}", "ACTIVE", NULL},
        {"{\"status\":{}}", "ACTIVE", NULL},
        {"{\"status\":{\"code\":\"\"}}", "ACTIVE", NULL},
        {"{\"status\":{\"code\":null,\"description\":\"d\"}}", "ACTIVE", "d"},
        {"{\"status\":{\"code\":\"\",\"description\":\"\"}}", "ACTIVE", NULL},
        {"{\"status\":{\"description\":\"\"}}", "ACTIVE", NULL},
        {"{\"status\":{\"code\":\"blocked\"}}", "blocked", NULL},
        {"{\"status\":{\"code\":\"Blocked\",\"description\":\"why\"}}", "Blocked", "why"},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        json_object *b = parse(cases[i].body);
        entity_status st = {0};
        entity_status_for_create(json_get(b, "status"), &st);
        cr_expect_str_eq(st.code, cases[i].code, "code of %s", cases[i].body);
        cr_expect(same_text(st.description, cases[i].description), "description of %s: %s", cases[i].body,
                  st.description ? st.description : "(null)");
        entity_status_clear(&st);
        cr_expect_null(st.code);
        cr_expect_null(st.description);
        json_object_put(b);
    }
}

/* ---- status on PATCH --------------------------------------------------------------------------- */

Test(entity, status_for_patch)
{
    static const struct {
        const char *body;
        const char *cur_code;
        const char *cur_description;
        const char *code;
        const char *description; /* NULL = null */
    } cases[] = {
        /* absent or null status keeps both */
        {"{}", "CUR", "old", "CUR", "old"},
        {"{\"status\":null}", "CUR", "old", "CUR", "old"},
        {"{\"status\":{}}", "CUR", "old", "CUR", "old"},
        {"{\"status\":{\"code\":null,\"description\":null}}", "CUR", "old", "CUR", "old"},
        /* code: "" keeps, a string replaces */
        {"{\"status\":{\"code\":\"\"}}", "CUR", "old", "CUR", "old"},
        {"{\"status\":{\"code\":\"NEW\"}}", "CUR", "old", "NEW", "old"},
        /* description: "" clears, a string replaces */
        {"{\"status\":{\"description\":\"\"}}", "CUR", "old", "CUR", NULL},
        {"{\"status\":{\"description\":\"d2\"}}", "CUR", "old", "CUR", "d2"},
        {"{\"status\":{\"code\":\"inactive\",\"description\":\"gone\"}}", "CUR", "old", "inactive", "gone"},
        /* nothing stored: the code falls back to ACTIVE, the description stays null */
        {"{}", NULL, NULL, "ACTIVE", NULL},
        {"{\"status\":{\"description\":\"d\"}}", NULL, NULL, "ACTIVE", "d"},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        json_object *b = parse(cases[i].body);
        entity_status st = {0};
        entity_status_for_patch(json_get(b, "status"), cases[i].cur_code, cases[i].cur_description, &st);
        cr_expect_str_eq(st.code, cases[i].code, "case %zu %s", i, cases[i].body);
        cr_expect(same_text(st.description, cases[i].description), "case %zu %s: %s", i, cases[i].body,
                  st.description ? st.description : "(null)");
        /* The result owns copies: it never aliases the stored values. */
        cr_expect(st.code != cases[i].cur_code);
        cr_expect(!st.description || st.description != cases[i].cur_description);
        entity_status_clear(&st);
        json_object_put(b);
    }
    entity_status_clear(NULL); /* accepted */
}

/* ---- PATCH semantics table (api.md) ------------------------------------------------------------ */

Test(entity, patch_text_table)
{
    static const struct {
        const char *body;
        bool nullable;
        entity_patch_action action;
        const char *value;  /* *value for ENTITY_PATCH_SET, else NULL */
        const char *result; /* against the current "cur"; NULL = null */
    } cases[] = {
        {"{}", false, ENTITY_PATCH_KEEP, NULL, "cur"},
        {"{}", true, ENTITY_PATCH_KEEP, NULL, "cur"},
        {"{\"m\":null}", false, ENTITY_PATCH_KEEP, NULL, "cur"},
        {"{\"m\":null}", true, ENTITY_PATCH_SET_NULL, NULL, NULL},
        {"{\"m\":\"\"}", false, ENTITY_PATCH_KEEP, NULL, "cur"},
        {"{\"m\":\"\"}", true, ENTITY_PATCH_KEEP, NULL, "cur"},
        {"{\"m\":\"v\"}", false, ENTITY_PATCH_SET, "v", "v"},
        {"{\"m\":\"new\"}", true, ENTITY_PATCH_SET, "new", "new"},
        /* not a string (the schema refuses it first; the rule still keeps the value) */
        {"{\"m\":7}", true, ENTITY_PATCH_KEEP, NULL, "cur"},
        /* another member changes nothing */
        {"{\"other\":\"x\"}", true, ENTITY_PATCH_KEEP, NULL, "cur"},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        json_object *b = parse(cases[i].body);
        const char *value = "unset";
        cr_expect_eq(entity_patch_text(b, "m", cases[i].nullable, &value), cases[i].action,
                     "case %zu %s nullable=%d", i, cases[i].body, cases[i].nullable);
        cr_expect(same_text(value, cases[i].value), "case %zu value %s", i, value ? value : "(null)");
        char *got = entity_patch_text_apply(b, "m", cases[i].nullable, "cur");
        cr_expect(same_text(got, cases[i].result), "case %zu %s nullable=%d -> %s", i, cases[i].body,
                  cases[i].nullable, got ? got : "(null)");
        free(got);
        json_object_put(b);
    }
}

Test(entity, patch_text_apply_without_current_value)
{
    json_object *b = parse("{\"a\":\"x\",\"n\":null}");
    char *kept = entity_patch_text_apply(b, "missing", true, NULL);
    char *set = entity_patch_text_apply(b, "a", false, NULL);
    char *nulled = entity_patch_text_apply(b, "n", true, NULL);
    char *kept_null = entity_patch_text_apply(b, "n", false, NULL);

    cr_expect_null(kept);
    cr_expect_str_eq(set, "x");
    cr_expect_null(nulled);
    cr_expect_null(kept_null);
    free(set);
    json_object_put(b);
}

/* ---- the members every entity has -------------------------------------------------------------- */

Test(entity, common_for_create)
{
    json_object *b = parse("{\"status\":{\"code\":\"BLOCKED\"},\"metadata\":{\"a\":\"1\",\"gone\":null}}");
    json_object *empty = parse("{}");
    entity_common m = {0};

    entity_common_for_create(&m, b, 42);
    cr_expect_str_eq(m.status_code, "BLOCKED");
    cr_expect_null(m.status_description);
    cr_expect_str_eq(json_dump(m.metadata), "{\"a\":\"1\"}", "null members are dropped on create");
    cr_expect_eq(m.created_us, 42);
    cr_expect_eq(m.updated_us, 42);
    cr_expect_eq(m.deleted_us, -1);
    entity_common_clear(&m);
    cr_expect_null(m.status_code);
    cr_expect_null(m.metadata);
    cr_expect_eq(m.deleted_us, -1);

    entity_common_for_create(&m, empty, 7);
    cr_expect_str_eq(m.status_code, "ACTIVE");
    cr_expect_str_eq(json_dump(m.metadata), "{}");
    entity_common_clear(&m);
    entity_common_clear(NULL); /* accepted */
    json_object_put(b);
    json_object_put(empty);
}

Test(entity, common_for_patch)
{
    static const struct {
        const char *body;
        const char *code;
        const char *description; /* NULL = null */
        const char *metadata;
    } cases[] = {
        {"{}", "CUR", "old", "{\"a\":\"1\",\"b\":\"2\"}"},
        {"{\"status\":{\"description\":\"\"}}", "CUR", NULL, "{\"a\":\"1\",\"b\":\"2\"}"},
        {"{\"metadata\":null}", "CUR", "old", "{}"},
        {"{\"metadata\":{\"a\":null,\"c\":\"3\"},\"status\":{\"code\":\"NEW\"}}", "NEW", "old",
         "{\"b\":\"2\",\"c\":\"3\"}"},
    };
    entity_common cur = {
        .status_code = xstrdup("CUR"),
        .status_description = xstrdup("old"),
        .metadata = parse("{\"a\":\"1\",\"b\":\"2\"}"),
        .created_us = 10,
        .updated_us = 20,
        .deleted_us = -1,
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        json_object *b = parse(cases[i].body);
        entity_common next = {0};
        entity_common_for_patch(&next, &cur, b, 99);
        cr_expect_str_eq(next.status_code, cases[i].code, "case %zu", i);
        cr_expect(same_text(next.status_description, cases[i].description), "case %zu", i);
        cr_expect_str_eq(json_dump(next.metadata), cases[i].metadata, "case %zu", i);
        cr_expect_eq(next.created_us, 10);
        cr_expect_eq(next.updated_us, 99);
        cr_expect_eq(next.deleted_us, -1);
        cr_expect(next.status_code != cur.status_code && next.metadata != cur.metadata, "new copies");
        entity_common_clear(&next);
        json_object_put(b);
    }
    cr_expect_str_eq(cur.status_code, "CUR", "cur is unchanged");
    cr_expect_str_eq(json_dump(cur.metadata), "{\"a\":\"1\",\"b\":\"2\"}");
    entity_common_clear(&cur);
}
