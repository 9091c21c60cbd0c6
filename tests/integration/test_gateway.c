/* The gateway's request pipeline seen from a client (api.md "Route matching", "Transport",
 * "Headers"): 404/405 decisions, the 1 MiB body limit, X-Request-Id handling and relaying an
 * upstream's answer. Read-only: nothing here stops or changes the stack. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <criterion/criterion.h>

#include "harness.h"
#include "util/mem.h"
#include "uuid/uuid.h"

#define ONE_MIB 1048576

/* "GET L/transactions/json" style paths with fresh ids. Caller frees. */
static char *ledger_path(const char *suffix)
{
    char o[UUID_STR_LEN + 1];
    char l[UUID_STR_LEN + 1];
    uuid_v7_str(o);
    uuid_v7_str(l);
    return xasprintf("/v1/organizations/%s/ledgers/%s%s", o, l, suffix);
}

/* True when the comma-separated Allow value lists exactly the given methods (any order). */
static bool allow_is(const char *allow, const char *const *methods, size_t n)
{
    char *copy = NULL;
    char *save = NULL;
    size_t seen = 0;
    bool ok = true;

    if (allow == NULL)
        return false;
    copy = xstrdup(allow);
    for (char *tok = strtok_r(copy, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
        bool known = false;
        while (*tok == ' ')
            tok++;
        for (size_t e = strlen(tok); e > 0 && tok[e - 1] == ' '; e--)
            tok[e - 1] = '\0';
        for (size_t i = 0; i < n; i++)
            if (strcmp(tok, methods[i]) == 0)
                known = true;
        if (!known)
            ok = false;
        seen++;
    }
    free(copy);
    return ok && seen == n;
}

Test(gateway, unknown_path_is_route_not_found)
{
    static const char *const paths[] = {"/v1/no-such-thing", "/nope", "/v1", "/v2/organizations"};

    for (size_t i = 0; i < ARRAY_LEN(paths); i++) {
        char *url = it_url("GATEWAY_URL", paths[i]);
        it_response r;
        it_get(url, &r);
        cr_log_info("GET %s -> %ld", paths[i], r.status);
        it_assert_error(&r, 404, "0484", "Route Not Found");
        cr_expect(it_header_get(&r, "X-Request-Id") != NULL, "404 must echo X-Request-Id: %s",
                  it_describe(&r));
        it_response_free(&r);
        free(url);
    }
}

Test(gateway, trailing_or_doubled_slash_is_route_not_found)
{
    char *lp = ledger_path("/assets/");
    const char *paths[] = {"/v1/organizations/", "/v1//organizations", "/health/", lp};

    for (size_t i = 0; i < ARRAY_LEN(paths); i++) {
        char *url = it_url("GATEWAY_URL", paths[i]);
        it_response r;
        it_get(url, &r);
        cr_log_info("GET %s -> %ld", paths[i], r.status);
        it_assert_error(&r, 404, "0484", "Route Not Found");
        it_response_free(&r);
        free(url);
    }
    free(lp);
}

Test(gateway, get_on_post_only_route_is_method_not_allowed)
{
    static const char *const post[] = {"POST"};
    char *path = ledger_path("/transactions/json");
    char *url = it_url("GATEWAY_URL", path);
    it_response r;

    it_get(url, &r);
    it_assert_error(&r, 405, "0485", "Method Not Allowed");
    cr_assert(allow_is(it_header_get(&r, "Allow"), post, 1), "Allow must be \"POST\": %s", it_describe(&r));
    it_response_free(&r);
    free(url);
    free(path);
}

Test(gateway, options_and_head_on_organizations_are_method_not_allowed)
{
    static const char *const get_post[] = {"GET", "POST"};
    char *url = it_url("GATEWAY_URL", "/v1/organizations");
    it_response r;

    it_request("OPTIONS", url, NULL, NULL, 0, &r);
    it_assert_error(&r, 405, "0485", "Method Not Allowed");
    cr_expect(allow_is(it_header_get(&r, "Allow"), get_post, 2), "Allow must list GET and POST: %s",
              it_describe(&r));
    it_response_free(&r);

    /* HEAD is served only on metrics/count routes; its error has no body */
    it_request("HEAD", url, NULL, NULL, 0, &r);
    cr_expect_eq(r.status, 405, "HEAD /v1/organizations: %s", it_describe(&r));
    cr_expect(allow_is(it_header_get(&r, "Allow"), get_post, 2), "Allow must list GET and POST: %s",
              it_describe(&r));
    it_response_free(&r);
    free(url);
}

Test(gateway, body_over_one_mib_is_payload_too_large)
{
    char *url = it_url("GATEWAY_URL", "/v1/organizations");
    char *body = xmalloc(ONE_MIB + 1);
    const char *const chunked[] = {"Transfer-Encoding: chunked", "Content-Type: application/json", NULL};
    const char *const json_ct[] = {"Content-Type: application/json", NULL};
    it_response r;

    memset(body, 'a', ONE_MIB + 1);

    it_request("POST", url, json_ct, body, ONE_MIB + 1, &r);
    it_assert_error(&r, 413, "0143", "Payload Too Large");
    cr_expect(it_header_get(&r, "X-Request-Id") != NULL, "413 must echo X-Request-Id: %s", it_describe(&r));
    it_response_free(&r);

    /* the limit applies after de-chunking too */
    it_request("POST", url, chunked, body, ONE_MIB + 1, &r);
    it_assert_error(&r, 413, "0143", "Payload Too Large");
    it_response_free(&r);

    /* exactly 1 MiB is allowed through (the upstream then judges the body) */
    it_request("POST", url, json_ct, body, ONE_MIB, &r);
    cr_expect_neq(r.status, 413, "a body of exactly 1 MiB must not be refused as too large: %s",
                  it_describe(&r));
    cr_expect(r.status >= 400 && r.status < 500 && it_json_str(&r, "code") != NULL,
              "an upstream error envelope is expected for an invalid 1 MiB body: %s", it_describe(&r));
    it_response_free(&r);
    free(body);
    free(url);
}

typedef struct reqid_case {
    const char *label;
    const char *sent; /* NULL = no header */
    bool kept;
} reqid_case;

Test(gateway, request_id_is_echoed_when_valid_and_generated_otherwise)
{
    char given[UUID_STR_LEN + 32];
    char max_len[129];
    char too_long[130];
    char uuid[UUID_STR_LEN + 1];

    uuid_v4_str(uuid);
    snprintf(given, sizeof(given), "it-%s/~!#", uuid);
    memset(max_len, 'r', 128);
    max_len[128] = '\0';
    memset(too_long, 'r', 129);
    too_long[129] = '\0';

    const reqid_case cases[] = {
        {"valid printable value", given, true},
        {"128 characters", max_len, true},
        {"contains a space", "bad id", false},
        {"129 characters", too_long, false},
        {"absent", NULL, false},
    };
    /* an operational endpoint, a gateway-made 404 and a relayed upstream 404 */
    const char *paths[] = {"/health", "/v1/no-such-thing", "/v1/organizations"};

    for (size_t p = 0; p < ARRAY_LEN(paths); p++) {
        char *url = it_url("GATEWAY_URL", paths[p]);
        for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
            char *line = cases[i].sent != NULL ? xasprintf("X-Request-Id: %s", cases[i].sent) : NULL;
            const char *hdrs[] = {line, NULL};
            it_response r;
            const char *got = NULL;

            it_request("GET", url, line != NULL ? hdrs : NULL, NULL, 0, &r);
            got = it_header_get(&r, "X-Request-Id");
            cr_assert(got != NULL, "%s, %s: response has no X-Request-Id: %s", paths[p], cases[i].label,
                      it_describe(&r));
            cr_expect_eq(it_header_count(&r, "X-Request-Id"), 1,
                         "%s, %s: exactly one X-Request-Id header expected: %s", paths[p], cases[i].label,
                         it_describe(&r));
            if (cases[i].kept) {
                cr_expect_str_eq(got, cases[i].sent, "%s, %s: the id must be echoed unchanged: %s",
                                 paths[p], cases[i].label, it_describe(&r));
            } else {
                cr_expect(it_is_uuid(got, 4), "%s, %s: a generated UUIDv4 is expected, got \"%s\": %s",
                          paths[p], cases[i].label, got, it_describe(&r));
                if (cases[i].sent != NULL)
                    cr_expect_str_neq(got, cases[i].sent, "%s, %s: the invalid id must be replaced",
                                      paths[p], cases[i].label);
            }
            it_response_free(&r);
            free(line);
        }
        free(url);
    }
}

