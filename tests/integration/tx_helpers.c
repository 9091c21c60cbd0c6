/* Helpers of the transaction-service integration tests (see tx_helpers.h). Everything goes through the
 * gateway except Redis control (FLUSHALL) and the Kafka consumer; nothing here starts or stops a
 * process. Test code only: failures end the current Criterion test. */
#include "tx_helpers.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <criterion/criterion.h>
#include <curl/curl.h>
#include <hiredis/hiredis.h>

#include "decimal/decimal.h"
#include "util/mem.h"

/* ---- requests ---------------------------------------------------------------------------------- */

void tx_req(const char *method, const char *path, const char *const *headers, const char *body,
            it_response *out)
{
    char *url = it_url("GATEWAY_URL", path);
    it_request(method, url, headers, body, body ? strlen(body) : 0, out);
    free(url);
}

void tx_lreq(const tx_fix *f, const char *method, const char *suffix, const char *const *headers,
             const char *body, it_response *out)
{
    char *path = xasprintf("%s%s", f->L, suffix);
    tx_req(method, path, headers, body, out);
    free(path);
}

void tx_lreqf(const tx_fix *f, const char *method, const char *body, it_response *out, const char *fmt, ...)
{
    va_list ap;
    strbuf sb = {0};
    va_start(ap, fmt);
    strbuf_vprintf(&sb, fmt, ap);
    va_end(ap);
    tx_lreq(f, method, sb.buf, NULL, body, out);
    strbuf_free(&sb);
}

/* ---- JSON --------------------------------------------------------------------------------------- */

json_object *tx_jget(json_object *o, const char *dotted)
{
    char *copy = xstrdup(dotted);
    char *save = NULL;
    json_object *cur = o;
    for (char *part = strtok_r(copy, ".", &save); part && cur; part = strtok_r(NULL, ".", &save)) {
        if (json_object_is_type(cur, json_type_array)) {
            char *end = NULL;
            long idx = strtol(part, &end, 10);
            cur = (*end == '\0' && idx >= 0 && (size_t)idx < json_object_array_length(cur))
                      ? json_object_array_get_idx(cur, (size_t)idx)
                      : NULL;
        } else if (!json_object_object_get_ex(cur, part, &cur)) {
            cur = NULL;
        }
    }
    free(copy);
    return cur;
}

