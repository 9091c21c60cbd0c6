/* Unit tests of common/json: strict parsing (syntax, UTF-8, duplicates, depth), number text, the
 * validation steps of api.md 4.1-4.6 with their precedence and `fields`, metadata create/merge.
 * Pure: no I/O beyond the test runner. */
#include <criterion/criterion.h>
#include <string.h>

#include "json/json.h"

#define TXT(s) s, sizeof(s) - 1

/* ---- helpers -------------------------------------------------------------------------------- */

static const char *code_of(const api_error *e)
{
    const err_def *d = err_get(e->id);
    return d ? d->code : "none";
}

/* Parse trusted test JSON with the strict parser (aborts the test when it fails). */
static json_object *must_parse(const char *text)
{
    json_object *o = NULL;
    api_error e = {0};
    int rc = json_parse_strict(text, strlen(text), JSON_MAX_DEPTH, &o, NULL, &e);
    cr_assert_eq(rc, 0, "test JSON did not parse: %s (%s)", text, e.message);
    api_error_clear(&e);
    return o;
}

static char *nest(int levels, const char *open, const char *inner, const char *close)
{
    strbuf sb = {0};
    for (int i = 0; i < levels; i++)
        strbuf_puts(&sb, open);
    strbuf_puts(&sb, inner);
    for (int i = 0; i < levels; i++)
        strbuf_puts(&sb, close);
    return strbuf_steal(&sb);
}

static char *repeat(const char *unit, int n)
{
    strbuf sb = {0};
    for (int i = 0; i < n; i++)
        strbuf_puts(&sb, unit);
    return strbuf_steal(&sb);
}

/* ---- parser table --------------------------------------------------------------------------- */

typedef struct parse_case {
    const char *name;
    const char *text;
    size_t len;
    const char *code; /* NULL = parses */
} parse_case;

static const parse_case parse_cases[] = {
    {"empty object", TXT("{}"), NULL},
    {"empty array", TXT("[]"), NULL},
    {"whitespace around", TXT(" \t\r\n{\"a\" : [1, 2.5, -3e2, true, false, null, \"x\"]}\n"), NULL},
    {"top-level scalar", TXT("\"s\""), NULL},
    {"top-level null", TXT("null"), NULL},
    {"escapes", TXT("{\"a\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\"}"), NULL},
    {"surrogate pair", TXT("\"\\ud83d\\ude00\""), NULL},
    {"utf-8 two/three/four bytes", TXT("\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf\""), NULL},
    {"same name in nested objects", TXT("{\"a\":{\"a\":{\"a\":1}}}"), NULL},
    {"empty body", TXT(""), "0094"},
    {"whitespace-only body", TXT("  \r\n\t "), "0094"},
    {"trailing comma in object", TXT("{\"a\":1,}"), "0094"},
    {"trailing comma in array", TXT("[1,2,]"), "0094"},
    {"double comma", TXT("[1,,2]"), "0094"},
    {"block comment", TXT("{\"a\":1 /* c */}"), "0094"},
    {"line comment", TXT("// c\n{}"), "0094"},
    {"NaN", TXT("{\"a\":NaN}"), "0094"},
    {"Infinity", TXT("[Infinity]"), "0094"},
    {"-Infinity", TXT("[-Infinity]"), "0094"},
    {"leading zero", TXT("{\"a\":01}"), "0094"},
    {"negative leading zero", TXT("[-01]"), "0094"},
    {"leading plus", TXT("[+1]"), "0094"},
    {"dot without digits", TXT("[1.]"), "0094"},
    {"leading dot", TXT("[.5]"), "0094"},
    {"empty exponent", TXT("[1e]"), "0094"},
    {"signed empty exponent", TXT("[1e+]"), "0094"},
    {"lone minus", TXT("[-]"), "0094"},
    {"hex number", TXT("[0x10]"), "0094"},
    {"single quotes", TXT("{'a':1}"), "0094"},
    {"unquoted name", TXT("{a:1}"), "0094"},
    {"missing colon", TXT("{\"a\" 1}"), "0094"},
    {"missing value", TXT("{\"a\":}"), "0094"},
    {"truncated object", TXT("{\"a\":1"), "0094"},
    {"truncated array", TXT("[1"), "0094"},
    {"unterminated string", TXT("\"abc"), "0094"},
    {"bad literal", TXT("[tru]"), "0094"},
    {"capitalised literal", TXT("[True]"), "0094"},
    {"raw tab in string", TXT("\"a\tb\""), "0094"},
    {"raw newline in string", TXT("\"a\nb\""), "0094"},
    {"raw NUL in string", TXT("\"a\0b\""), "0094"},
    {"raw NUL outside string", TXT("{}\0"), "0094"},
    {"invalid escape", TXT("\"\\x41\""), "0094"},
    {"short \\u escape", TXT("\"\\u12\""), "0094"},
    {"non-hex \\u escape", TXT("\"\\u12G4\""), "0094"},
    {"lone high surrogate", TXT("\"\\ud800\""), "0094"},
    {"high surrogate then text", TXT("\"\\ud800x\""), "0094"},
    {"high surrogate then non-low", TXT("\"\\ud800\\u0041\""), "0094"},
    {"lone low surrogate", TXT("\"\\udc00\""), "0094"},
    {"utf-8 overlong slash", TXT("\"\xc0\xaf\""), "0094"},
    {"utf-8 overlong three bytes", TXT("\"\xe0\x80\xaf\""), "0094"},
    {"utf-8 overlong four bytes", TXT("\"\xf0\x80\x80\xaf\""), "0094"},
    {"utf-8 encoded surrogate", TXT("\"\xed\xa0\x80\""), "0094"},
    {"utf-8 above U+10FFFF", TXT("\"\xf4\x90\x80\x80\""), "0094"},
    {"utf-8 F5 lead", TXT("\"\xf5\x80\x80\x80\""), "0094"},
    {"utf-8 truncated", TXT("\"\xe2\x82\""), "0094"},
    {"utf-8 truncated at end", TXT("\"\xe2\x82"), "0094"},
    {"utf-8 stray continuation", TXT("\"\x80\""), "0094"},
    {"utf-8 in member name", TXT("{\"\xff\":1}"), "0094"},
    {"byte order mark", TXT("\xef\xbb\xbf{}"), "0094"},
    {"trailing garbage", TXT("{} x"), "0094"},
    {"two values", TXT("{}{}"), "0094"},
    {"two numbers", TXT("1 2"), "0094"},
    {"duplicate name", TXT("{\"a\":1,\"a\":2}"), "0094"},
    {"duplicate name, different values", TXT("{\"a\":{},\"b\":1,\"a\":null}"), "0094"},
    {"duplicate after unescaping", TXT("{\"a\":1,\"\\u0061\":2}"), "0094"},
    {"duplicate nested", TXT("{\"x\":{\"b\":1,\"b\":2}}"), "0094"},
    {"duplicate in array element", TXT("[{\"a\":1},{\"a\":1,\"a\":1}]"), "0094"},
    {"duplicate NUL names", TXT("{\"a\\u0000\":1,\"a\\u0000\":2}"), "0094"},
    {"NUL name vs literal \\u0000 name", TXT("{\"a\\u0000\":1,\"a\\\\u0000\":2}"), NULL},
    {"depth error before later syntax error", TXT("[[[[[[[[[[[ x"), "0144"},
    {"syntax error before later depth", TXT("[1,,[[[[[[[[[[[[]]]]]]]]]]]]"), "0094"},
    {"duplicate before later depth", TXT("{\"a\":1,\"a\":[[[[[[[[[[[[]]]]]]]]]]]]}"), "0094"},
    {"depth before later duplicate", TXT("{\"a\":[[[[[[[[[[[]]]]]]]]]]],\"a\":1}"), "0144"},
};