Test(gateway, generated_request_ids_differ)
{
    char *url = it_url("GATEWAY_URL", "/health");
    it_response a;
    it_response b;

    it_get(url, &a);
    it_get(url, &b);
    cr_assert(it_header_get(&a, "X-Request-Id") != NULL && it_header_get(&b, "X-Request-Id") != NULL,
              "X-Request-Id missing: %s", it_describe(&a));
    cr_expect_str_neq(it_header_get(&a, "X-Request-Id"), it_header_get(&b, "X-Request-Id"),
                      "two requests without an id must get different generated ids");
    it_response_free(&a);
    it_response_free(&b);
    free(url);
}

/* A service's own error envelope (here onboarding's 404 for an unknown organization) must reach the
 * client byte for byte: the gateway relays, it never rewrites. */
Test(gateway, upstream_error_envelope_is_relayed_unchanged)
{
    char id[UUID_STR_LEN + 1];
    uuid_v7_str(id);
    char *path = xasprintf("/v1/organizations/%s", id);
    char *via_gw = it_url("GATEWAY_URL", path);
    char *direct = it_url("ONBOARDING_URL", path);
    const char *const hdrs[] = {"X-Request-Id: it-relay-check", NULL};
    it_response g;
    it_response d;

    it_request("GET", via_gw, hdrs, NULL, 0, &g);
    it_request("GET", direct, hdrs, NULL, 0, &d);
    it_assert_error(&d, 404, "0007", "Entity Not Found");
    it_assert_error(&g, 404, "0007", "Entity Not Found");
    cr_expect_str_eq(it_json_str(&g, "entityType"), "Organization", "entityType: %s", it_describe(&g));
    cr_expect(g.body_len == d.body_len && memcmp(g.body, d.body, d.body_len) == 0,
              "the relayed body must be byte-identical to onboarding's (%.*s): %s", (int)d.body_len,
              d.body, it_describe(&g));
    cr_expect_str_eq(it_header_get(&g, "X-Request-Id"), "it-relay-check",
                     "the relayed answer must echo X-Request-Id: %s", it_describe(&g));
    it_response_free(&g);
    it_response_free(&d);
    free(direct);
    free(via_gw);
    free(path);
}