const char *tx_jstr(json_object *o, const char *dotted)
{
    json_object *v = tx_jget(o, dotted);
    return json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

int64_t tx_jint(json_object *o, const char *dotted)
{
    json_object *v = tx_jget(o, dotted);
    return json_object_is_type(v, json_type_int) ? json_object_get_int64(v) : -1;
}

void tx_assert_error(it_response *r, long status, const char *code, const char *field)
{
    it_assert_error(r, status, code, NULL);
    if (field) {
        json_object *fields = NULL;
        bool has = json_object_object_get_ex(r->json, "fields", &fields) &&
                   json_object_object_get_ex(fields, field, NULL);
        cr_assert(has, "fields lacks \"%s\": %s", field, it_describe(r));
    }
}

bool tx_dec_eq(const char *a, const char *b)
{
    decimal x, y;
    if (!a || !b)
        return false;
    if (decimal_parse(a, strlen(a), &x) != DECIMAL_OK || decimal_parse(b, strlen(b), &y) != DECIMAL_OK)
        return false;
    return decimal_cmp(&x, &y) == 0;
}

/* ---- fixtures ------------------------------------------------------------------------------------ */

static char *create_id(const char *path, const char *body)
{
    it_response r;
    tx_req("POST", path, NULL, body, &r);
    cr_assert_eq(r.status, 201, "POST %s %s: %s", path, body, it_describe(&r));
    const char *id = it_json_str(&r, "id");
    cr_assert(id, "no id: %s", it_describe(&r));
    char *out = xstrdup(id);
    it_response_free(&r);
    return out;
}

void tx_fix_init(tx_fix *f, const char *const *asset_codes)
{
    memset(f, 0, sizeof(*f));
    char *org = create_id(
        "/v1/organizations",
        "{\"legalName\":\"Tx Test Org\",\"legalDocument\":\"42\",\"address\":{\"country\":\"US\"}}");
    char *path = xasprintf("/v1/organizations/%s/ledgers", org);
    char *ledger = create_id(path, "{\"name\":\"tx-test\"}");
    snprintf(f->org, sizeof(f->org), "%s", org);
    snprintf(f->ledger, sizeof(f->ledger), "%s", ledger);
    snprintf(f->L, sizeof(f->L), "/v1/organizations/%s/ledgers/%s", org, ledger);
    free(path);
    free(org);
    free(ledger);
    for (size_t i = 0; asset_codes && asset_codes[i]; i++) {
        char *apath = xasprintf("%s/assets", f->L);
        char *body = xasprintf("{\"name\":\"Asset %s\",\"type\":\"crypto\",\"code\":\"%s\"}", asset_codes[i],
                               asset_codes[i]);
        free(create_id(apath, body));
        free(apath);
        free(body);
    }
}

char *tx_account(const tx_fix *f, const char *asset, const char *alias, const char *type, const char *extra)
{
    char *path = xasprintf("%s/accounts", f->L);
    char *body = xasprintf("{\"assetCode\":\"%s\",\"type\":\"%s\",\"alias\":\"%s\"%s%s}", asset, type, alias,
                           extra ? "," : "", extra ? extra : "");
    char *id = create_id(path, body);
    free(path);
    free(body);
    return id;
}

/* ---- money ---------------------------------------------------------------------------------------- */

void tx_fund(const tx_fix *f, const char *asset, const char *alias, const char *value)
{
    it_response r;
    char *body =
        xasprintf("{\"send\":{\"asset\":\"%s\",\"value\":\"%s\",\"distribute\":{\"to\":[{\"accountAlias\":"
                  "\"%s\",\"amount\":{\"asset\":\"%s\",\"value\":\"%s\"}}]}}}",
                  asset, value, alias, asset, value);
    tx_lreq(f, "POST", "/transactions/inflow", NULL, body, &r);
    cr_assert_eq(r.status, 201, "fund %s %s: %s", alias, value, it_describe(&r));
    it_response_free(&r);
    free(body);
}

long tx_transfer(const tx_fix *f, const char *asset, const char *from, const char *to, const char *value,
                 it_response *out)
{
    char *body =
        xasprintf("{\"send\":{\"asset\":\"%s\",\"value\":\"%s\",\"source\":{\"from\":[{\"accountAlias\":"
                  "\"%s\",\"amount\":{\"asset\":\"%s\",\"value\":\"%s\"}}]},\"distribute\":{\"to\":[{"
                  "\"accountAlias\":\"%s\",\"amount\":{\"asset\":\"%s\",\"value\":\"%s\"}}]}}}",
                  asset, value, from, asset, value, to, asset, value);
    tx_lreq(f, "POST", "/transactions/json", NULL, body, out);
    free(body);
    return out->status;
}

json_object *tx_balance(const tx_fix *f, const char *alias, const char *key)
{
    it_response r;
    char *esc = curl_easy_escape(NULL, alias, 0);
    char *suffix = xasprintf("/accounts/alias/%s/balances?limit=100", esc);
    tx_lreq(f, "GET", suffix, NULL, NULL, &r);
    cr_assert_eq(r.status, 200, "balances of %s: %s", alias, it_describe(&r));
    json_object *items = tx_jget(r.json, "items");
    json_object *found = NULL;
    for (size_t i = 0; items && i < json_object_array_length(items); i++) {
        json_object *b = json_object_array_get_idx(items, i);
        const char *k = tx_jstr(b, "key");
        if (k && strcmp(k, key ? key : "default") == 0)
            found = json_object_get(b);
    }
    cr_assert(found, "no balance %s of %s: %s", key ? key : "default", alias, it_describe(&r));
    it_response_free(&r);
    free(suffix);
    curl_free(esc);
    return found;
}

void tx_expect_available(const tx_fix *f, const char *alias, const char *key, const char *want)
{
    json_object *b = tx_balance(f, alias, key);
    const char *got = tx_jstr(b, "available");
    cr_expect(got && strcmp(got, want) == 0, "available of %s#%s: want %s, got %s", alias,
              key ? key : "default", want, got ? got : "(none)");
    json_object_put(b);
}

/* ---- parallel ---------------------------------------------------------------------------------- */

typedef struct par_shared {
    const tx_par_req *reqs;
    tx_par_res *res;
    size_t n;
    size_t next;
    pthread_mutex_t mu;
    pthread_barrier_t start;
    const char *base;
} par_shared;

typedef struct par_sink {
    strbuf body;
    char replayed[8];
} par_sink;

static size_t par_on_body(char *data, size_t size, size_t nmemb, void *userdata)
{
    par_sink *s = userdata;
    strbuf_append(&s->body, data, size * nmemb);
    return size * nmemb;
}

static size_t par_on_header(char *data, size_t size, size_t nmemb, void *userdata)
{
    par_sink *s = userdata;
    size_t len = size * nmemb;
    static const char name[] = "x-idempotency-replayed:";
    if (len > sizeof(name) - 1 && strncasecmp(data, name, sizeof(name) - 1) == 0) {
        const char *v = data + sizeof(name) - 1;
        while (*v == ' ')
            v++;
        size_t k = 0;
        while (k + 1 < sizeof(s->replayed) && v[k] && v[k] != '\r' && v[k] != '\n')
            k++;
        memcpy(s->replayed, v, k);
        s->replayed[k] = '\0';
    }
    return len;
}

static void *par_worker(void *arg)
{
    par_shared *sh = arg;
    CURL *h = curl_easy_init();
    pthread_barrier_wait(&sh->start);
    for (;;) {
        pthread_mutex_lock(&sh->mu);
        size_t i = sh->next++;
        pthread_mutex_unlock(&sh->mu);
        if (i >= sh->n)
            break;
        const tx_par_req *q = &sh->reqs[i];
        tx_par_res *o = &sh->res[i];
        par_sink sink = {0};
        struct curl_slist *hl = curl_slist_append(NULL, "Expect:");
        hl = curl_slist_append(hl, "Content-Type: application/json");
        for (size_t k = 0; q->headers && q->headers[k]; k++)
            hl = curl_slist_append(hl, q->headers[k]);
        char *url = xasprintf("%s%s", sh->base, q->path);
        curl_easy_reset(h);
        curl_easy_setopt(h, CURLOPT_URL, url);
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, q->method);
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, par_on_body);
        curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
        curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, par_on_header);
        curl_easy_setopt(h, CURLOPT_HEADERDATA, &sink);
        curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 60000L);
        curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
        if (q->body) {
            curl_easy_setopt(h, CURLOPT_POSTFIELDS, q->body);
            curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(q->body));
        }
        o->status = 0;
        if (curl_easy_perform(h) == CURLE_OK)
            curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &o->status);
        o->body = sink.body.buf ? strbuf_steal(&sink.body) : xstrdup("");
        snprintf(o->replayed, sizeof(o->replayed), "%s", sink.replayed);
        o->code[0] = '\0';
        json_object *j = json_tokener_parse(o->body);
        const char *code = json_object_is_type(j, json_type_object) && o->status >= 400
                               ? json_object_get_string(json_object_object_get(j, "code"))
                               : NULL;
        if (code)
            snprintf(o->code, sizeof(o->code), "%s", code);
        json_object_put(j);
        free(url);
        curl_slist_free_all(hl);
        strbuf_free(&sink.body);
    }
    curl_easy_cleanup(h);
    return NULL;
}

