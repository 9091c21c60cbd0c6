/* Offset lists of organizations and ledgers (api.md "Lists"): pages disjoint and complete in
 * (createdAt, id) order, sort_order, inclusive date windows, metadata.<key> filters (string values
 * only, ANDed, on any page), the name-like prefix filters (literal, ASCII case-insensitive),
 * legal_document and status filters, and every query-parameter error in its order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "harness.h"
#include "onb_helpers.h"
#include "util/mem.h"
#include "uuid/uuid.h"

#define N_LEDGERS 25

/* GET path (formatted); asserts 200 and the envelope; returns the items array (new reference). */
static json_object *list_items(const char *path, long want_page, long want_limit)
{
    it_response r;
    json_object *items = NULL;

    onb_req("GET", path, NULL, &r);
    cr_assert_eq(r.status, 200, "GET %s: %s", path, it_describe(&r));
    cr_assert_eq(json_object_object_length(r.json), 3, "envelope has items, page, limit only: %s", it_describe(&r));
    items = onb_jget(r.json, "items");
    cr_assert(json_object_is_type(items, json_type_array), "items array: %s", it_describe(&r));
    cr_expect_eq(json_object_get_int64(onb_jget(r.json, "page")), want_page, "page: %s", it_describe(&r));
    cr_expect_eq(json_object_get_int64(onb_jget(r.json, "limit")), want_limit, "limit: %s", it_describe(&r));
    json_object_get(items);
    it_response_free(&r);
    return items;
}

static const char *item_id(json_object *items, size_t i)
{
    return onb_jstr(json_object_array_get_idx(items, i), "id");
}

/* (createdAt, id) ascending? */
static bool in_order(json_object *a, json_object *b)
{
    int c = strcmp(onb_jstr(a, "createdAt"), onb_jstr(b, "createdAt"));
    return c < 0 || (c == 0 && strcmp(onb_jstr(a, "id"), onb_jstr(b, "id")) < 0);
}

/* An organization with N_LEDGERS ledgers "L00".."L24"; every even one has metadata parity=even and
 * every ledger has metadata idx=<i> (string) and num=<i> (number). ids[i] receives the ids. */
static char *make_ledgers(char ids[N_LEDGERS][UUID_STR_LEN + 1])
{
    char *org = onb_create_org(NULL);
    for (int i = 0; i < N_LEDGERS; i++) {
        char name[16];
        char extra[128];
        snprintf(name, sizeof(name), "L%02d", i);
        snprintf(extra, sizeof(extra), "\"metadata\":{\"idx\":\"%d\",\"num\":%d%s}", i, i,
                 i % 2 == 0 ? ",\"parity\":\"even\"" : "");
        char *id = onb_create_ledger(org, name, extra);
        snprintf(ids[i], UUID_STR_LEN + 1, "%s", id);
        free(id);
    }
    return org;
}

