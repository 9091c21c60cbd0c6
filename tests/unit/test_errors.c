/* Unit tests of common/errors: the catalogue equals api.md's Errors table in both directions (code,
 * HTTP status, title), codes are unique, and the api_error envelope follows api.md "Envelope".
 * The rows below are copied from api.md by hand on purpose: they are the contract, not the code. */
#include <criterion/criterion.h>
#include <string.h>

#include "errors/errors.h"

typedef struct spec_row {
    const char *code;
    int status;
    const char *title;
} spec_row;

/* api.md, section "Errors" / "Catalogue". */
static const spec_row spec_catalogue[] = {
    {"0002", 409, "Ledger Name Conflict"},
    {"0003", 409, "Asset Name or Code Duplicate"},
    {"0004", 400, "Code Uppercase Requirement"},
    {"0005", 400, "Currency Code Standard Compliance"},
    {"0007", 404, "Entity Not Found"},
    {"0008", 422, "Action Not Permitted"},
    {"0009", 400, "Missing Fields in Request"},
    {"0012", 400, "Account Balance Deletion Error"},
    {"0015", 409, "Duplicate Segment Name Error"},
    {"0018", 422, "Insufficient Funds Error"},
    {"0019", 422, "Account Ineligibility Error"},
    {"0020", 409, "Alias Unavailability Error"},
    {"0024", 400, "Account Status Transaction Restriction"},
    {"0029", 400, "Invalid Parent Account ID"},
    {"0030", 400, "Mismatched Asset Code"},
    {"0032", 400, "Invalid Country Code"},
    {"0033", 400, "Invalid Code Format"},
    {"0034", 404, "Asset Code Not Found"},
    {"0035", 404, "Portfolio ID Not Found"},
    {"0036", 404, "Segment ID Not Found"},
    {"0037", 404, "Ledger ID Not Found"},
    {"0038", 404, "Organization ID Not Found"},
    {"0039", 404, "Parent Organization ID Not Found"},
    {"0040", 400, "Invalid Type"},
    {"0041", 401, "Token Missing"},
    {"0042", 401, "Invalid Token"},
    {"0043", 403, "Insufficient Privileges"},
    {"0046", 500, "Internal Server Error"},
    {"0047", 400, "Bad Request"},
    {"0048", 400, "Invalid DSL File Format"},
    {"0049", 400, "Empty DSL File"},
    {"0050", 400, "Metadata Key Length Exceeded"},
    {"0051", 400, "Metadata Value Length Exceeded"},
    {"0053", 400, "Unexpected Fields in the Request"},
    {"0065", 400, "Invalid Path Parameter"},
    {"0067", 400, "Invalid Metadata Nesting"},
    {"0068", 404, "Operation ID Not Found"},
    {"0070", 404, "Transaction ID Not Found"},
    {"0072", 400, "Invalid Transaction Type"},
    {"0073", 400, "Transaction Value Mismatch"},
    {"0074", 400, "External Account Modification Prohibited"},
    {"0077", 400, "Invalid Date Format Error"},
    {"0078", 400, "Invalid Final Date Error"},
    {"0080", 400, "Pagination Limit Exceeded"},
    {"0081", 400, "Invalid Sort Order"},
    {"0082", 400, "Invalid Query Parameter"},
    {"0083", 400, "Invalid Date Range Error"},
    {"0084", 409, "Duplicate Idempotency Key"},
    {"0085", 404, "Account Alias Not Found"},
    {"0087", 400, "Transaction Revert already exist"},
    {"0088", 400, "Transaction is already a reversal"},
    {"0090", 400, "Transaction ambiguous account"},
    {"0091", 400, "ID cannot be used as the parent ID"},
    {"0093", 400, "Balance cannot be deleted"},
    {"0094", 400, "Unmarshalling error"},
    {"0096", 400, "Invalid Account Alias"},
    {"0097", 422, "Overflow Error"},
    {"0098", 422, "Invalid Pending Transaction"},
    {"0099", 409, "Invalid Transaction Status"},
    {"0121", 400, "Invalid Future Date Error"},
    {"0122", 400, "Invalid Field for Pending Transaction Error"},
    {"0123", 409, "Duplicated Alias Key Value Error"},
    {"0124", 400, "Additional Balance Creation Not Allowed"},
    {"0125", 422, "Invalid Transaction Value"},
    {"0126", 404, "Default Balance Not Found"},
    {"0127", 500, "Account Creation Failed"},
    {"0131", 400, "Invalid Datetime Format Error"},
    {"0143", 413, "Payload Too Large"},
    {"0144", 400, "JSON Nesting Depth Exceeded"},
    {"0484", 404, "Route Not Found"},
    {"0485", 405, "Method Not Allowed"},
    {"0901", 503, "Service Unavailable"},
    {"0902", 504, "Gateway Timeout"},
};