Test(json_parse, table)
{
    for (size_t i = 0; i < ARRAY_LEN(parse_cases); i++) {
        const parse_case *c = &parse_cases[i];
        json_object *o = NULL;
        api_error e = {0};
        int rc = json_parse_strict(c->text, c->len, JSON_MAX_DEPTH, &o, NULL, &e);
        if (!c->code) {
            cr_expect_eq(rc, 0, "%s: expected success, got %s (%s)", c->name, code_of(&e), e.message);
        } else {
            cr_expect_eq(rc, -1, "%s: expected failure", c->name);
            cr_expect_str_eq(code_of(&e), c->code, "%s: code %s, want %s (%s)", c->name, code_of(&e),
                             c->code, e.message);
            cr_expect_null(o, "%s: out must be NULL on failure", c->name);
        }
        json_object_put(o);
        api_error_clear(&e);
    }
}

Test(json_parse, depth_limit_arrays_and_objects)
{
    struct {
        int levels;
        const char *open, *inner, *close;
        const char *code;
    } rows[] = {
        {10, "[", "1", "]", NULL},          {11, "[", "1", "]", "0144"},
        {10, "{\"a\":", "1", "}", NULL},    {11, "{\"a\":", "1", "}", "0144"},
        {9, "[", "{\"k\":[]}", "]", "0144"}, {8, "[", "{\"k\":[]}", "]", NULL},
        {10, "[", "\"deep scalar is not a level\"", "]", NULL},
    };
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        char *text = nest(rows[i].levels, rows[i].open, rows[i].inner, rows[i].close);
        json_object *o = NULL;
        api_error e = {0};
        int rc = json_parse_strict(text, strlen(text), JSON_MAX_DEPTH, &o, NULL, &e);
        if (rows[i].code) {
            cr_expect_eq(rc, -1, "row %zu: %s", i, text);
            cr_expect_str_eq(code_of(&e), rows[i].code, "row %zu: %s", i, text);
        } else {
            cr_expect_eq(rc, 0, "row %zu: %s (%s)", i, text, e.message);
        }
        json_object_put(o);
        api_error_clear(&e);
        free(text);
    }
}

Test(json_parse, max_depth_parameter_is_honoured)
{
    json_object *o = NULL;
    api_error e = {0};
    cr_expect_eq(json_parse_strict(TXT("[[1]]"), 1, &o, NULL, &e), -1);
    cr_expect_str_eq(code_of(&e), "0144");
    api_error_clear(&e);
    cr_expect_eq(json_parse_strict(TXT("[[1]]"), 2, &o, NULL, &e), 0);
    json_object_put(o);
}

Test(json_parse, number_text_is_preserved)
{
    const char *text = "{\"a\":100.50,\"b\":1e3,\"c\":123456789012345678901234567890,\"d\":-0,"
                       "\"e\":42,\"f\":9223372036854775807,\"g\":9223372036854775808,"
                       "\"h\":-9223372036854775808,\"i\":1.5E-3,\"j\":0.10}";
    struct {
        const char *key, *text;
        json_type type;
    } rows[] = {
        {"a", "100.50", json_type_double},
        {"b", "1e3", json_type_double},
        {"c", "123456789012345678901234567890", json_type_double},
        {"d", "-0", json_type_int},
        {"e", "42", json_type_int},
        {"f", "9223372036854775807", json_type_int},
        {"g", "9223372036854775808", json_type_double},
        {"h", "-9223372036854775808", json_type_int},
        {"i", "1.5E-3", json_type_double},
        {"j", "0.10", json_type_double},
    };
    json_object *o = must_parse(text);
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        json_object *n = json_get(o, rows[i].key);
        cr_assert_not_null(n, "%s", rows[i].key);
        cr_expect_eq(json_object_get_type(n), rows[i].type, "%s type", rows[i].key);
        cr_expect_str_eq(json_number_text(n), rows[i].text);
        cr_expect_str_eq(json_object_to_json_string(n), rows[i].text);
    }
    cr_expect_eq(json_object_get_int64(json_get(o, "e")), 42);
    cr_expect_eq(json_object_get_int64(json_get(o, "f")), INT64_MAX);
    cr_expect_str_eq(json_dump(o), text, "whole object serialises back to the exact text");
    cr_expect_null(json_number_text(json_get(o, "missing")));
    json_object *s = json_object_new_string("1");
    cr_expect_null(json_number_text(s), "a string is not a number");
    json_object_put(s);
    json_object *built = json_object_new_int64(7);
    cr_expect_str_eq(json_number_text(built), "7", "numbers built in code have their rendering");
    json_object_put(built);
    json_object_put(o);
}

Test(json_parse, nul_in_value_and_in_key)
{
    json_object *o = NULL;
    json_parse_info info = {.nul_in_key = true};
    api_error e = {0};
    cr_assert_eq(json_parse_strict(TXT("{\"a\":\"x\\u0000y\"}"), JSON_MAX_DEPTH, &o, &info, &e), 0);
    cr_expect_not(info.nul_in_key);
    json_object *s = json_get(o, "a");
    cr_expect_eq(json_object_get_string_len(s), 3);
    cr_expect_eq(memcmp(json_object_get_string(s), "x\0y", 3), 0);
    cr_expect_str_eq(json_dump(o), "{\"a\":\"x\\u0000y\"}");
    json_object_put(o);

    cr_assert_eq(json_parse_strict(TXT("{\"a\\u0000b\":1}"), JSON_MAX_DEPTH, &o, &info, &e), 0);
    cr_expect(info.nul_in_key);
    cr_expect(json_has(o, "a\\u0000b"), "NUL stored as the six characters \\u0000");
    json_object_put(o);
}