Test(onb_lists, ledger_pages_are_disjoint_complete_and_ordered, .timeout = 120)
{
    char ids[N_LEDGERS][UUID_STR_LEN + 1];
    char *org = make_ledgers(ids);
    json_object *all = json_object_new_array();
    char path[256];

    /* default limit 10, pages 1..3 then an empty page 4 */
    for (int page = 1; page <= 4; page++) {
        snprintf(path, sizeof(path), "/v1/organizations/%s/ledgers?page=%d", org, page);
        json_object *items = list_items(path, page, 10);
        size_t want = page < 3 ? 10 : page == 3 ? 5 : 0;
        cr_assert_eq(json_object_array_length(items), want, "page %d size", page);
        for (size_t i = 0; i < json_object_array_length(items); i++)
            json_object_array_add(all, json_object_get(json_object_array_get_idx(items, i)));
        json_object_put(items);
    }
    cr_assert_eq(json_object_array_length(all), N_LEDGERS, "pages are complete");
    for (size_t i = 0; i < N_LEDGERS; i++) {
        /* creation order = list order; every id exactly once */
        cr_expect_str_eq(item_id(all, i), ids[i], "position %zu", i);
        if (i > 0)
            cr_expect(in_order(json_object_array_get_idx(all, i - 1), json_object_array_get_idx(all, i)),
                      "(createdAt, id) order at %zu", i);
    }

    /* desc (case-insensitive value) reverses; limit honoured */
    snprintf(path, sizeof(path), "/v1/organizations/%s/ledgers?sort_order=DESC&limit=7&page=2", org);
    json_object *items = list_items(path, 2, 7);
    cr_assert_eq(json_object_array_length(items), 7);
    for (size_t i = 0; i < 7; i++)
        cr_expect_str_eq(item_id(items, i), ids[N_LEDGERS - 1 - 7 - i], "desc page 2 position %zu", i);
    json_object_put(items);
    snprintf(path, sizeof(path), "/v1/organizations/%s/ledgers?sort_order=asc&limit=100", org);
    items = list_items(path, 1, 100);
    cr_expect_eq(json_object_array_length(items), N_LEDGERS);
    json_object_put(items);
    /* empty values are absent */
    snprintf(path, sizeof(path), "/v1/organizations/%s/ledgers?limit=&page=&sort_order=&name=", org);
    items = list_items(path, 1, 10);
    cr_expect_eq(json_object_array_length(items), 10);
    cr_expect_str_eq(item_id(items, 0), ids[0]);
    json_object_put(items);
    /* a page far beyond the end is empty, not an error */
    snprintf(path, sizeof(path), "/v1/organizations/%s/ledgers?page=2147483647&limit=100", org);
    items = list_items(path, 2147483647, 100);
    cr_expect_eq(json_object_array_length(items), 0);
    json_object_put(items);

    json_object_put(all);
    free(org);
}

Test(onb_lists, metadata_filters_with_pages, .timeout = 120)
{
    char ids[N_LEDGERS][UUID_STR_LEN + 1];
    char *org = make_ledgers(ids);
    char path[256];

    /* 13 even ledgers: page 2 of 5 is ledgers 10, 12, 14, 16, 18 */
    snprintf(path, sizeof(path), "/v1/organizations/%s/ledgers?metadata.parity=even&limit=5&page=2", org);
    json_object *items = list_items(path, 2, 5);
    cr_assert_eq(json_object_array_length(items), 5, "%s", json_object_to_json_string(items));
    for (size_t i = 0; i < 5; i++)
        cr_expect_str_eq(item_id(items, i), ids[10 + 2 * i], "even page 2 position %zu", i);
    json_object_put(items);
    snprintf(path, sizeof(path), "/v1/organizations/%s/ledgers?metadata.parity=even&limit=5&page=3", org);
    items = list_items(path, 3, 5);
    cr_expect_eq(json_object_array_length(items), 3);
    json_object_put(items);

    /* several metadata filters are ANDed; with the desc order too */
    snprintf(path, sizeof(path), "/v1/organizations/%s/ledgers?metadata.parity=even&metadata.idx=4&sort_order=desc", org);
    items = list_items(path, 1, 10);
    cr_assert_eq(json_object_array_length(items), 1);
    cr_expect_str_eq(item_id(items, 0), ids[4]);
    json_object_put(items);
    snprintf(path, sizeof(path), "/v1/organizations/%s/ledgers?metadata.parity=even&metadata.idx=5", org);
    items = list_items(path, 1, 10);
    cr_expect_eq(json_object_array_length(items), 0);
    json_object_put(items);
    /* only string values match: num is a number */
    snprintf(path, sizeof(path), "/v1/organizations/%s/ledgers?metadata.num=4", org);
    items = list_items(path, 1, 10);
    cr_expect_eq(json_object_array_length(items), 0, "a number never matches: %s", json_object_to_json_string(items));
    json_object_put(items);
    /* exact string equality, case-sensitive */
    snprintf(path, sizeof(path), "/v1/organizations/%s/ledgers?metadata.parity=EVEN", org);
    items = list_items(path, 1, 10);
    cr_expect_eq(json_object_array_length(items), 0);
    json_object_put(items);
    snprintf(path, sizeof(path), "/v1/organizations/%s/ledgers?metadata.parity=eve", org);
    items = list_items(path, 1, 10);
    cr_expect_eq(json_object_array_length(items), 0);
    json_object_put(items);
    /* combined with a name filter */
    snprintf(path, sizeof(path), "/v1/organizations/%s/ledgers?metadata.parity=even&name=l1&limit=100", org);
    items = list_items(path, 1, 100);
    cr_expect_eq(json_object_array_length(items), 5, "L10..L18 even: %s", json_object_to_json_string(items));
    json_object_put(items);
    free(org);
}

