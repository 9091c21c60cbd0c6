/* Unit tests of the onboarding service's pure pieces: Appendix A countries, the address rules (empty,
 * 0032, normalisation) and the body schemas run through the common validator (0009/0047/0053/0094
 * decisions for these routes); the status and PATCH rules are tested with common/entity.
 * The unit-test target does not compile service sources, so the two pure files are included here. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "../../services/onboarding/onb_rules.c"
#include "../../services/onboarding/onb_schemas.c"

static json_object *parse(const char *text)
{
    json_object *o = NULL;
    api_error e = {0};
    int rc = json_parse_strict(text, strlen(text), JSON_MAX_DEPTH, &o, NULL, &e);
    cr_assert_eq(rc, 0, "test JSON does not parse: %s (%s)", text, e.message);
    api_error_clear(&e);
    return o;
}

/* ---- countries --------------------------------------------------------------------------------- */

Test(onboarding_rules, country_list_is_sorted_and_complete)
{
    for (size_t i = 1; i < ARRAY_LEN(onb_countries); i++)
        cr_assert(strcmp(onb_countries[i - 1], onb_countries[i]) < 0, "not sorted at %s", onb_countries[i]);
    for (size_t i = 0; i < ARRAY_LEN(onb_countries); i++)
        cr_assert(onb_country_valid(onb_countries[i]), "%s not found", onb_countries[i]);
}

Test(onboarding_rules, country_validity)
{
    static const struct {
        const char *code;
        bool ok;
    } cases[] = {
        {"US", true}, {"BR", true}, {"AD", true}, {"ZW", true}, {"XK", false}, {"us", false},
        {"Us", false}, {"USA", false}, {"U", false}, {"", false}, {" US", false}, {"UK", false},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++)
        cr_expect_eq(onb_country_valid(cases[i].code), cases[i].ok, "country '%s'", cases[i].code);
    cr_expect(!onb_country_valid(NULL));
}

/* ---- address ----------------------------------------------------------------------------------- */

Test(onboarding_rules, address_emptiness_and_country_rule)
{
    static const struct {
        const char *json;
        bool empty;
        bool ok; /* onb_address_check */
    } cases[] = {
        {"{}", true, true},
        {"{\"line1\":null,\"country\":\"\"}", true, true},
        {"{\"line1\":\"\",\"line2\":\"\",\"zipCode\":null}", true, true},
        {"{\"country\":\"US\"}", false, true},
        {"{\"line1\":\"1 Main St\",\"country\":\"BR\"}", false, true},
        {"{\"line1\":\"1 Main St\"}", false, false},             /* non-empty without country */
        {"{\"line1\":\"1 Main St\",\"country\":\"\"}", false, false},
        {"{\"city\":\"X\",\"country\":\"br\"}", false, false},   /* lower case */
        {"{\"city\":\"X\",\"country\":\"ZZ\"}", false, false},   /* not in Appendix A */
        {"{\"description\":\"hq\",\"country\":null}", false, false},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        json_object *a = parse(cases[i].json);
        api_error e = {0};
        cr_expect_eq(onb_address_is_empty(a), cases[i].empty, "empty(%s)", cases[i].json);
        int rc = onb_address_check(a, &e);
        cr_expect_eq(rc == 0, cases[i].ok, "check(%s)", cases[i].json);
        if (!cases[i].ok)
            cr_expect_str_eq(err_get(e.id)->code, "0032", "code of %s", cases[i].json);
        api_error_clear(&e);
        json_object_put(a);
    }
    cr_expect(onb_address_is_empty(NULL));
}

Test(onboarding_rules, address_normalize_fills_every_member_in_order)
{
    json_object *a = parse("{\"country\":\"US\",\"line2\":\"\",\"city\":\"NYC\",\"description\":\"hq\"}");
    json_object *n = onb_address_normalize(a);
    cr_assert_str_eq(json_object_to_json_string_ext(n, JSON_C_TO_STRING_PLAIN),
                     "{\"line1\":\"\",\"line2\":null,\"zipCode\":\"\",\"city\":\"NYC\",\"state\":\"\","
                     "\"country\":\"US\",\"description\":\"hq\"}");
    json_object_put(n);
    n = onb_address_normalize(NULL);
    cr_assert_str_eq(json_object_to_json_string_ext(n, JSON_C_TO_STRING_PLAIN),
                     "{\"line1\":\"\",\"line2\":null,\"zipCode\":\"\",\"city\":\"\",\"state\":\"\","
                     "\"country\":\"\",\"description\":null}");
    json_object_put(n);
    json_object_put(a);
}

/* ---- body schemas through the common validator ------------------------------------------------ */