Test(json_parse, unicode_escapes_decode_to_utf8)
{
    json_object *o = must_parse("[\"\\u00e9\\u20ac\\ud83d\\ude00\"]");
    json_object *s = json_object_array_get_idx(o, 0);
    cr_expect_str_eq(json_object_get_string(s), "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
    cr_expect_eq(utf8_length(json_object_get_string(s), (size_t)json_object_get_string_len(s)), 3);
    json_object_put(o);
}

Test(json_parse, large_body_with_many_members)
{
    strbuf sb = {0};
    strbuf_putc(&sb, '{');
    for (int i = 0; i < 20000; i++)
        strbuf_printf(&sb, "%s\"k%d\":%d", i ? "," : "", i, i);
    strbuf_putc(&sb, '}');
    json_object *o = NULL;
    api_error e = {0};
    cr_assert_eq(json_parse_strict(sb.buf, sb.len, JSON_MAX_DEPTH, &o, NULL, &e), 0);
    cr_expect_eq(json_object_object_length(o), 20000);
    json_object_put(o);
    strbuf_free(&sb);
}

/* ---- schemas used by the validation tests --------------------------------------------------- */

static const json_field address_fields[] = {
    {.name = "line1", .kind = JK_STRING, .max_len = 256},
    {.name = "line2", .kind = JK_STRING, .flags = JF_NULLABLE, .max_len = 256},
    {.name = "zipCode", .kind = JK_STRING, .max_len = 20},
    {.name = "city", .kind = JK_STRING, .max_len = 100},
    {.name = "state", .kind = JK_STRING, .max_len = 100},
    {.name = "country", .kind = JK_STRING},
    {.name = "description", .kind = JK_STRING, .flags = JF_NULLABLE, .max_len = 100},
};
static const json_schema address_schema = {address_fields, ARRAY_LEN(address_fields)};

static const json_field org_create_fields[] = {
    {.name = "legalName", .kind = JK_STRING, .flags = JF_REQUIRED, .min_len = 1, .max_len = 256},
    {.name = "legalDocument", .kind = JK_STRING, .flags = JF_REQUIRED, .min_len = 1, .max_len = 256},
    {.name = "doingBusinessAs", .kind = JK_STRING, .flags = JF_NULLABLE, .max_len = 256},
    {.name = "parentOrganizationId", .kind = JK_STRING, .flags = JF_NULLABLE | JF_UUID},
    {.name = "address", .kind = JK_OBJECT, .flags = JF_NULLABLE, .sub = &address_schema},
    {.name = "status", .kind = JK_STATUS},
    {.name = "metadata", .kind = JK_METADATA},
    {.name = "tags", .kind = JK_ARRAY, .elem = JK_STRING, .max_len = 5, .max_items = 2},
    {.name = "count", .kind = JK_INT},
    {.name = "active", .kind = JK_BOOL},
    {.name = "extra", .kind = JK_ANY},
};
static const json_schema org_create = {org_create_fields, ARRAY_LEN(org_create_fields)};

static const json_field org_patch_fields[] = {
    {.name = "legalName", .kind = JK_STRING, .min_len = 1, .max_len = 256},
    {.name = "legalDocument", .kind = JK_STRING, .flags = JF_IMMUTABLE},
    {.name = "doingBusinessAs", .kind = JK_STRING, .flags = JF_NULLABLE, .max_len = 256},
    {.name = "parentOrganizationId", .kind = JK_STRING, .flags = JF_NULLABLE | JF_UUID},
    {.name = "address", .kind = JK_OBJECT, .flags = JF_NULLABLE, .sub = &address_schema},
    {.name = "status", .kind = JK_STATUS},
    {.name = "metadata", .kind = JK_METADATA},
};
static const json_schema org_patch = {org_patch_fields, ARRAY_LEN(org_patch_fields)};

static const json_field amount_fields[] = {
    {.name = "asset", .kind = JK_STRING, .flags = JF_REQUIRED},
    {.name = "value", .kind = JK_DECIMAL, .flags = JF_REQUIRED},
};
static const json_schema amount_schema = {amount_fields, ARRAY_LEN(amount_fields)};

static const json_field share_fields[] = {
    {.name = "percentage", .kind = JK_INT, .flags = JF_REQUIRED},
    {.name = "percentageOfPercentage", .kind = JK_INT},
};
static const json_schema share_schema = {share_fields, ARRAY_LEN(share_fields)};

static const json_field leg_fields[] = {
    {.name = "accountAlias", .kind = JK_STRING, .flags = JF_REQUIRED, .min_len = 1, .max_len = 256},
    {.name = "balanceKey", .kind = JK_STRING, .flags = JF_NO_SPACE, .max_len = 100},
    {.name = "amount", .kind = JK_OBJECT, .sub = &amount_schema},
    {.name = "share", .kind = JK_OBJECT, .sub = &share_schema},
    {.name = "remaining", .kind = JK_STRING},
    {.name = "description", .kind = JK_STRING, .max_len = 256},
    {.name = "metadata", .kind = JK_METADATA},
    {.name = "isFrom", .kind = JK_BOOL},
};
static const json_schema leg_schema = {leg_fields, ARRAY_LEN(leg_fields)};

static const json_field source_fields[] = {
    {.name = "from", .kind = JK_ARRAY, .flags = JF_REQUIRED, .sub = &leg_schema, .min_items = 1, .max_items = 500},
    {.name = "remaining", .kind = JK_STRING},
};
static const json_schema source_schema = {source_fields, ARRAY_LEN(source_fields)};

static const json_field distribute_fields[] = {
    {.name = "to", .kind = JK_ARRAY, .flags = JF_REQUIRED, .sub = &leg_schema, .min_items = 1, .max_items = 500},
    {.name = "remaining", .kind = JK_STRING},
};
static const json_schema distribute_schema = {distribute_fields, ARRAY_LEN(distribute_fields)};

static const json_field send_fields[] = {
    {.name = "asset", .kind = JK_STRING, .flags = JF_REQUIRED, .min_len = 1, .max_len = 100},
    {.name = "value", .kind = JK_DECIMAL, .flags = JF_REQUIRED},
    {.name = "source", .kind = JK_OBJECT, .flags = JF_REQUIRED, .sub = &source_schema},
    {.name = "distribute", .kind = JK_OBJECT, .flags = JF_REQUIRED, .sub = &distribute_schema},
};
static const json_schema send_schema = {send_fields, ARRAY_LEN(send_fields)};

static const json_field txn_fields[] = {
    {.name = "description", .kind = JK_STRING, .max_len = 256},
    {.name = "code", .kind = JK_STRING, .max_len = 100},
    {.name = "pending", .kind = JK_BOOL},
    {.name = "metadata", .kind = JK_METADATA},
    {.name = "send", .kind = JK_OBJECT, .flags = JF_REQUIRED, .sub = &send_schema},
};
static const json_schema txn_schema = {txn_fields, ARRAY_LEN(txn_fields)};

#define ORG_OK "\"legalName\":\"Acme\",\"legalDocument\":\"123\""
#define LEG(a) "{\"accountAlias\":\"" a "\",\"amount\":{\"asset\":\"USD\",\"value\":\"10\"}}"
#define TXN(src, dst) "{\"send\":{\"asset\":\"USD\",\"value\":\"10\",\"source\":{\"from\":[" src \
                      "]},\"distribute\":{\"to\":[" dst "]}}}"

typedef struct validate_case {
    const char *name;
    const json_schema *schema;
    json_mode mode;
    const char *body;
    const char *code;   /* NULL = passes */
    const char *fields; /* expected `fields` JSON (exact, values compared too), or NULL */
    const char *keys;   /* when fields is NULL: expected `fields` keys only, as a JSON array, or NULL */
} validate_case;

static const validate_case validate_cases[] = {
    /* passing bodies */
    {"org create ok", &org_create, JSON_MODE_CREATE,
     "{" ORG_OK ",\"doingBusinessAs\":null,\"parentOrganizationId\":\"0195A1C2-4C1D-7E2A-8B3C-1D2E3F4A5B6C\","
     "\"address\":{\"line1\":\"1 Main\",\"country\":\"US\"},\"status\":{\"code\":\"ACTIVE\",\"description\":null},"
     "\"metadata\":{\"k\":\"v\",\"n\":1.5,\"b\":true,\"z\":null},\"tags\":[\"a\",\"bb\"],\"count\":3,"
     "\"active\":false,\"extra\":{\"anything\":[1,{\"x\":2}]}}",
     NULL, NULL, NULL},
    {"org patch empty object", &org_patch, JSON_MODE_PATCH, "{}", NULL, NULL, NULL},
    {"patch allows \"\" and null", &org_patch, JSON_MODE_PATCH,
     "{\"legalName\":\"\",\"doingBusinessAs\":null,\"parentOrganizationId\":\"\",\"status\":{\"code\":\"\"}}",
     NULL, NULL, NULL},
    {"create: \"\" optional members are absent", &org_create, JSON_MODE_CREATE,
     "{" ORG_OK ",\"parentOrganizationId\":\"\",\"doingBusinessAs\":\"\",\"status\":{\"code\":\"\"}}", NULL, NULL, NULL},
    {"status object optional and null", &org_create, JSON_MODE_CREATE, "{" ORG_OK ",\"status\":null}", NULL, NULL, NULL},
    {"multibyte lengths count characters", &org_create, JSON_MODE_CREATE,
     "{\"legalName\":\"\xc3\xa9\xc3\xa9\xc3\xa9\",\"legalDocument\":\"\xf0\x9f\x98\x80\",\"tags\":[\"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\"]}",
     NULL, NULL, NULL},
    {"transaction ok", &txn_schema, JSON_MODE_CREATE,
     "{\"description\":\"d\",\"metadata\":{\"orderId\":\"77\"},\"send\":{\"asset\":\"USD\",\"value\":100.00,"
     "\"source\":{\"from\":[{\"accountAlias\":\"@a\",\"amount\":{\"asset\":\"USD\",\"value\":100}}]},"
     "\"distribute\":{\"to\":[{\"accountAlias\":\"@b\",\"share\":{\"percentage\":50}},"
     "{\"accountAlias\":\"@c\",\"balanceKey\":\"savings\",\"remaining\":\"remaining\",\"metadata\":{\"kind\":\"rest\"}}]}}}",
     NULL, NULL, NULL},
    {"decimal text within limits", &txn_schema, JSON_MODE_CREATE,
     "{\"send\":{\"asset\":\"USD\",\"value\":\"1.00000000000000000000000\",\"source\":{\"from\":["
     "{\"accountAlias\":\"@a\",\"amount\":{\"asset\":\"USD\",\"value\":\"12345678901234567890.123456789012345678\"}}]},"
     "\"distribute\":{\"to\":[{\"accountAlias\":\"@b\",\"amount\":{\"asset\":\"USD\",\"value\":1E+3}}]}}}",
     NULL, NULL, NULL},

    /* step 1: body shape and member types -> 0094 */
    {"top-level array", &org_create, JSON_MODE_CREATE, "[]", "0094", NULL, NULL},
    {"top-level string", &org_create, JSON_MODE_CREATE, "\"x\"", "0094", NULL, NULL},
    {"top-level null", &org_create, JSON_MODE_CREATE, "null", "0094", NULL, NULL},
    {"string member as number", &org_create, JSON_MODE_CREATE, "{\"legalName\":5,\"legalDocument\":\"1\"}", "0094", NULL, NULL},
    {"object member as string", &org_create, JSON_MODE_CREATE, "{" ORG_OK ",\"address\":\"x\"}", "0094", NULL, NULL},
    {"nested member type", &org_create, JSON_MODE_CREATE, "{" ORG_OK ",\"address\":{\"city\":1}}", "0094", NULL, NULL},
    {"metadata as array", &org_create, JSON_MODE_CREATE, "{" ORG_OK ",\"metadata\":[]}", "0094", NULL, NULL},
    {"metadata as string", &org_create, JSON_MODE_CREATE, "{" ORG_OK ",\"metadata\":\"x\"}", "0094", NULL, NULL},
    {"status as string", &org_create, JSON_MODE_CREATE, "{" ORG_OK ",\"status\":\"ACTIVE\"}", "0094", NULL, NULL},
    {"status code as number", &org_create, JSON_MODE_CREATE, "{" ORG_OK ",\"status\":{\"code\":1}}", "0094", NULL, NULL},
    {"bool as string", &org_create, JSON_MODE_CREATE, "{" ORG_OK ",\"active\":\"true\"}", "0094", NULL, NULL},
    {"int with fraction", &org_create, JSON_MODE_CREATE, "{" ORG_OK ",\"count\":1.0}", "0094", NULL, NULL},
    {"int with exponent", &org_create, JSON_MODE_CREATE, "{" ORG_OK ",\"count\":1e2}", "0094", NULL, NULL},
    {"int as string", &org_create, JSON_MODE_CREATE, "{" ORG_OK ",\"count\":\"1\"}", "0094", NULL, NULL},
    {"array element type", &org_create, JSON_MODE_CREATE, "{" ORG_OK ",\"tags\":[\"a\",1]}", "0094", NULL, NULL},
    {"array as object", &txn_schema, JSON_MODE_CREATE,
     "{\"send\":{\"asset\":\"USD\",\"value\":\"1\",\"source\":{\"from\":{}},\"distribute\":{\"to\":[" LEG("@b") "]}}}",
     "0094", NULL, NULL},
    {"array of objects holding a number", &txn_schema, JSON_MODE_CREATE, TXN("1", LEG("@b")), "0094", NULL, NULL},
    {"array of objects holding null", &txn_schema, JSON_MODE_CREATE, TXN("null", LEG("@b")), "0094", NULL, NULL},
    {"decimal as bool", &txn_schema, JSON_MODE_CREATE,
     "{\"send\":{\"asset\":\"USD\",\"value\":true,\"source\":{\"from\":[" LEG("@a") "]},\"distribute\":{\"to\":[" LEG("@b") "]}}}",
     "0094", NULL, NULL},
    {"decimal grammar: comma", &txn_schema, JSON_MODE_CREATE,
     TXN("{\"accountAlias\":\"@a\",\"amount\":{\"asset\":\"USD\",\"value\":\"1,5\"}}", LEG("@b")), "0094", NULL, NULL},
    {"decimal grammar: leading space", &txn_schema, JSON_MODE_CREATE,
     TXN("{\"accountAlias\":\"@a\",\"amount\":{\"asset\":\"USD\",\"value\":\" 1\"}}", LEG("@b")), "0094", NULL, NULL},
    {"decimal grammar in a leg: leading zero", &txn_schema, JSON_MODE_CREATE,
     TXN("{\"accountAlias\":\"@a\",\"amount\":{\"asset\":\"USD\",\"value\":\"01\"}}", LEG("@b")), "0094", NULL, NULL},
    {"share percentage not an integer", &txn_schema, JSON_MODE_CREATE,
     TXN(LEG("@a"), "{\"accountAlias\":\"@b\",\"share\":{\"percentage\":50.5}}"), "0094", NULL, NULL},
    {"null is a valid type (create: absent -> 0009)", &org_create, JSON_MODE_CREATE,
     "{\"legalName\":null,\"legalDocument\":\"1\"}", "0009", "{\"legalName\":\"legalName is a required field\"}", NULL},
    {"0094 beats 0053", &org_create, JSON_MODE_CREATE, "{" ORG_OK ",\"id\":1,\"count\":\"x\"}", "0094", NULL, NULL},

    /* step 2: unknown / immutable -> 0053 with the values sent */
    {"unknown members, nested and in status", &org_create, JSON_MODE_CREATE,
     "{" ORG_OK ",\"id\":\"x\",\"address\":{\"foo\":1,\"country\":\"US\"},\"status\":{\"code\":\"A\",\"x\":true},"
     "\"metadata\":{\"free\":1}}",
     "0053", "{\"id\":\"x\",\"address.foo\":1,\"status.x\":true}", NULL},
    {"unknown object value is echoed", &org_create, JSON_MODE_CREATE, "{" ORG_OK ",\"route\":{\"a\":[1,\"b\"]}}",
     "0053", "{\"route\":{\"a\":[1,\"b\"]}}", NULL},
    {"immutable in patch", &org_patch, JSON_MODE_PATCH, "{\"legalDocument\":\"x\",\"legalName\":\"y\"}", "0053",
     "{\"legalDocument\":\"x\"}", NULL},
    {"immutable sent as null", &org_patch, JSON_MODE_PATCH, "{\"legalDocument\":null}", "0053",
     "{\"legalDocument\":null}", NULL},
    {"unknown inside legs with paths", &txn_schema, JSON_MODE_CREATE,
     TXN("{\"accountAlias\":\"@a\",\"route\":\"r\",\"amount\":{\"asset\":\"USD\",\"value\":\"1\",\"scale\":2}}",
         LEG("@b") "," "{\"accountAlias\":\"@c\",\"skip\":false}"),
     "0053",
     "{\"send.source.from[0].route\":\"r\",\"send.source.from[0].amount.scale\":2,\"send.distribute.to[1].skip\":false}",
     NULL},
    {"unknown member with NUL in its name", &org_create, JSON_MODE_CREATE, "{" ORG_OK ",\"a\\u0000\":1}", "0053",
     "{\"a\\\\u0000\":1}", NULL},
    {"0053 beats NUL and missing", &org_create, JSON_MODE_CREATE, "{\"legalName\":\"a\\u0000\",\"x\":1}", "0053",
     "{\"x\":1}", NULL},

    /* step 3: U+0000 -> 0047 */
    {"NUL in a value", &org_create, JSON_MODE_CREATE, "{\"legalName\":\"a\\u0000b\",\"legalDocument\":\"1\"}", "0047",
     NULL, "[\"legalName\"]"},
    {"NUL in a metadata key", &org_create, JSON_MODE_CREATE, "{" ORG_OK ",\"metadata\":{\"a\\u0000b\":1}}", "0047",
     NULL, "[\"metadata.a\\\\u0000b\"]"},
    {"NUL in a metadata value and nested", &org_create, JSON_MODE_CREATE,
     "{" ORG_OK ",\"metadata\":{\"k\":\"\\u0000\"},\"address\":{\"city\":\"\\u0000\"}}", "0047", NULL,
     "[\"metadata.k\",\"address.city\"]"},
    {"NUL beats missing", &org_create, JSON_MODE_CREATE, "{\"legalName\":\"\\u0000\"}", "0047", NULL, "[\"legalName\"]"},

    /* step 4: required -> 0009 */
    {"missing everything", &org_create, JSON_MODE_CREATE, "{}", "0009",
     "{\"legalName\":\"legalName is a required field\",\"legalDocument\":\"legalDocument is a required field\"}", NULL},
    {"\"\" and null are missing", &org_create, JSON_MODE_CREATE, "{\"legalName\":\"\",\"legalDocument\":null}", "0009",
     NULL, "[\"legalName\",\"legalDocument\"]"},
    {"patch requires nothing", &org_patch, JSON_MODE_PATCH, "{\"status\":{\"description\":\"x\"}}", NULL, NULL, NULL},
    {"missing in legs and nested objects", &txn_schema, JSON_MODE_CREATE,
     "{\"send\":{\"asset\":\"USD\",\"value\":\"\",\"source\":{\"from\":[{\"amount\":{\"value\":\"1\"}},{\"accountAlias\":\"@x\"}]}}}",
     "0009", NULL,
     "[\"send.value\",\"send.distribute\",\"send.source.from[0].accountAlias\",\"send.source.from[0].amount.asset\"]"},
    {"missing leg array", &txn_schema, JSON_MODE_CREATE,
     "{\"send\":{\"asset\":\"USD\",\"value\":1,\"source\":{},\"distribute\":{\"to\":null}}}", "0009", NULL,
     "[\"send.source.from\",\"send.distribute.to\"]"},
    {"0009 beats metadata", &org_create, JSON_MODE_CREATE, "{\"legalName\":\"x\",\"metadata\":{\"k\":{}}}", "0009",
     NULL, "[\"legalDocument\"]"},

    /* step 5: metadata -> 0067 > 0050 > 0051 */
    {"metadata nested object and array", &org_create, JSON_MODE_CREATE,
     "{" ORG_OK ",\"metadata\":{\"a\":{},\"b\":[1],\"c\":1}}", "0067", NULL, "[\"metadata.a\",\"metadata.b\"]"},
    {"0067 beats 0050 and 0051", &org_create, JSON_MODE_CREATE, NULL /* built in test */, "0067", NULL,
     "[\"metadata.nested\"]"},
    {"0050 beats 0051", &org_create, JSON_MODE_CREATE, NULL, "0050", NULL, NULL},
    {"0051 long string", &org_create, JSON_MODE_CREATE, NULL, "0051", NULL, NULL},
    {"metadata in legs", &txn_schema, JSON_MODE_CREATE,
     TXN(LEG("@a"), "{\"accountAlias\":\"@b\",\"amount\":{\"asset\":\"USD\",\"value\":\"10\"},\"metadata\":{\"x\":[]}}"),
     "0067", NULL, "[\"send.distribute.to[0].metadata.x\"]"},
    {"metadata beats generic rules", &org_create, JSON_MODE_CREATE,
     "{" ORG_OK ",\"parentOrganizationId\":\"bad\",\"metadata\":{\"k\":[],\"\":1}}", "0067", NULL, "[\"metadata.k\"]"},

    /* step 6: generic rules -> 0047 */
    {"uuid, status lengths, empty metadata key", &org_create, JSON_MODE_CREATE,
     "{" ORG_OK ",\"parentOrganizationId\":\"0195a1c2-4c1d-7e2a-8b3c-1d2e3f4a5b6\",\"metadata\":{\"\":1},"
     "\"address\":{\"zipCode\":\"123456789012345678901\"}}",
     "0047",
     "{\"parentOrganizationId\":\"must be a valid UUID\",\"metadata.\":\"key must not be empty\","
     "\"address.zipCode\":\"must be at most 20 characters\"}",
     NULL},
    {"uuid with misplaced hyphen", &org_create, JSON_MODE_CREATE,
     "{" ORG_OK ",\"parentOrganizationId\":\"0195a1c24-c1d-7e2a-8b3c-1d2e3f4a5b6c\"}", "0047", NULL,
     "[\"parentOrganizationId\"]"},
    {"uuid with non-hex", &org_create, JSON_MODE_CREATE,
     "{" ORG_OK ",\"parentOrganizationId\":\"0195a1c2-4c1d-7e2a-8b3c-1d2e3f4a5b6g\"}", "0047", NULL,
     "[\"parentOrganizationId\"]"},
    {"array items and element lengths", &org_create, JSON_MODE_CREATE, "{" ORG_OK ",\"tags\":[\"a\",\"bcdefg\",\"c\"]}",
     "0047", "{\"tags\":\"must contain at most 2 items\",\"tags[1]\":\"must be at most 5 characters\"}", NULL},
    {"patch: \"\" skips length rules", &org_patch, JSON_MODE_PATCH,
     "{\"legalName\":\"\",\"status\":{\"description\":\"\"},\"doingBusinessAs\":\"\"}", NULL, NULL, NULL},
    {"patch: lengths still apply", &org_patch, JSON_MODE_PATCH,
     "{\"address\":{\"zipCode\":\"123456789012345678901\"},\"parentOrganizationId\":\"x\"}", "0047", NULL,
     "[\"address.zipCode\",\"parentOrganizationId\"]"},
    {"empty leg arrays and no-space key", &txn_schema, JSON_MODE_CREATE,
     "{\"send\":{\"asset\":\"USD\",\"value\":\"1\",\"source\":{\"from\":[]},\"distribute\":{\"to\":["
     "{\"accountAlias\":\"@b\",\"balanceKey\":\"my key\"}]}}}",
     "0047",
     "{\"send.source.from\":\"must contain at least 1 items\",\"send.distribute.to[0].balanceKey\":\"must not contain whitespace\"}",
     NULL},
    {"decimal limits and length", &txn_schema, JSON_MODE_CREATE,
     "{\"send\":{\"asset\":\"USD\",\"value\":\"0.0000000000000000001\",\"source\":{\"from\":["
     "{\"accountAlias\":\"@a\",\"amount\":{\"asset\":\"USD\",\"value\":1e999999999}}]},"
     "\"distribute\":{\"to\":[{\"accountAlias\":\"@b\",\"amount\":{\"asset\":\"USD\",\"value\":\"123456789012345678901234567890123456789\"}}]}}}",
     "0047", NULL,
     "[\"send.value\",\"send.source.from[0].amount.value\",\"send.distribute.to[0].amount.value\"]"},
};

/* Bodies too long to write inline. */
static char *build_body(const validate_case *c)
{
    char *long_key = repeat("k", 101);
    char *long_val = repeat("v", 2001);
    char *body = NULL;
    if (strcmp(c->name, "0067 beats 0050 and 0051") == 0)
        body = xasprintf("{" ORG_OK ",\"metadata\":{\"%s\":1,\"v\":\"%s\",\"nested\":{\"a\":1}}}", long_key, long_val);
    else if (strcmp(c->name, "0050 beats 0051") == 0)
        body = xasprintf("{" ORG_OK ",\"metadata\":{\"%s\":1,\"v\":\"%s\"}}", long_key, long_val);
    else if (strcmp(c->name, "0051 long string") == 0)
        body = xasprintf("{" ORG_OK ",\"metadata\":{\"v\":\"%s\",\"ok\":\"x\"}}", long_val);
    free(long_key);
    free(long_val);
    return body;
}

static void check_keys(const char *name, json_object *fields, const char *keys_json)
{
    json_object *keys = must_parse(keys_json);
    size_t n = json_object_array_length(keys);
    cr_expect_eq((size_t)json_object_object_length(fields), n, "%s: fields %s, want keys %s", name,
                 json_dump(fields), keys_json);
    for (size_t i = 0; i < n; i++) {
        const char *k = json_object_get_string(json_object_array_get_idx(keys, i));
        cr_expect(json_has(fields, k), "%s: missing fields key %s in %s", name, k, json_dump(fields));
    }
    json_object_put(keys);
}

Test(json_validate, table)
{
    for (size_t i = 0; i < ARRAY_LEN(validate_cases); i++) {
        const validate_case *c = &validate_cases[i];
        char *built = c->body ? NULL : build_body(c);
        const char *body_text = c->body ? c->body : built;
        json_object *body = NULL;
        json_parse_info info = {0};
        api_error e = {0};
        cr_assert_not_null(body_text, "%s: no body", c->name);
        int prc = json_parse_strict(body_text, strlen(body_text), JSON_MAX_DEPTH, &body, &info, &e);
        cr_assert_eq(prc, 0, "%s: body does not parse: %s", c->name, e.message);
        int rc = json_validate(c->schema, body, c->mode, &info, &e);
        if (!c->code) {
            cr_expect_eq(rc, 0, "%s: expected pass, got %s %s fields=%s", c->name, code_of(&e), e.message,
                         e.fields ? json_dump(e.fields) : "-");
        } else {
            cr_expect_eq(rc, -1, "%s: expected failure", c->name);
            cr_expect_str_eq(code_of(&e), c->code, "%s: got %s (%s) fields=%s", c->name, code_of(&e), e.message,
                             e.fields ? json_dump(e.fields) : "-");
            if (c->fields) {
                json_object *want = must_parse(c->fields);
                cr_expect(json_object_equal(want, e.fields), "%s: fields %s, want %s", c->name,
                          e.fields ? json_dump(e.fields) : "-", c->fields);
                json_object_put(want);
            } else if (c->keys) {
                cr_expect_not_null(e.fields, "%s: fields missing", c->name);
                if (e.fields)
                    check_keys(c->name, e.fields, c->keys);
            }
            if (strcmp(c->code, "0094") == 0)
                cr_expect_null(e.fields, "%s: 0094 carries no fields", c->name);
        }
        json_object_put(body);
        api_error_clear(&e);
        free(built);
    }
}

Test(json_validate, metadata_lengths_count_characters)
{
    /* 100 two-byte characters in a key and 2000 in a value are within the limits. */
    char *key = repeat("\xc3\xa9", 100);
    char *val = repeat("\xc3\xa9", 2000);
    char *num = repeat("1", 2001);
    char *body = xasprintf("{" ORG_OK ",\"metadata\":{\"%s\":\"%s\"}}", key, val);
    json_object *o = must_parse(body);
    api_error e = {0};
    cr_expect_eq(json_validate(&org_create, o, JSON_MODE_CREATE, NULL, &e), 0, "%s", e.message);
    json_object_put(o);
    free(body);

    body = xasprintf("{" ORG_OK ",\"metadata\":{\"n\":%s}}", num);
    o = must_parse(body);
    cr_expect_eq(json_validate(&org_create, o, JSON_MODE_CREATE, NULL, &e), -1);
    cr_expect_str_eq(code_of(&e), "0051");
    cr_expect(json_has(e.fields, "metadata.n"));
    api_error_clear(&e);
    json_object_put(o);
    free(body);
    free(key);
    free(val);
    free(num);
}

Test(json_validate, fields_of_0050_and_0051_list_every_key)
{
    char *k1 = repeat("a", 101), *k2 = repeat("b", 150), *v = repeat("x", 2001);
    char *body = xasprintf("{" ORG_OK ",\"metadata\":{\"%s\":1,\"%s\":\"%s\",\"c\":\"%s\"}}", k1, k2, v, v);
    json_object *o = must_parse(body);
    api_error e = {0};
    cr_expect_eq(json_validate(&org_create, o, JSON_MODE_CREATE, NULL, &e), -1);
    cr_expect_str_eq(code_of(&e), "0050");
    cr_expect_eq(json_object_object_length(e.fields), 2, "%s", json_dump(e.fields));
    char *p1 = xasprintf("metadata.%s", k1), *p2 = xasprintf("metadata.%s", k2);
    cr_expect(json_has(e.fields, p1));
    cr_expect(json_has(e.fields, p2));
    api_error_clear(&e);
    json_object_put(o);
    free(body);
    free(p1);
    free(p2);
    free(k1);
    free(k2);
    free(v);
}

Test(json_validate, status_rules)
{
    char *code101 = repeat("C", 101), *desc257 = repeat("d", 257);
    char *body = xasprintf("{" ORG_OK ",\"status\":{\"code\":\"%s\",\"description\":\"%s\"}}", code101, desc257);
    json_object *o = must_parse(body);
    api_error e = {0};
    cr_expect_eq(json_validate(&org_create, o, JSON_MODE_CREATE, NULL, &e), -1);
    cr_expect_str_eq(code_of(&e), "0047");
    cr_expect_str_eq(json_get_text(e.fields, "status.code"), "must be at most 100 characters");
    cr_expect_str_eq(json_get_text(e.fields, "status.description"), "must be at most 256 characters");
    api_error_clear(&e);
    json_object_put(o);
    free(body);

    /* exactly 100 / 256 pass, and a free-form lowercase code is accepted */
    code101[100] = '\0';
    desc257[256] = '\0';
    body = xasprintf("{\"status\":{\"code\":\"%s\",\"description\":\"%s\"}}", code101, desc257);
    o = must_parse(body);
    cr_expect_eq(json_validate(&org_patch, o, JSON_MODE_PATCH, NULL, &e), 0, "%s", e.message);
    json_object_put(o);
    free(body);

    o = must_parse("{\"status\":{\"code\":\"blocked\",\"other\":null}}");
    cr_expect_eq(json_validate(&org_patch, o, JSON_MODE_PATCH, NULL, &e), -1);
    cr_expect_str_eq(code_of(&e), "0053");
    cr_expect(json_is_null_member(e.fields, "status.other"));
    api_error_clear(&e);
    json_object_put(o);
    free(code101);
    free(desc257);
}

Test(json_validate, too_many_legs)
{
    strbuf sb = {0};
    strbuf_puts(&sb, "{\"send\":{\"asset\":\"USD\",\"value\":\"1\",\"source\":{\"from\":[");
    for (int i = 0; i < 501; i++)
        strbuf_printf(&sb, "%s" LEG("@a"), i ? "," : "");
    strbuf_puts(&sb, "]},\"distribute\":{\"to\":[" LEG("@b") "]}}}");
    json_object *o = must_parse(sb.buf);
    api_error e = {0};
    cr_expect_eq(json_validate(&txn_schema, o, JSON_MODE_CREATE, NULL, &e), -1);
    cr_expect_str_eq(code_of(&e), "0047");
    cr_expect_str_eq(json_get_text(e.fields, "send.source.from"), "must contain at most 500 items");
    api_error_clear(&e);
    json_object_put(o);
    strbuf_free(&sb);
}

Test(json_validate, decode_body_combines_parse_and_validate)
{
    json_object *out = (json_object *)1;
    api_error e = {0};
    cr_expect_eq(json_decode_body(TXT("{" ORG_OK "}"), &org_create, JSON_MODE_CREATE, &out, &e), 0);
    cr_expect_str_eq(json_get_text(out, "legalName"), "Acme");
    json_object_put(out);

    out = (json_object *)1;
    cr_expect_eq(json_decode_body(TXT("{\"legalName\":1,"), &org_create, JSON_MODE_CREATE, &out, &e), -1);
    cr_expect_str_eq(code_of(&e), "0094");
    cr_expect_null(out);
    api_error_clear(&e);

    out = (json_object *)1;
    cr_expect_eq(json_decode_body(TXT("{\"legalName\":\"x\"}"), &org_create, JSON_MODE_CREATE, &out, &e), -1);
    cr_expect_str_eq(code_of(&e), "0009");
    cr_expect_null(out);
    api_error_clear(&e);

    /* the NUL-in-key flag travels from the parser to step 3 */
    cr_expect_eq(json_decode_body(TXT("{" ORG_OK ",\"metadata\":{\"\\u0000\":\"x\"}}"), &org_create,
                                  JSON_MODE_CREATE, &out, &e), -1);
    cr_expect_str_eq(code_of(&e), "0047");
    cr_expect(json_has(e.fields, "metadata.\\u0000"), "%s", json_dump(e.fields));
    api_error_clear(&e);

    /* a literal backslash-u0000 name without any NUL is just a name */
    cr_expect_eq(json_decode_body(TXT("{" ORG_OK ",\"metadata\":{\"\\\\u0000\":\"x\"}}"), &org_create,
                                  JSON_MODE_CREATE, &out, &e), 0, "%s", e.message);
    json_object_put(out);
}

/* Step-6 rule of the decode_body_ex test: legalName "reserved" is refused, with the arg as message. */
static void reserved_name_rule(json_object *body, json_object *found, void *arg)
{
    const char *name = json_get_text(body, "legalName");
    if (name && strcmp(name, "reserved") == 0)
        json_object_object_add(found, "legalName", json_object_new_string(arg));
}

Test(json_validate, decode_body_ex_runs_the_extra_rules)
{
    static char why[] = "is reserved";
    json_object *out = (json_object *)1;
    api_error e = {0};

    cr_expect_eq(json_decode_body_ex(TXT("{" ORG_OK "}"), &org_create, JSON_MODE_CREATE, reserved_name_rule,
                                     why, &out, &e),
                 0, "%s", e.message);
    cr_expect_str_eq(json_get_text(out, "legalName"), "Acme");
    json_object_put(out);

    out = (json_object *)1;
    cr_expect_eq(json_decode_body_ex(TXT("{\"legalName\":\"reserved\",\"legalDocument\":\"1\"}"), &org_create,
                                     JSON_MODE_CREATE, reserved_name_rule, why, &out, &e),
                 -1);
    cr_expect_str_eq(code_of(&e), "0047");
    cr_expect_str_eq(json_get_text(e.fields, "legalName"), "is reserved");
    cr_expect_null(out);
    api_error_clear(&e);

    /* without extra rules it is json_decode_body */
    cr_expect_eq(json_decode_body_ex(TXT("{\"legalName\":\"reserved\",\"legalDocument\":\"1\"}"), &org_create,
                                     JSON_MODE_CREATE, NULL, NULL, &out, &e),
                 0, "%s", e.message);
    json_object_put(out);
}

/* ---- metadata, accessors, dump -------------------------------------------------------------- */

Test(json_metadata, for_create)
{
    struct {
        const char *given, *want;
    } rows[] = {
        {NULL, "{}"},
        {"{}", "{}"},
        {"{\"a\":1,\"b\":null,\"c\":\"x\",\"d\":false}", "{\"a\":1,\"c\":\"x\",\"d\":false}"},
        {"{\"n\":100.50}", "{\"n\":100.50}"},
    };
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        json_object *given = rows[i].given ? must_parse(rows[i].given) : NULL;
        json_object *got = json_metadata_for_create(given);
        cr_expect_str_eq(json_dump(got), rows[i].want, "row %zu", i);
        json_object_put(got);
        json_object_put(given);
    }
}