Test(onb_lists, date_windows_are_inclusive, .timeout = 120)
{
    char ids[N_LEDGERS][UUID_STR_LEN + 1];
    char *org = make_ledgers(ids);
    char path[512];
    char first_day[11], last_day[11];

    snprintf(path, sizeof(path), "/v1/organizations/%s/ledgers?limit=100", org);
    json_object *all = list_items(path, 1, 100);
    cr_assert_eq(json_object_array_length(all), N_LEDGERS);
    const char *c0 = onb_jstr(json_object_array_get_idx(all, 0), "createdAt");
    const char *cn = onb_jstr(json_object_array_get_idx(all, N_LEDGERS - 1), "createdAt");
    snprintf(first_day, sizeof(first_day), "%.10s", c0);
    snprintf(last_day, sizeof(last_day), "%.10s", cn);

    /* date-only: the whole days, both ends inclusive */
    snprintf(path, sizeof(path), "/v1/organizations/%s/ledgers?limit=100&start_date=%s&end_date=%s", org, first_day,
             last_day);
    json_object *items = list_items(path, 1, 100);
    cr_expect_eq(json_object_array_length(items), N_LEDGERS);
    json_object_put(items);
    snprintf(path, sizeof(path), "/v1/organizations/%s/ledgers?start_date=2000-01-01&end_date=2000-12-31", org);
    items = list_items(path, 1, 10);
    cr_expect_eq(json_object_array_length(items), 0);
    json_object_put(items);

    /* date and time (second precision): from the second of item 12 on */
    const char *c12 = onb_jstr(json_object_array_get_idx(all, 12), "createdAt");
    char start[32];
    snprintf(start, sizeof(start), "%.10s%%20%.8s", c12, c12 + 11); /* "YYYY-MM-DD HH:MM:SS" */
    snprintf(path, sizeof(path), "/v1/organizations/%s/ledgers?limit=100&start_date=%s&end_date=2999-12-31", org, start);
    items = list_items(path, 1, 100);
    size_t want = 0;
    for (size_t i = 0; i < N_LEDGERS; i++)
        if (strncmp(onb_jstr(json_object_array_get_idx(all, i), "createdAt"), c12, 19) >= 0)
            want++;
    cr_expect_eq(json_object_array_length(items), want, "items created at or after %.19s", c12);
    cr_expect(want >= N_LEDGERS - 12);
    json_object_put(items);
    /* ... and up to (inclusive) that instant, HH:MM:SS.000000 */
    snprintf(path, sizeof(path), "/v1/organizations/%s/ledgers?limit=100&start_date=2000-01-01&end_date=%s", org, start);
    items = list_items(path, 1, 100);
    want = 0;
    for (size_t i = 0; i < N_LEDGERS; i++) {
        const char *ci = onb_jstr(json_object_array_get_idx(all, i), "createdAt");
        int c = strncmp(ci, c12, 19);
        if (c < 0 || (c == 0 && strncmp(ci + 19, ".000000", 7) == 0))
            want++;
    }
    cr_expect_eq(json_object_array_length(items), want, "items created up to %.19s", c12);
    json_object_put(items);

    json_object_put(all);
    free(org);
}

Test(onb_lists, ledger_name_and_status_filters)
{
    char *org = onb_create_org(NULL);
    static const char *const names[] = {"a%b", "a_c", "abc", "ABD", "\xC3\x81" "bc", "xyz"};
    char *ids[ARRAY_LEN(names)];
    char path[256];

    for (size_t i = 0; i < ARRAY_LEN(names); i++)
        ids[i] = onb_create_ledger(org, names[i], i == 5 ? "\"status\":{\"code\":\"Frozen\"}" : NULL);

    static const struct {
        const char *query; /* percent-encoded */
        size_t count;
    } cases[] = {
        {"name=a", 4},           /* a%b, a_c, abc, ABD */
        {"name=A", 4},           /* ASCII case-insensitive */
        {"name=ab", 2},          /* abc, ABD */
        {"name=aB", 2},
        {"name=a%25", 1},        /* literal %: only "a%b" */
        {"name=a_", 1},          /* literal _: only "a_c" */
        {"name=%C3%A1", 0},      /* "á" does not fold to "Á" */
        {"name=%C3%81", 1},
        {"name=abcd", 0},
        {"name=xyz", 1},
        {"status=frozen", 1},    /* status code, ASCII case-insensitive, whole value */
        {"status=FROZEN", 1},
        {"status=froz", 0},
        {"status=active", 5},
        {"status=active&name=ab", 2},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        snprintf(path, sizeof(path), "/v1/organizations/%s/ledgers?%s", org, cases[i].query);
        json_object *items = list_items(path, 1, 10);
        cr_expect_eq(json_object_array_length(items), cases[i].count, "%s: %s", cases[i].query,
                     json_object_to_json_string(items));
        json_object_put(items);
    }
    for (size_t i = 0; i < ARRAY_LEN(names); i++)
        free(ids[i]);
    free(org);
}

