/* Helpers of the onboarding integration tests (organizations and ledgers through the gateway): short
 * request wrappers, entity creation, JSON path access, parallel requests on their own threads, the
 * onboarding event stream, and a stand-in portfolio service answering the ledger-close call.
 * Test code only: built on harness.h, never edits the harness. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "harness.h"

/* Default onboarding topic (events.md 1); ONBOARDING_KAFKA_TOPIC overrides it. */
const char *onb_topic(void);

/* Request to GATEWAY_URL + path with an optional JSON body (NULL = none). Fails the test when the
 * transfer fails. Free out with it_response_free. */
void onb_req(const char *method, const char *path, const char *body, it_response *out);
/* Same with extra "Name: value" header lines (NULL-terminated, may be NULL). */
void onb_req_h(const char *method, const char *path, const char *const *headers, const char *body,
               it_response *out);
/* Formatted path convenience: onb_reqf("GET", NULL, &r, "/v1/organizations/%s", id). */
void onb_reqf(const char *method, const char *body, it_response *out, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* POST /v1/organizations with body (NULL: a minimal valid body); asserts 201 and returns the new id
 * (caller frees). */
char *onb_create_org(const char *body);
/* POST O/ledgers {"name": name} plus extra members (a JSON fragment without braces, may be NULL);
 * asserts 201 and returns the id (caller frees). */
char *onb_create_ledger(const char *org_id, const char *name, const char *extra_members);

/* Member of a JSON object by dotted path ("address.line2"); NULL when absent or JSON null. */
json_object *onb_jget(json_object *obj, const char *dotted);
/* String at a dotted path, or NULL. */
const char *onb_jstr(json_object *obj, const char *dotted);
/* True when the member at the dotted path exists and is JSON null. */
bool onb_jnull(json_object *obj, const char *dotted);
/* Parses text (fails the test when it is not JSON). New reference. */
json_object *onb_parse(const char *text);

/* Asserts the error envelope and, when field is not NULL, that `fields` has that key. */
void onb_assert_error(it_response *r, long status, const char *code, const char *field);

/* ---- parallel requests ------------------------------------------------------------------------- */

typedef struct onb_par_result {
    long status;
    char code[8];     /* error code of the body, "" when none */
    char id[40];      /* "id" member of the body, "" when none */
} onb_par_result;

/* Sends n requests at once (one thread and one libcurl easy handle each, released together by a
 * barrier) to GATEWAY_URL + paths[i] with bodies[i] (NULL = none). results[i] gets each outcome
 * (status 0 when the transfer failed). */
void onb_parallel(size_t n, const char *const *methods, const char *const *paths, const char *const *bodies,
                  onb_par_result *results);

/* ---- events ------------------------------------------------------------------------------------ */

/* Collects records of the onboarding topic whose ce_subject equals subject (or, when by_org is true,
 * whose ce_organizationid equals it), until `expected` arrived or timeout_ms elapsed, then keeps
 * listening for settle_ms more to catch duplicates. *recs / *n as it_kafka_collect. */
void onb_events_for(it_kafka_consumer *c, const char *id, bool by_org, size_t expected, long timeout_ms,
                    long settle_ms, it_kafka_record **recs, size_t *n);
/* Number of records with that ce_type. */
size_t onb_events_count_type(const it_kafka_record *recs, size_t n, const char *ce_type);
/* The first record with that ce_type, or NULL. */
const it_kafka_record *onb_events_find(const it_kafka_record *recs, size_t n, const char *ce_type);

/* ---- stand-in portfolio service ---------------------------------------------------------------- */

typedef struct onb_fake_portfolio onb_fake_portfolio;

/* How the stand-in answers POST /internal/v1/organizations/{o}/ledgers/{l}/close for a ledger id. */
typedef enum onb_fake_answer {
    ONB_FAKE_CLOSE_OK,      /* 204 */
    ONB_FAKE_CLOSE_REFUSE,  /* 422 {"code":"0008",...} */
    ONB_FAKE_CLOSE_OTHER    /* 500 {"code":"0046",...} (any other answer) */
} onb_fake_answer;

/* Listens on 127.0.0.1:port (the stopped portfolio service's port) and answers every request on its
 * own thread, one request per connection. Fails the test when the port cannot be bound. */
onb_fake_portfolio *onb_fake_portfolio_start(int port);
/* Answer for close calls naming ledger_id (default: ONB_FAKE_CLOSE_OTHER). */
void onb_fake_portfolio_set(onb_fake_portfolio *f, const char *ledger_id, onb_fake_answer answer);
/* Calls received so far for the ledger id, and the X-Request-Id of the last one ("" when none). */
int onb_fake_portfolio_calls(onb_fake_portfolio *f, const char *ledger_id, char *request_id, size_t cap);
/* Stops the thread and closes the socket. NULL accepted. */
void onb_fake_portfolio_stop(onb_fake_portfolio *f);

/* Port number of an "http://host:port" URL held in the environment variable url_var. */
int onb_url_port(const char *url_var);