Test(json_metadata, merge_rfc7386)
{
    struct {
        const char *name, *stored, *patch;
        bool present;
        const char *want;
    } rows[] = {
        {"absent keeps stored", "{\"a\":1,\"b\":\"x\"}", NULL, false, "{\"a\":1,\"b\":\"x\"}"},
        {"null clears", "{\"a\":1,\"b\":\"x\"}", NULL, true, "{}"},
        {"empty object keeps", "{\"a\":1}", "{}", true, "{\"a\":1}"},
        {"null key deletes, new key added", "{\"a\":1,\"b\":\"x\"}", "{\"b\":null,\"c\":true}", true, "{\"a\":1,\"c\":true}"},
        {"overwrite", "{\"a\":1,\"b\":\"x\"}", "{\"a\":\"new\"}", true, "{\"a\":\"new\",\"b\":\"x\"}"},
        {"delete missing key is harmless", "{\"a\":1}", "{\"zz\":null}", true, "{\"a\":1}"},
        {"nothing stored", NULL, "{\"a\":1.50}", true, "{\"a\":1.50}"},
        {"nothing stored, absent", NULL, NULL, false, "{}"},
    };
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        json_object *stored = rows[i].stored ? must_parse(rows[i].stored) : NULL;
        json_object *patch = rows[i].patch ? must_parse(rows[i].patch) : NULL;
        json_object *got = json_metadata_merge(stored, patch, rows[i].present);
        json_object *want = must_parse(rows[i].want);
        cr_expect(json_object_equal(got, want), "%s: got %s want %s", rows[i].name, json_dump(got), rows[i].want);
        cr_expect_neq(got, stored, "%s: result is a new object", rows[i].name);
        json_object_put(want);
        json_object_put(got);
        json_object_put(stored);
        json_object_put(patch);
    }
}