Test(onb_lists, organization_filters_and_pages, .timeout = 120)
{
    char run[UUID_STR_LEN + 1];
    char doc[UUID_STR_LEN + 1];
    char path[512];
    char *ids[12];

    uuid_v4_str(run);
    uuid_v4_str(doc);
    for (int i = 0; i < 12; i++) {
        char *body = xasprintf("{\"legalName\":\"%s Corp %02d\",\"doingBusinessAs\":%s,\"legalDocument\":\"%s%s\","
                               "\"status\":{\"code\":\"%s\"},\"metadata\":{\"run\":\"%s\"}}",
                               i % 3 == 0 ? "Zeta" : "zebra", i, i % 2 ? "\"Shop_1\"" : "null", doc,
                               i < 4 ? "" : "-x", i % 4 == 0 ? "Blocked" : "ACTIVE", run);
        ids[i] = onb_create_org(body);
        free(body);
    }
    static const struct {
        const char *query;
        size_t count;
    } cases[] = {
        {"", 12},
        {"&legal_name=ZE", 12},        /* Zeta, zebra */
        {"&legal_name=zeta", 4},       /* 0, 3, 6, 9 */
        {"&legal_name=zebra%20corp%200", 6}, /* zebra Corp 01, 02, 04, 05, 07, 08 */
        {"&doing_business_as=shop_", 6},
        {"&doing_business_as=shop%25", 0},
        {"&status=blocked", 3},        /* 0, 4, 8 */
        {"&status=blocked&legal_name=zeta", 1},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        snprintf(path, sizeof(path), "/v1/organizations?metadata.run=%s&limit=100%s", run, cases[i].query);
        json_object *items = list_items(path, 1, 100);
        cr_expect_eq(json_object_array_length(items), cases[i].count, "%s: %zu items", cases[i].query,
                     json_object_array_length(items));
        json_object_put(items);
    }
    /* legal_document is exact: the 4 with the bare document, not the "-x" ones */
    snprintf(path, sizeof(path), "/v1/organizations?legal_document=%s&limit=100", doc);
    json_object *items = list_items(path, 1, 100);
    cr_expect_eq(json_object_array_length(items), 4);
    json_object_put(items);
    /* metadata filter on page 2, ordered */
    snprintf(path, sizeof(path), "/v1/organizations?metadata.run=%s&limit=5&page=2", run);
    items = list_items(path, 2, 5);
    cr_assert_eq(json_object_array_length(items), 5);
    for (size_t i = 0; i < 5; i++)
        cr_expect_str_eq(item_id(items, i), ids[5 + i], "page 2 position %zu", i);
    json_object_put(items);
    snprintf(path, sizeof(path), "/v1/organizations?metadata.run=%s&limit=5&page=3&sort_order=desc", run);
    items = list_items(path, 3, 5);
    cr_assert_eq(json_object_array_length(items), 2);
    cr_expect_str_eq(item_id(items, 0), ids[1]);
    cr_expect_str_eq(item_id(items, 1), ids[0]);
    json_object_put(items);
    for (int i = 0; i < 12; i++)
        free(ids[i]);
}