void tx_parallel(size_t n, const tx_par_req *reqs, size_t threads, tx_par_res *res)
{
    it_response warm;
    /* it_http initialises libcurl once in this thread before the workers exist */
    tx_req("GET", "/health", NULL, NULL, &warm);
    it_response_free(&warm);
    par_shared sh = {.reqs = reqs, .res = res, .n = n, .base = it_env("GATEWAY_URL")};
    pthread_t *tids = xcalloc(threads, sizeof(*tids));
    memset(res, 0, n * sizeof(*res));
    pthread_mutex_init(&sh.mu, NULL);
    pthread_barrier_init(&sh.start, NULL, (unsigned)threads);
    for (size_t i = 0; i < threads; i++)
        pthread_create(&tids[i], NULL, par_worker, &sh);
    for (size_t i = 0; i < threads; i++)
        pthread_join(tids[i], NULL);
    pthread_barrier_destroy(&sh.start);
    pthread_mutex_destroy(&sh.mu);
    free(tids);
}

void tx_par_free(tx_par_res *res, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(res[i].body);
        res[i].body = NULL;
    }
}

/* ---- Redis --------------------------------------------------------------------------------------- */

void tx_redis_flushall(void)
{
    const char *url = it_env("REDIS_URL");
    char host[128] = "127.0.0.1";
    int port = 6379;
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    const char *at = strchr(p, '@');
    if (at)
        p = at + 1;
    const char *colon = strchr(p, ':');
    if (colon) {
        snprintf(host, sizeof(host), "%.*s", (int)(colon - p), p);
        port = atoi(colon + 1);
    }
    struct timeval tv = {2, 0};
    redisContext *ctx = redisConnectWithTimeout(host, port, tv);
    cr_assert(ctx && !ctx->err, "cannot connect to Redis at %s:%d", host, port);
    redisReply *rep = redisCommand(ctx, "FLUSHALL");
    cr_assert(rep && rep->type == REDIS_REPLY_STATUS, "FLUSHALL failed");
    freeReplyObject(rep);
    redisFree(ctx);
}