Test(errors_catalogue, same_size_as_spec)
{
    cr_expect_eq(err_count(), ARRAY_LEN(spec_catalogue), "catalogue has %zu entries, api.md has %zu",
                 err_count(), ARRAY_LEN(spec_catalogue));
    cr_expect_eq(err_count(), (size_t)ERR__COUNT - 1);
}

Test(errors_catalogue, every_spec_row_is_in_the_catalogue)
{
    for (size_t i = 0; i < ARRAY_LEN(spec_catalogue); i++) {
        const spec_row *r = &spec_catalogue[i];
        err_id id = err_by_code(r->code);
        cr_expect_neq(id, ERR_NONE, "code %s of api.md is missing", r->code);
        const err_def *d = err_get(id);
        if (!d)
            continue;
        cr_expect_str_eq(d->code, r->code);
        cr_expect_eq(d->status, r->status, "%s: status %d, api.md says %d", r->code, d->status, r->status);
        cr_expect_str_eq(d->title, r->title, "%s: title \"%s\", api.md says \"%s\"", r->code, d->title, r->title);
    }
}

Test(errors_catalogue, every_catalogue_entry_is_in_the_spec)
{
    for (int id = ERR_NONE + 1; id < ERR__COUNT; id++) {
        const err_def *d = err_get((err_id)id);
        cr_assert_not_null(d, "id %d has no definition", id);
        const spec_row *found = NULL;
        for (size_t i = 0; i < ARRAY_LEN(spec_catalogue); i++)
            if (strcmp(spec_catalogue[i].code, d->code) == 0)
                found = &spec_catalogue[i];
        cr_expect_not_null(found, "code %s is not in api.md", d->code);
        if (found) {
            cr_expect_eq(d->status, found->status, "%s status", d->code);
            cr_expect_str_eq(d->title, found->title, "%s title", d->code);
        }
    }
}

Test(errors_catalogue, codes_are_unique_and_well_formed)
{
    for (int a = ERR_NONE + 1; a < ERR__COUNT; a++) {
        const char *ca = err_get((err_id)a)->code;
        cr_expect_eq(strlen(ca), 4, "%s is not 4 characters", ca);
        cr_expect_eq(strspn(ca, "0123456789"), 4, "%s is not 4 digits", ca);
        for (int b = a + 1; b < ERR__COUNT; b++)
            cr_expect_str_neq(ca, err_get((err_id)b)->code, "code %s appears twice", ca);
    }
    for (size_t i = 0; i < ARRAY_LEN(spec_catalogue); i++)
        for (size_t j = i + 1; j < ARRAY_LEN(spec_catalogue); j++)
            cr_expect_str_neq(spec_catalogue[i].code, spec_catalogue[j].code, "spec copy repeats %s",
                              spec_catalogue[i].code);
}

Test(errors_catalogue, lookup_round_trip)
{
    for (int id = ERR_NONE + 1; id < ERR__COUNT; id++)
        cr_expect_eq(err_by_code(err_get((err_id)id)->code), (err_id)id);
    cr_expect_eq(err_by_code("9999"), ERR_NONE);
    cr_expect_eq(err_by_code(""), ERR_NONE);
    cr_expect_eq(err_by_code("009"), ERR_NONE);
    cr_expect_eq(err_by_code(NULL), ERR_NONE);
    cr_expect_null(err_get(ERR_NONE));
    cr_expect_null(err_get(ERR__COUNT));
    cr_expect_null(err_get((err_id)-1));
}

Test(errors_catalogue, named_ids_match_their_codes)
{
    struct {
        err_id id;
        const char *code;
    } rows[] = {
        {ERR_ENTITY_NOT_FOUND, "0007"}, {ERR_MISSING_FIELDS, "0009"},     {ERR_INTERNAL, "0046"},
        {ERR_BAD_REQUEST, "0047"},      {ERR_METADATA_KEY_LENGTH, "0050"}, {ERR_METADATA_VALUE_LENGTH, "0051"},
        {ERR_UNEXPECTED_FIELDS, "0053"}, {ERR_INVALID_METADATA_NESTING, "0067"}, {ERR_UNMARSHALLING, "0094"},
        {ERR_PAYLOAD_TOO_LARGE, "0143"}, {ERR_JSON_NESTING_DEPTH, "0144"}, {ERR_ROUTE_NOT_FOUND, "0484"},
        {ERR_METHOD_NOT_ALLOWED, "0485"}, {ERR_SERVICE_UNAVAILABLE, "0901"}, {ERR_GATEWAY_TIMEOUT, "0902"},
    };
    for (size_t i = 0; i < ARRAY_LEN(rows); i++)
        cr_expect_str_eq(err_get(rows[i].id)->code, rows[i].code);
}