Test(onb_lists, query_parameter_errors)
{
    char *org = onb_create_org(NULL);
    char missing[UUID_STR_LEN + 1];
    char long_value[300];
    char long_key[120];

    uuid_v7_str(missing);
    memset(long_value, 'v', 257);
    long_value[257] = '\0';
    memset(long_key, 'k', 101);
    long_key[101] = '\0';
    char *q_long_value = xasprintf("name=%s", long_value);
    char *q_long_org_value = xasprintf("legal_name=%s", long_value);
    char *q_long_key = xasprintf("metadata.%s=x", long_key);

    static const char *const bases[] = {"/v1/organizations", NULL};
    char *ledgers = xasprintf("/v1/organizations/%s/ledgers", org);
    char *ledgers_missing = xasprintf("/v1/organizations/%s/ledgers", missing);
    const struct {
        const char *base;
        const char *query;
        const char *code;
        const char *field;
    } cases[] = {
        {bases[0], "limit=abc", "0082", "limit"},
        {bases[0], "limit=0", "0082", "limit"},
        {bases[0], "limit=-1", "0082", "limit"},
        {bases[0], "limit=101", "0080", NULL},
        {bases[0], "page=0", "0082", "page"},
        {bases[0], "page=2147483648", "0082", "page"},
        {bases[0], "page=x", "0082", "page"},
        {bases[0], "limit=5&limit=6", "0082", "limit"},
        {bases[0], "status=a&status=b", "0082", "status"},
        {bases[0], "sort_order=up", "0081", NULL},
        {bases[0], "start_date=2025/01/01&end_date=2025-01-02", "0131", NULL},
        {bases[0], "start_date=2025-01-01&end_date=2025-01-02T00:00:00", "0131", NULL},
        {bases[0], "start_date=2025-02-30&end_date=2025-03-01", "0077", NULL},
        {bases[0], "start_date=2025-01-01%2024:00:00&end_date=2025-03-01", "0077", NULL},
        {bases[0], "start_date=2025-01-01", "0083", NULL},
        {bases[0], "end_date=2025-01-01", "0083", NULL},
        {bases[0], "start_date=2025-01-02&end_date=2025-01-01", "0078", NULL},
        {bases[0], "metadata.=x", "0082", NULL},
        {bases[0], q_long_key, "0082", NULL},
        {bases[0], q_long_org_value, "0082", "legal_name"},
        /* order: limit before sort_order, sort_order before dates */
        {bases[0], "sort_order=up&limit=101", "0080", NULL},
        {bases[0], "start_date=x&sort_order=up", "0081", NULL},
        {ledgers, q_long_value, "0082", "name"},
        {ledgers, "limit=1000", "0080", NULL},
        /* regression: bytes that are not UTF-8 once decoded used to reach PostgreSQL (500 0046) */
        {bases[0], "legal_name=%FF", "0082", "legal_name"},
        {bases[0], "status=%C3", "0082", "status"},
        {bases[0], "metadata.k=%FF", "0082", "metadata.k"},
        {ledgers, "name=a%80", "0082", "name"},
        /* query parameters are checked before the organization exists */
        {ledgers_missing, "page=0", "0082", "page"},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        char *path = xasprintf("%s?%s", cases[i].base, cases[i].query);
        it_response r;
        onb_req("GET", path, NULL, &r);
        cr_log_info("GET %s -> %ld", path, r.status);
        onb_assert_error(&r, 400, cases[i].code, cases[i].field);
        /* api.md Errors: only 0082 among these codes carries `fields` */
        if (strcmp(cases[i].code, "0082") != 0)
            cr_expect(onb_jget(r.json, "fields") == NULL, "error %s must not carry fields: %s", cases[i].code,
                      it_describe(&r));
        it_response_free(&r);
        free(path);
    }
    /* regression: '+' in a query is a space (form encoding, as Go clients send it) */
    {
        char *plus = xasprintf("%s?start_date=2020-01-01+00:00:00&end_date=2099-12-31+23:59:59", ledgers);
        json_object *plus_items = list_items(plus, 1, 10);
        json_object_put(plus_items);
        free(plus);
    }
    /* unknown parameters are ignored */
    char *path = xasprintf("%s?foo=bar&foo=baz&legalName=x", ledgers);
    json_object *items = list_items(path, 1, 10);
    json_object_put(items);
    free(path);

    free(q_long_value);
    free(q_long_org_value);
    free(q_long_key);
    free(ledgers);
    free(ledgers_missing);
    free(org);
}