Test(json_metadata, merge_does_not_touch_inputs)
{
    json_object *stored = must_parse("{\"a\":1,\"b\":2}");
    json_object *patch = must_parse("{\"a\":null,\"c\":3}");
    json_object *got = json_metadata_merge(stored, patch, true);
    cr_expect_str_eq(json_dump(stored), "{\"a\":1,\"b\":2}");
    cr_expect_str_eq(json_dump(patch), "{\"a\":null,\"c\":3}");
    cr_expect_str_eq(json_dump(got), "{\"b\":2,\"c\":3}");
    json_object_put(got);
    json_object_put(stored);
    json_object_put(patch);
}

Test(json_access, getters)
{
    json_object *o = must_parse("{\"s\":\"x\",\"e\":\"\",\"n\":null,\"i\":3}");
    cr_expect_not_null(json_get(o, "s"));
    cr_expect_null(json_get(o, "n"));
    cr_expect_null(json_get(o, "missing"));
    cr_expect_null(json_get(NULL, "s"));
    cr_expect_str_eq(json_get_text(o, "s"), "x");
    cr_expect_null(json_get_text(o, "e"));
    cr_expect_null(json_get_text(o, "n"));
    cr_expect_null(json_get_text(o, "i"));
    cr_expect(json_has(o, "n"));
    cr_expect(json_has(o, "e"));
    cr_expect_not(json_has(o, "missing"));
    cr_expect(json_is_null_member(o, "n"));
    cr_expect_not(json_is_null_member(o, "e"));
    cr_expect_not(json_is_null_member(o, "missing"));
    json_object_put(o);
}