/* ---- envelope -------------------------------------------------------------------------------- */

static const char *member(json_object *o, const char *key)
{
    json_object *v = NULL;
    if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

Test(errors_envelope, client_error_with_fields)
{
    api_error e = {0};
    cr_expect_eq(api_error_set(&e, ERR_MISSING_FIELDS, "A required field is missing."), -1);
    cr_expect(api_error_is_set(&e));
    api_error_field(&e, "legalName", "%s is a required field", "legalName");
    json_object *j = api_error_to_json(&e);
    cr_expect_str_eq(member(j, "code"), "0009");
    cr_expect_str_eq(member(j, "title"), "Missing Fields in Request");
    cr_expect_str_eq(member(j, "message"), "A required field is missing.");
    cr_expect_not(json_object_object_get_ex(j, "entityType", NULL));
    json_object *fields = NULL;
    cr_assert(json_object_object_get_ex(j, "fields", &fields));
    cr_expect_str_eq(member(fields, "legalName"), "legalName is a required field");
    cr_expect_eq(json_object_object_length(j), 4);
    json_object_put(j);
    api_error_clear(&e);
    cr_expect_not(api_error_is_set(&e));
    cr_expect_null(e.fields);
}

Test(errors_envelope, unexpected_fields_carry_values)
{
    api_error e = {0};
    api_error_set(&e, ERR_UNEXPECTED_FIELDS, "unexpected fields");
    json_object *n = json_object_new_int(5);
    api_error_field_value(&e, "id", n);
    api_error_field_value(&e, "x.y", NULL);
    json_object_put(n); /* api_error took its own reference */
    json_object *j = api_error_to_json(&e);
    json_object *fields = NULL;
    cr_assert(json_object_object_get_ex(j, "fields", &fields));
    json_object *v = NULL;
    cr_assert(json_object_object_get_ex(fields, "id", &v));
    cr_expect_eq(json_object_get_int(v), 5);
    cr_expect(json_object_object_get_ex(fields, "x.y", &v));
    cr_expect_null(v);
    cr_expect_str_eq(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN),
                     "{\"code\":\"0053\",\"title\":\"Unexpected Fields in the Request\","
                     "\"message\":\"unexpected fields\",\"fields\":{\"id\":5,\"x.y\":null}}");
    json_object_put(j);
    api_error_clear(&e);
}

Test(errors_envelope, entity_type_only_on_0007)
{
    api_error e = {0};
    api_error_set(&e, ERR_ENTITY_NOT_FOUND, "not found");
    e.entity_type = "Ledger";
    json_object *j = api_error_to_json(&e);
    cr_expect_str_eq(member(j, "code"), "0007");
    cr_expect_str_eq(member(j, "entityType"), "Ledger");
    cr_expect_not(json_object_object_get_ex(j, "fields", NULL));
    json_object_put(j);
    api_error_clear(&e);

    api_error_set(&e, ERR_LEDGER_NOT_FOUND, "not found");
    e.entity_type = "Ledger";
    j = api_error_to_json(&e);
    cr_expect_str_eq(member(j, "code"), "0037");
    cr_expect_not(json_object_object_get_ex(j, "entityType", NULL), "entityType only on 0007");
    json_object_put(j);
    api_error_clear(&e);
}

Test(errors_envelope, empty_message_falls_back_to_title)
{
    api_error e = {0};
    api_error_set(&e, ERR_ROUTE_NOT_FOUND, "%s", "");
    json_object *j = api_error_to_json(&e);
    cr_expect_str_eq(member(j, "message"), "Route Not Found");
    json_object_put(j);
    api_error_clear(&e);
}

