/* Regression: write times follow commit order (events.md 7, the registries' updatedAt rule). Concurrent
 * PATCHes and a DELETE of one ledger (or organization) used to take their time before the row lock, so
 * the DELETE could commit with a time older than a PATCH committed before it; the other services'
 * registries then dropped the deletion and kept the entity live forever. Each round races them, then
 * expects a transaction-domain route under the deleted entity to answer 404 within a few seconds, and
 * the entity's events to carry non-decreasing ce_time in publish order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "harness.h"
#include "onb_helpers.h"
#include "util/mem.h"

#define ROUNDS 20
#define PATCHERS 8
#define RACERS (PATCHERS + 1)
#define GONE_TIMEOUT_MS 5000
#define EVENT_TIMEOUT_MS 60000
#define SETTLE_MS 2000

typedef struct want_code {
    long status;
    const char *code;
} want_code;

static bool answers_code(const it_response *r, void *arg)
{
    const want_code *w = arg;
    const char *code = it_json_str(r, "code");
    return r->status == w->status && code && strcmp(code, w->code) == 0;
}

/* GET {O}/ledgers/{l}/transactions answers 200 (the transaction service registered both entities). */
static void register_in_transaction(const char *org, const char *ledger)
{
    it_response r;
    onb_reqf("GET", NULL, &r, "/v1/organizations/%s/ledgers/%s/transactions", org, ledger);
    cr_assert_eq(r.status, 200, "%s", it_describe(&r));
    it_response_free(&r);
}

/* Polls a transaction-domain route under the deleted entity until it answers status/code. */
static void expect_gone(const char *org, const char *ledger, const char *code, int round)
{
    char *path = xasprintf("/v1/organizations/%s/ledgers/%s/transactions", org, ledger);
    char *url = it_url("GATEWAY_URL", path);
    want_code w = {404, code};
    it_response last;
    bool ok = it_wait_until(url, GONE_TIMEOUT_MS, answers_code, &w, &last);
    cr_expect(ok, "round %d: %s never answered 404 %s: %s", round, path, code, it_describe(&last));
    it_response_free(&last);
    free(url);
    free(path);
}

/* Races PATCHERS metadata PATCHes and one DELETE of `path`; returns how many PATCHes answered 200 and
 * asserts the DELETE answered 204 and every other answer is 200 or 404 (PATCH after the delete). */
static size_t race_patches_and_delete(const char *path, int round)
{
    const char *methods[RACERS];
    const char *paths[RACERS];
    const char *bodies[RACERS];
    char *owned[RACERS];
    onb_par_result res[RACERS];
    size_t del = RACERS / 2, ok = 0;

    for (size_t i = 0; i < RACERS; i++) {
        paths[i] = path;
        if (i == del) {
            methods[i] = "DELETE";
            owned[i] = NULL;
        } else {
            methods[i] = "PATCH";
            owned[i] = xasprintf("{\"metadata\":{\"round\":\"%d\",\"writer\":\"%zu\"}}", round, i);
        }
        bodies[i] = owned[i];
    }
    onb_parallel(RACERS, methods, paths, bodies, res);
    for (size_t i = 0; i < RACERS; i++) {
        if (i == del) {
            cr_expect_eq(res[i].status, 204, "round %d: DELETE answered %ld %s", round, res[i].status,
                         res[i].code);
        } else if (res[i].status == 200) {
            ok++;
        } else {
            cr_expect(res[i].status == 404 && strcmp(res[i].code, "0007") == 0,
                      "round %d: PATCH answered %ld %s", round, res[i].status, res[i].code);
        }
        free(owned[i]);
    }
    return ok;
}

/* The records about `subject` in publish order (one key, one partition) carry non-decreasing ce_time,
 * start with <entity>.created and end with <entity>.deleted, and number `want`. */