/* ---- events ---------------------------------------------------------------------------------------- */

static bool ledger_pred(const it_kafka_record *rec, void *arg)
{
    const char *l = it_kafka_header_get(rec, "ce_ledgerid");
    return l && strcmp(l, (const char *)arg) == 0;
}

void tx_events_for_ledger(it_kafka_consumer *c, const char *ledger, size_t expected, long timeout_ms,
                          long settle_ms, it_kafka_record **recs, size_t *n)
{
    int64_t deadline = it_now_ms() + timeout_ms;
    while (*n < expected && it_now_ms() < deadline)
        it_kafka_collect(c, ledger_pred, (void *)ledger, 500, expected, recs, n);
    if (settle_ms > 0)
        it_kafka_collect(c, ledger_pred, (void *)ledger, settle_ms, 0, recs, n);
}

size_t tx_events_count(const it_kafka_record *recs, size_t n, const char *ce_type, const char *subject)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const char *t = it_kafka_header_get(&recs[i], "ce_type");
        const char *s = it_kafka_header_get(&recs[i], "ce_subject");
        if (t && strcmp(t, ce_type) == 0 && (!subject || (s && strcmp(s, subject) == 0)))
            k++;
    }
    return k;
}

const it_kafka_record *tx_events_find(const it_kafka_record *recs, size_t n, const char *ce_type,
                                      const char *subject)
{
    for (size_t i = 0; i < n; i++) {
        const char *t = it_kafka_header_get(&recs[i], "ce_type");
        const char *s = it_kafka_header_get(&recs[i], "ce_subject");
        if (t && strcmp(t, ce_type) == 0 && (!subject || (s && strcmp(s, subject) == 0)))
            return &recs[i];
    }
    return NULL;
}