/* Every 5xx of the catalogue renders "internal error" and never fields, whatever was set. */
Test(errors_envelope, server_errors_hide_details)
{
    int seen = 0;
    for (int id = ERR_NONE + 1; id < ERR__COUNT; id++) {
        const err_def *d = err_get((err_id)id);
        api_error e = {0};
        api_error_set(&e, (err_id)id, "connection to db.internal:5432 failed: password authentication");
        api_error_field(&e, "secret", "SELECT * FROM x");
        json_object *j = api_error_to_json(&e);
        cr_expect_str_eq(member(j, "code"), d->code);
        cr_expect_str_eq(member(j, "title"), d->title);
        if (d->status >= 500) {
            seen++;
            cr_expect_str_eq(member(j, "message"), "internal error", "%s", d->code);
            cr_expect_not(json_object_object_get_ex(j, "fields", NULL), "%s has fields", d->code);
            cr_expect_eq(json_object_object_length(j), 3, "%s: only code, title, message", d->code);
        } else {
            cr_expect_str_neq(member(j, "message"), "internal error", "%s", d->code);
        }
        json_object_put(j);
        api_error_clear(&e);
    }
    cr_expect_eq(seen, 4, "api.md has four 5xx codes: 0046, 0127, 0901, 0902");
}

Test(errors_envelope, unset_error_renders_as_internal)
{
    api_error e = {0};
    json_object *j = api_error_to_json(&e);
    cr_expect_str_eq(member(j, "code"), "0046");
    cr_expect_str_eq(member(j, "message"), "internal error");
    json_object_put(j);
}

/* ---- fields only on the codes api.md "Envelope" names ---------------------------------------- */

/* api.md: `fields` is present only on these codes. Copied by hand: the spec, not the code. */
static const char *const spec_fields_codes[] = {"0009", "0047", "0050", "0051",
                                                "0053", "0065", "0067", "0082"};

static bool spec_has_fields(const char *code)
{
    for (size_t i = 0; i < ARRAY_LEN(spec_fields_codes); i++)
        if (strcmp(spec_fields_codes[i], code) == 0)
            return true;
    return false;
}

/* Render code with one field set; returns the envelope (caller puts it). */
static json_object *render_with_field(const char *code)
{
    api_error e = {0};
    err_id id = err_by_code(code);
    cr_assert_neq(id, ERR_NONE, "%s is not in the catalogue", code);
    api_error_set(&e, id, "rejected");
    api_error_field(&e, "limit", "must not be greater than 100");
    json_object *j = api_error_to_json(&e);
    api_error_clear(&e);
    return j;
}

Test(errors_fields, kept_on_each_of_the_eight_codes)
{
    for (size_t i = 0; i < ARRAY_LEN(spec_fields_codes); i++) {
        json_object *j = render_with_field(spec_fields_codes[i]);
        json_object *fields = NULL;
        cr_expect_str_eq(member(j, "code"), spec_fields_codes[i]);
        cr_expect(json_object_object_get_ex(j, "fields", &fields), "%s lost its fields",
                  spec_fields_codes[i]);
        cr_expect_str_eq(member(fields, "limit") ? member(fields, "limit") : "",
                         "must not be greater than 100", "%s", spec_fields_codes[i]);
        cr_expect_eq(json_object_object_length(j), 4, "%s: code, title, message, fields",
                     spec_fields_codes[i]);
        json_object_put(j);
    }
}

/* Regression: 0080, 0081, 0083, 0077, 0078 and 0131 replies carried the fields their callers set. */
Test(errors_fields, dropped_on_other_codes_whatever_the_caller_set)
{
    static const char *const dropped[] = {"0080", "0081", "0083", "0077", "0078", "0131",
                                          "0007", "0094", "0484", "0485", "0085", "0143"};
    for (size_t i = 0; i < ARRAY_LEN(dropped); i++) {
        json_object *j = render_with_field(dropped[i]);
        cr_expect_str_eq(member(j, "code"), dropped[i]);
        cr_expect_str_eq(member(j, "message"), "rejected", "%s", dropped[i]);
        cr_expect_not(json_object_object_get_ex(j, "fields", NULL), "%s carries fields", dropped[i]);
        json_object_put(j);
    }
}

Test(errors_fields, whole_catalogue_follows_the_rule)
{
    size_t with = 0;
    for (int id = ERR_NONE + 1; id < ERR__COUNT; id++) {
        const err_def *d = err_get((err_id)id);
        json_object *j = render_with_field(d->code);
        bool has = json_object_object_get_ex(j, "fields", NULL);
        cr_expect_eq(has, spec_has_fields(d->code), "%s: fields %s", d->code, has ? "present" : "absent");
        with += has;
        json_object_put(j);
    }
    cr_expect_eq(with, ARRAY_LEN(spec_fields_codes));
}

Test(errors_fields, no_fields_set_means_none_emitted)
{
    api_error e = {0};
    api_error_set(&e, ERR_INVALID_QUERY_PARAMETER, "bad");
    json_object *j = api_error_to_json(&e);
    cr_expect_not(json_object_object_get_ex(j, "fields", NULL));
    cr_expect_eq(json_object_object_length(j), 3);
    json_object_put(j);
    api_error_clear(&e);
}