Test(json_access, dump_is_compact_without_slash_escapes)
{
    json_object *o = must_parse("{ \"url\" : \"a/b\", \"arr\" : [ 1 , 2 ], \"u\":\"\xc3\xa9\" }");
    cr_expect_str_eq(json_dump(o), "{\"url\":\"a/b\",\"arr\":[1,2],\"u\":\"\xc3\xa9\"}");
    json_object_put(o);
}

Test(json_access, utf8_length_counts_code_points)
{
    cr_expect_eq(utf8_length("", 0), 0);
    cr_expect_eq(utf8_length("abc", 3), 3);
    cr_expect_eq(utf8_length("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9), 3);
    cr_expect_eq(utf8_length("a\0b", 3), 3);
}

/* Money members (JK_DECIMAL): grammar at step 1 (0094), text length and 38/18 limits at step 6 (0047). */
Test(json_validate, money_text)
{
    char *long_text = xasprintf("\"1.%s\"", "0000000000000000000000000000000000000000000000000000000000000000"
                                            "000000000000000000000000000000000000000000000000000000000000001");
    struct {
        const char *token;
        const char *code;
    } rows[] = {
        {"\"100.00\"", NULL},
        {"100.50", NULL},
        {"1e3", NULL},
        {"\"1.5E-3\"", NULL},
        {"\"-0.0\"", NULL},
        {"\"0.000000000000000001\"", NULL},
        {"\"12345678901234567890.123456789012345678\"", NULL},
        {"\"1.00000000000000000000000\"", NULL},
        {"\"1E+37\"", NULL},
        {"\"0e999999999\"", NULL},
        {"\"0.0000000000000000001\"", "0047"},
        {"\"123456789012345678901234567890123456789\"", "0047"},
        {"\"1E+38\"", "0047"},
        {"\"1e999999999\"", "0047"},
        {"1e-999999999", "0047"},
        {long_text, "0047"},
        {"\" 1\"", "0094"},
        {"\"+1\"", "0094"},
        {"\"01\"", "0094"},
        {"\".5\"", "0094"},
        {"\"5.\"", "0094"},
        {"\"1,5\"", "0094"},
        {"\"NaN\"", "0094"},
        {"\"Infinity\"", "0094"},
        {"\"1e\"", "0094"},
        {"true", "0094"},
        {"{}", "0094"},
        {"[1]", "0094"},
        {"\"\"", "0009"},
        {"null", "0009"},
    };
    for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
        char *text = xasprintf("{\"send\":{\"asset\":\"USD\",\"value\":%s,\"source\":{\"from\":[" LEG("@a")
                               "]},\"distribute\":{\"to\":[" LEG("@b") "]}}}", rows[i].token);
        json_object *o = must_parse(text);
        api_error e = {0};
        int rc = json_validate(&txn_schema, o, JSON_MODE_CREATE, NULL, &e);
        if (!rows[i].code) {
            cr_expect_eq(rc, 0, "%s: %s %s", rows[i].token, code_of(&e), e.message);
        } else {
            cr_expect_str_eq(code_of(&e), rows[i].code, "%s: got %s (%s)", rows[i].token, code_of(&e), e.message);
            if (strcmp(rows[i].code, "0094") != 0)
                cr_expect(json_has(e.fields, "send.value"), "%s: %s", rows[i].token,
                          e.fields ? json_dump(e.fields) : "-");
        }
        api_error_clear(&e);
        json_object_put(o);
        free(text);
    }
    free(long_text);
}