static void expect_ordered(const it_kafka_record *recs, size_t n, const char *subject, const char *entity,
                           size_t want)
{
    const char *prev = NULL;
    const char *first = NULL, *last = NULL;
    size_t count = 0;
    char created[64], deleted[64];

    snprintf(created, sizeof(created), "studio.lerian.%s.created", entity);
    snprintf(deleted, sizeof(deleted), "studio.lerian.%s.deleted", entity);
    for (size_t i = 0; i < n; i++) {
        const char *s = it_kafka_header_get(&recs[i], "ce_subject");
        if (!s || strcmp(s, subject) != 0)
            continue;
        const char *t = it_kafka_header_get(&recs[i], "ce_time");
        const char *type = it_kafka_header_get(&recs[i], "ce_type");
        cr_assert(t && type, "record without ce_time / ce_type");
        if (prev)
            cr_expect(strcmp(prev, t) <= 0, "%s %s: ce_time went back from %s to %s (%s)", entity, subject,
                      prev, t, type);
        if (!first)
            first = type;
        last = type;
        prev = t;
        count++;
    }
    cr_expect_eq(count, want, "%s %s: %zu events, want %zu", entity, subject, count, want);
    cr_expect(first && strcmp(first, created) == 0, "%s %s: first event %s", entity, subject,
              first ? first : "-");
    cr_expect(last && strcmp(last, deleted) == 0, "%s %s: last event %s", entity, subject, last ? last : "-");
}

Test(commit_order, concurrent_patches_and_delete_of_a_ledger, .timeout = 600)
{
    it_kafka_consumer *kc = it_kafka_consumer_new(onb_topic());
    char *org = onb_create_org(NULL);
    char *ledgers[ROUNDS];
    size_t patched[ROUNDS];
    size_t expected = 1; /* organization.created */
    it_kafka_record *recs = NULL;
    size_t n = 0;

    for (int round = 0; round < ROUNDS; round++) {
        char name[32];
        snprintf(name, sizeof(name), "order-%d", round);
        ledgers[round] = onb_create_ledger(org, name, NULL);
        register_in_transaction(org, ledgers[round]);
        char *path = xasprintf("/v1/organizations/%s/ledgers/%s", org, ledgers[round]);
        patched[round] = race_patches_and_delete(path, round);
        free(path);
        expect_gone(org, ledgers[round], "0037", round);
        expected += 2 + patched[round];
    }

    onb_events_for(kc, org, true, expected, EVENT_TIMEOUT_MS, SETTLE_MS, &recs, &n);
    cr_expect_eq(n, expected, "events of the organization: got %zu, want %zu", n, expected);
    for (int round = 0; round < ROUNDS; round++) {
        expect_ordered(recs, n, ledgers[round], "ledger", 2 + patched[round]);
        free(ledgers[round]);
    }
    it_kafka_records_free(recs, n);
    it_kafka_consumer_free(kc);
    free(org);
}

Test(commit_order, concurrent_patches_and_delete_of_an_organization, .timeout = 600)
{
    it_kafka_consumer *kc = it_kafka_consumer_new(onb_topic());

    for (int round = 0; round < ROUNDS; round++) {
        it_response r;
        it_kafka_record *recs = NULL;
        size_t n = 0;
        char *org = onb_create_org(NULL);
        char *ledger = onb_create_ledger(org, "only", NULL);
        register_in_transaction(org, ledger);
        onb_reqf("DELETE", NULL, &r, "/v1/organizations/%s/ledgers/%s", org, ledger);
        cr_assert_eq(r.status, 204, "%s", it_describe(&r));
        it_response_free(&r);

        char *path = xasprintf("/v1/organizations/%s", org);
        size_t patched = race_patches_and_delete(path, round);
        free(path);
        /* the organization is checked before the ledger: 0038 once its deletion reached the registry */
        expect_gone(org, ledger, "0038", round);

        /* organization.created, the PATCHes, organization.deleted (+ the ledger's created and deleted) */
        onb_events_for(kc, org, true, 4 + patched, EVENT_TIMEOUT_MS, 0, &recs, &n);
        expect_ordered(recs, n, org, "organization", 2 + patched);
        it_kafka_records_free(recs, n);
        free(ledger);
        free(org);
    }
    it_kafka_consumer_free(kc);
}