typedef struct schema_case {
    const json_schema *schema;
    json_mode mode;
    const char *body;
    const char *code;  /* NULL = accepted */
    const char *field; /* a key expected in fields, or NULL */
} schema_case;

Test(onboarding_rules, body_schemas)
{
    const schema_case cases[] = {
        /* organizations, create */
        {&onb_org_create_schema, JSON_MODE_CREATE, "{\"legalName\":\"A\",\"legalDocument\":\"1\"}", NULL, NULL},
        {&onb_org_create_schema, JSON_MODE_CREATE, "{\"legalName\":\"\",\"legalDocument\":null}", "0009",
         "legalDocument"},
        {&onb_org_create_schema, JSON_MODE_CREATE, "{\"legalDocument\":\"1\"}", "0009", "legalName"},
        {&onb_org_create_schema, JSON_MODE_CREATE,
         "{\"legalName\":\"A\",\"legalDocument\":\"1\",\"parentOrganizationId\":\"nope\"}", "0047",
         "parentOrganizationId"},
        {&onb_org_create_schema, JSON_MODE_CREATE,
         "{\"legalName\":\"A\",\"legalDocument\":\"1\",\"address\":{\"zipCode\":\"123456789012345678901\"}}",
         "0047", "address.zipCode"},
        {&onb_org_create_schema, JSON_MODE_CREATE,
         "{\"legalName\":\"A\",\"legalDocument\":\"1\",\"address\":{\"street\":\"x\"}}", "0053",
         "address.street"},
        {&onb_org_create_schema, JSON_MODE_CREATE,
         "{\"legalName\":\"A\",\"legalDocument\":\"1\",\"status\":{\"code\":\"A\",\"x\":1}}", "0053",
         "status.x"},
        {&onb_org_create_schema, JSON_MODE_CREATE, "{\"legalName\":\"A\",\"legalDocument\":\"1\",\"id\":\"x\"}",
         "0053", "id"},
        {&onb_org_create_schema, JSON_MODE_CREATE, "{\"legalName\":1,\"legalDocument\":\"1\"}", "0094", NULL},
        {&onb_org_create_schema, JSON_MODE_CREATE, "{\"legalName\":\"A\",\"legalDocument\":\"1\",\"metadata\":[]}",
         "0094", NULL},
        {&onb_org_create_schema, JSON_MODE_CREATE,
         "{\"legalName\":\"A\",\"legalDocument\":\"1\",\"metadata\":{\"k\":{\"a\":1}}}", "0067", "metadata.k"},
        /* organizations, PATCH */
        {&onb_org_patch_schema, JSON_MODE_PATCH, "{}", NULL, NULL},
        {&onb_org_patch_schema, JSON_MODE_PATCH, "{\"legalName\":null,\"doingBusinessAs\":null,\"address\":null}",
         NULL, NULL},
        {&onb_org_patch_schema, JSON_MODE_PATCH, "{\"legalDocument\":\"2\"}", "0053", "legalDocument"},
        {&onb_org_patch_schema, JSON_MODE_PATCH, "{\"legalDocument\":7}", "0053", "legalDocument"},
        /* ledgers */
        {&onb_ledger_create_schema, JSON_MODE_CREATE, "{\"name\":\"Main\"}", NULL, NULL},
        {&onb_ledger_create_schema, JSON_MODE_CREATE, "{\"name\":\"Main\",\"settings\":{}}", "0053", "settings"},
        {&onb_ledger_create_schema, JSON_MODE_CREATE, "{\"name\":\"\"}", "0009", "name"},
        {&onb_ledger_patch_schema, JSON_MODE_PATCH, "{\"name\":\"\"}", NULL, NULL},
        {&onb_ledger_patch_schema, JSON_MODE_PATCH, "{\"organizationId\":\"x\"}", "0053", "organizationId"},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        json_object *b = NULL;
        api_error e = {0};
        int rc = json_decode_body(cases[i].body, strlen(cases[i].body), cases[i].schema, cases[i].mode, &b, &e);
        if (!cases[i].code) {
            cr_expect_eq(rc, 0, "%s rejected with %s (%s)", cases[i].body,
                         e.id ? err_get(e.id)->code : "-", e.message);
        } else {
            cr_expect_eq(rc, -1, "%s accepted", cases[i].body);
            if (rc == -1) {
                cr_expect_str_eq(err_get(e.id)->code, cases[i].code, "%s: %s", cases[i].body, e.message);
                if (cases[i].field)
                    cr_expect(e.fields && json_object_object_get_ex(e.fields, cases[i].field, NULL),
                              "%s: fields %s lack %s", cases[i].body,
                              e.fields ? json_object_to_json_string(e.fields) : "(none)", cases[i].field);
            }
        }
        api_error_clear(&e);
        json_object_put(b);
    }
}
