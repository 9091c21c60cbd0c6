/* Integration-test helpers: stack environment, libcurl requests, polling waits, stack control, a
 * librdkafka consumer and a libpq runner (see harness.h). It talks to an already running stack and
 * must never start servers itself or wait with fixed sleeps where a condition can be polled. */
#include "harness.h"

#include <ctype.h>
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>

#include <criterion/criterion.h>
#include <curl/curl.h>
#include <librdkafka/rdkafka.h>

#include "util/mem.h"
#include "uuid/uuid.h"

/* ---- environment ------------------------------------------------------------------------------- */

const char *it_env(const char *name)
{
    const char *v = getenv(name);
    if (v == NULL || v[0] == '\0')
        cr_assert_fail("environment variable %s is not set: run the integration tests through "
                       "scripts/test.sh, or export $STATE_DIR/stack.env of a running scripts/stack.sh",
                       name);
    return v;
}

char *it_url(const char *url_var, const char *path)
{
    const char *base = it_env(url_var);
    size_t n = strlen(base);
    while (n > 0 && base[n - 1] == '/')
        n--;
    return xasprintf("%.*s%s", (int)n, base, path);
}

/* ---- time -------------------------------------------------------------------------------------- */

int64_t it_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void it_sleep_ms(long ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* ---- HTTP -------------------------------------------------------------------------------------- */

static size_t on_body(char *data, size_t size, size_t nmemb, void *userdata)
{
    strbuf *sb = userdata;
    strbuf_append(sb, data, size * nmemb);
    return size * nmemb;
}

typedef struct header_sink {
    it_header *items;
    size_t n;
    size_t cap;
} header_sink;

static void header_sink_clear(header_sink *hs)
{
    for (size_t i = 0; i < hs->n; i++) {
        free(hs->items[i].name);
        free(hs->items[i].value);
    }
    hs->n = 0;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *userdata)
{
    header_sink *hs = userdata;
    size_t len = size * nmemb;
    const char *colon = NULL;
    size_t vs = 0;
    size_t ve = len;

    /* A status line starts a new response: keep only the headers of the final one (drops 100). */
    if (len >= 5 && strncmp(data, "HTTP/", 5) == 0) {
        header_sink_clear(hs);
        return len;
    }
    colon = memchr(data, ':', len);
    if (colon == NULL)
        return len; /* the blank line ending the block */
    vs = (size_t)(colon - data) + 1;
    while (vs < len && (data[vs] == ' ' || data[vs] == '\t'))
        vs++;
    while (ve > vs && (data[ve - 1] == '\r' || data[ve - 1] == '\n' || data[ve - 1] == ' '))
        ve--;
    if (hs->n == hs->cap) {
        hs->cap = hs->cap ? hs->cap * 2 : 16;
        hs->items = xrealloc(hs->items, hs->cap * sizeof(*hs->items));
    }
    hs->items[hs->n].name = xstrndup(data, (size_t)(colon - data));
    hs->items[hs->n].value = xstrndup(data + vs, ve - vs);
    hs->n++;
    return len;
}

static void curl_init_once(void)
{
    static bool done = false;
    if (!done) {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        done = true;
    }
}

int it_http(const char *method, const char *url, const char *const *headers, const char *body,
            size_t body_len, long timeout_ms, it_response *out)
{
    CURL *h = NULL;
    struct curl_slist *hl = NULL;
    strbuf sb = {0};
    header_sink hs = {0};
    CURLcode rc = CURLE_OK;
    int ret = -1;
    int64_t t0 = it_now_ms();

    memset(out, 0, sizeof(*out));
    curl_init_once();
    h = curl_easy_init();
    if (h == NULL) {
        snprintf(out->error, sizeof(out->error), "curl_easy_init failed");
        goto cleanup;
    }
    for (size_t i = 0; headers != NULL && headers[i] != NULL; i++)
        hl = curl_slist_append(hl, headers[i]);
    hl = curl_slist_append(hl, "Expect:"); /* send bodies at once, as most clients do */

    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &sb);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &hs);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms > 0 ? timeout_ms : 30000L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, out->error);
    curl_easy_setopt(h, CURLOPT_PATH_AS_IS, 1L); /* keep "//" and "/../" as written */
    if (strcmp(method, "HEAD") == 0) {
        curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    } else if (strcmp(method, "GET") != 0 || body != NULL) {
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    }
    if (body != NULL) {
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
    }

    rc = curl_easy_perform(h);
    out->elapsed_s = (double)(it_now_ms() - t0) / 1000.0;
    if (rc != CURLE_OK) {
        if (out->error[0] == '\0')
            snprintf(out->error, sizeof(out->error), "%s", curl_easy_strerror(rc));
        out->status = 0;
    } else {
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &out->status);
        ret = 0;
    }

cleanup:
    out->body_len = sb.len;
    out->body = sb.buf != NULL ? strbuf_steal(&sb) : xstrdup("");
    out->headers = hs.items;
    out->n_headers = hs.n;
    if (out->body_len > 0)
        out->json = json_tokener_parse(out->body);
    curl_slist_free_all(hl);
    if (h != NULL)
        curl_easy_cleanup(h);
    return ret;
}

void it_request(const char *method, const char *url, const char *const *headers, const char *body,
                size_t body_len, it_response *out)
{
    if (it_http(method, url, headers, body, body_len, 0, out) < 0)
        cr_assert_fail("%s %s: transfer failed after %.3f s: %s", method, url, out->elapsed_s,
                       out->error);
}

void it_get(const char *url, it_response *out)
{
    it_request("GET", url, NULL, NULL, 0, out);
}

const char *it_header_get(const it_response *r, const char *name)
{
    for (size_t i = 0; i < r->n_headers; i++)
        if (strcasecmp(r->headers[i].name, name) == 0)
            return r->headers[i].value;
    return NULL;
}

size_t it_header_count(const it_response *r, const char *name)
{
    size_t n = 0;
    for (size_t i = 0; i < r->n_headers; i++)
        if (strcasecmp(r->headers[i].name, name) == 0)
            n++;
    return n;
}

const char *it_json_str(const it_response *r, const char *member)
{
    json_object *v = NULL;
    if (r->json == NULL || !json_object_is_type(r->json, json_type_object))
        return NULL;
    if (!json_object_object_get_ex(r->json, member, &v) || !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

const char *it_json_path_str(const it_response *r, const char *dotted)
{
    json_object *cur = r->json;
    const char *p = dotted;

    while (cur != NULL) {
        const char *dot = strchr(p, '.');
        size_t n = dot != NULL ? (size_t)(dot - p) : strlen(p);
        char key[128];
        json_object *next = NULL;

        if (!json_object_is_type(cur, json_type_object) || n >= sizeof(key))
            return NULL;
        memcpy(key, p, n);
        key[n] = '\0';
        if (!json_object_object_get_ex(cur, key, &next))
            return NULL;
        if (dot == NULL)
            return json_object_is_type(next, json_type_string) ? json_object_get_string(next) : NULL;
        cur = next;
        p = dot + 1;
    }
    return NULL;
}

const char *it_describe(it_response *r)
{
    strbuf sb = {0};
    size_t shown = r->body_len < 2048 ? r->body_len : 2048;

    free(r->summary);
    strbuf_printf(&sb, "\n  HTTP %ld after %.3f s%s%s\n", r->status, r->elapsed_s,
                  r->status == 0 ? ", transfer error: " : "", r->status == 0 ? r->error : "");
    for (size_t i = 0; i < r->n_headers; i++)
        strbuf_printf(&sb, "  %s: %s\n", r->headers[i].name, r->headers[i].value);
    strbuf_printf(&sb, "  body (%zu bytes): %.*s%s", r->body_len, (int)shown,
                  r->body != NULL ? r->body : "", shown < r->body_len ? "..." : "");
    r->summary = strbuf_steal(&sb);
    return r->summary;
}

void it_response_free(it_response *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; i < r->n_headers; i++) {
        free(r->headers[i].name);
        free(r->headers[i].value);
    }
    free(r->headers);
    free(r->body);
    free(r->summary);
    if (r->json != NULL)
        json_object_put(r->json);
    memset(r, 0, sizeof(*r));
}

void it_assert_error(it_response *r, long status, const char *code, const char *title)
{
    const char *ct = it_header_get(r, "Content-Type");
    const char *got_code = it_json_str(r, "code");
    const char *got_title = it_json_str(r, "title");
    const char *msg = it_json_str(r, "message");

    cr_assert_eq(r->status, status, "expected HTTP %ld, got: %s", status, it_describe(r));
    cr_assert(ct != NULL && strncasecmp(ct, "application/json", 16) == 0,
              "expected Content-Type application/json, got: %s", it_describe(r));
    cr_assert(r->json != NULL && json_object_is_type(r->json, json_type_object),
              "expected a JSON object body, got: %s", it_describe(r));
    cr_assert(got_code != NULL && strcmp(got_code, code) == 0, "expected code \"%s\", got: %s", code,
              it_describe(r));
    if (title != NULL)
        cr_assert(got_title != NULL && strcmp(got_title, title) == 0, "expected title \"%s\", got: %s",
                  title, it_describe(r));
    else
        cr_assert(got_title != NULL && got_title[0] != '\0', "expected a title, got: %s", it_describe(r));
    cr_assert(msg != NULL && msg[0] != '\0', "expected a non-empty message, got: %s", it_describe(r));
    if (status >= 500)
        cr_assert_str_eq(msg, "internal error", "5xx message must be \"internal error\": %s",
                         it_describe(r));
}

/* ---- polling waits ----------------------------------------------------------------------------- */

bool it_wait_until(const char *url, long timeout_ms, it_response_pred pred, void *arg, it_response *last)
{
    int64_t deadline = it_now_ms() + timeout_ms;
    it_response r;
    bool ok = false;

    memset(&r, 0, sizeof(r));
    for (;;) {
        it_response_free(&r);
        /* a transfer error is just "not yet": keep polling until the deadline */
        (void)!it_http("GET", url, NULL, NULL, 0, 3000, &r);
        if (pred(&r, arg)) {
            ok = true;
            break;
        }
        if (it_now_ms() >= deadline)
            break;
        it_sleep_ms(100);
    }
    if (last != NULL)
        *last = r;
    else
        it_response_free(&r);
    return ok;
}

static bool status_is(const it_response *r, void *arg)
{
    return r->status == *(const long *)arg;
}

bool it_wait_status(const char *url, long want, long timeout_ms, it_response *last)
{
    return it_wait_until(url, timeout_ms, status_is, &want, last);
}

/* ---- stack control ----------------------------------------------------------------------------- */

int it_stack(const char *verb, const char *component)
{
    const char *ctl = it_env("STACK_CTL");
    const char *state = it_env("STATE_DIR");
    char *cmd = NULL;
    int st = -1;
    int rc = -1;

    /* Arguments are fixed words chosen by the tests; quote the paths anyway. */
    cmd = xasprintf("STATE_DIR='%s' '%s' %s %s", state, ctl, verb, component);
    fprintf(stderr, "[it] %s %s ...\n", verb, component);
    st = system(cmd);
    if (st != -1 && WIFEXITED(st))
        rc = WEXITSTATUS(st);
    fprintf(stderr, "[it] %s %s -> %d\n", verb, component, rc);
    free(cmd);
    return rc;
}

void it_dump_log(const char *component, int max_lines)
{
    const char *state = getenv("STATE_DIR");
    const char *layouts[] = {"%s/logs/%s.log", "%s/log/%s.log", "%s/%s.log", "%s/%s/%s.log"};
    FILE *f = NULL;
    char path[1024];
    char *buf = NULL;
    long size = 0;
    long from = 0;
    size_t got = 0;
    size_t start = 0;
    int lines = 0;

    if (state == NULL)
        return;
    for (size_t i = 0; i < ARRAY_LEN(layouts) && f == NULL; i++) {
        if (i == 3)
            snprintf(path, sizeof(path), layouts[i], state, component, component);
        else
            snprintf(path, sizeof(path), layouts[i], state, component);
        f = fopen(path, "rb");
    }
    if (f == NULL) {
        fprintf(stderr, "[it] no log found for %s under %s\n", component, state);
        return;
    }
    fseek(f, 0, SEEK_END);
    size = ftell(f);
    from = size > 65536 ? size - 65536 : 0;
    fseek(f, from, SEEK_SET);
    buf = xmalloc((size_t)(size - from) + 1);
    got = fread(buf, 1, (size_t)(size - from), f);
    buf[got] = '\0';
    fclose(f);
    /* find the start of the last max_lines lines (a final newline does not count) */
    start = got > 0 ? got - 1 : 0;
    while (start > 0) {
        if (buf[start - 1] == '\n' && ++lines >= max_lines)
            break;
        start--;
    }
    fprintf(stderr, "[it] ---- last lines of %s ----\n%s[it] ---- end of %s ----\n", path, buf + start,
            component);
    free(buf);
}

/* ---- text checks ------------------------------------------------------------------------------- */

static bool matches(const char *re_text, const char *s)
{
    regex_t re;
    bool ok = false;

    if (s == NULL)
        return false;
    if (regcomp(&re, re_text, REG_EXTENDED | REG_NOSUB) != 0)
        return false;
    ok = regexec(&re, s, 0, NULL, 0) == 0;
    regfree(&re);
    return ok;
}

bool it_is_rfc3339(const char *s)
{
    return matches("^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:"
                   "([0-5][0-9]|60)(\\.[0-9]+)?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$",
                   s);
}

bool it_is_rfc3339_micro_z(const char *s)
{
    return matches("^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:"
                   "[0-5][0-9]\\.[0-9]{6}Z$",
                   s);
}

bool it_is_uuid(const char *s, int version)
{
    if (!matches("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", s))
        return false;
    return version == 0 || s[14] == "0123456789abcdef"[version & 0xf];
}

/* ---- Kafka ------------------------------------------------------------------------------------- */

struct it_kafka_consumer {
    rd_kafka_t *rk;
    char topic[256];
    bool reported_error;
};

static void kconf_set(rd_kafka_conf_t *conf, const char *k, const char *v)
{
    char err[256];
    if (rd_kafka_conf_set(conf, k, v, err, sizeof(err)) != RD_KAFKA_CONF_OK)
        cr_assert_fail("librdkafka refused %s=%s: %s", k, v, err);
}

it_kafka_consumer *it_kafka_consumer_new(const char *topic)
{
    const char *brokers = it_env("KAFKA_BROKERS");
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    rd_kafka_topic_partition_list_t *subs = NULL;
    it_kafka_consumer *c = xcalloc(1, sizeof(*c));
    char group[64];
    char uuid[37];
    char err[512];
    rd_kafka_resp_err_t kerr;

    uuid_v4_str(uuid);
    snprintf(group, sizeof(group), "it-%s", uuid);
    kconf_set(conf, "bootstrap.servers", brokers);
    kconf_set(conf, "group.id", group);
    kconf_set(conf, "auto.offset.reset", "earliest");
    kconf_set(conf, "enable.auto.commit", "false");
    kconf_set(conf, "enable.auto.offset.store", "false");
    kconf_set(conf, "allow.auto.create.topics", "false");
    kconf_set(conf, "topic.metadata.refresh.interval.ms", "1000"); /* see the topic soon if created late */
    kconf_set(conf, "session.timeout.ms", "6000");
    kconf_set(conf, "log_level", "4");
    c->rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof(err));
    cr_assert(c->rk != NULL, "rd_kafka_new: %s", err);
    rd_kafka_poll_set_consumer(c->rk);
    snprintf(c->topic, sizeof(c->topic), "%s", topic);
    subs = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(subs, topic, RD_KAFKA_PARTITION_UA);
    kerr = rd_kafka_subscribe(c->rk, subs);
    rd_kafka_topic_partition_list_destroy(subs);
    cr_assert(kerr == RD_KAFKA_RESP_ERR_NO_ERROR, "subscribe %s: %s", topic, rd_kafka_err2str(kerr));
    fprintf(stderr, "[it] kafka consumer group %s subscribed to %s on %s\n", group, topic, brokers);
    return c;
}

void it_kafka_consumer_free(it_kafka_consumer *c)
{
    if (c == NULL)
        return;
    if (c->rk != NULL) {
        rd_kafka_consumer_close(c->rk);
        rd_kafka_destroy(c->rk);
    }
    free(c);
}

static char *dup_bytes(const void *p, size_t n)
{
    char *s = NULL;
    if (p == NULL)
        return NULL;
    s = xmalloc(n + 1);
    memcpy(s, p, n);
    s[n] = '\0';
    return s;
}

static void record_from_message(const rd_kafka_message_t *m, it_kafka_record *rec)
{
    rd_kafka_headers_t *hdrs = NULL;

    memset(rec, 0, sizeof(*rec));
    rec->topic = xstrdup(rd_kafka_topic_name(m->rkt));
    rec->partition = m->partition;
    rec->offset = m->offset;
    rec->key = dup_bytes(m->key, m->key_len);
    rec->key_len = m->key_len;
    rec->value = dup_bytes(m->payload, m->len);
    rec->value_len = m->len;
    if (rd_kafka_message_headers(m, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR && hdrs != NULL) {
        size_t cnt = rd_kafka_header_cnt(hdrs);
        rec->headers = xcalloc(cnt > 0 ? cnt : 1, sizeof(*rec->headers));
        for (size_t i = 0; i < cnt; i++) {
            const char *name = NULL;
            const void *val = NULL;
            size_t size = 0;
            if (rd_kafka_header_get_all(hdrs, i, &name, &val, &size) != RD_KAFKA_RESP_ERR_NO_ERROR)
                break;
            rec->headers[i].name = xstrdup(name);
            rec->headers[i].value = dup_bytes(val, size);
            rec->headers[i].value_len = size;
            rec->n_headers++;
        }
    }
}

static void record_free(it_kafka_record *rec)
{
    free(rec->topic);
    free(rec->key);
    free(rec->value);
    for (size_t i = 0; i < rec->n_headers; i++) {
        free(rec->headers[i].name);
        free(rec->headers[i].value);
    }
    free(rec->headers);
}

size_t it_kafka_collect(it_kafka_consumer *c, it_record_pred pred, void *arg, long timeout_ms,
                        size_t stop_at, it_kafka_record **recs, size_t *n)
{
    int64_t deadline = it_now_ms() + timeout_ms;
    size_t added = 0;

    while (it_now_ms() < deadline && (stop_at == 0 || *n < stop_at)) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(c->rk, 100);
        it_kafka_record rec;

        if (m == NULL)
            continue;
        if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            /* Transient (unknown topic before creation, broker restarts): report once, keep polling. */
            if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF && !c->reported_error) {
                fprintf(stderr, "[it] kafka consumer of %s: %s\n", c->topic, rd_kafka_message_errstr(m));
                c->reported_error = true;
            }
            rd_kafka_message_destroy(m);
            continue;
        }
        record_from_message(m, &rec);
        rd_kafka_message_destroy(m);
        if (pred != NULL && !pred(&rec, arg)) {
            record_free(&rec);
            continue;
        }
        *recs = xrealloc(*recs, (*n + 1) * sizeof(**recs));
        (*recs)[(*n)++] = rec;
        added++;
    }
    return added;
}

void it_kafka_records_free(it_kafka_record *recs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        record_free(&recs[i]);
    free(recs);
}

const char *it_kafka_header_get(const it_kafka_record *rec, const char *name)
{
    for (size_t i = 0; i < rec->n_headers; i++)
        if (strcmp(rec->headers[i].name, name) == 0)
            return rec->headers[i].value;
    return NULL;
}

size_t it_kafka_header_count(const it_kafka_record *rec, const char *name)
{
    size_t cnt = 0;
    for (size_t i = 0; i < rec->n_headers; i++)
        if (strcmp(rec->headers[i].name, name) == 0)
            cnt++;
    return cnt;
}

bool it_record_has_ce_id(const it_kafka_record *rec, void *arg)
{
    const char *id = it_kafka_header_get(rec, "ce_id");
    return id != NULL && strcmp(id, (const char *)arg) == 0;
}

/* ---- PostgreSQL -------------------------------------------------------------------------------- */

PGresult *it_pg_exec(const char *url_var, const char *sql, int nparams, const char *const *params)
{
    const char *url = it_env(url_var);
    PGconn *conn = PQconnectdb(url);
    PGresult *res = NULL;
    ExecStatusType st;
    char msg[1024];

    if (PQstatus(conn) != CONNECTION_OK) {
        snprintf(msg, sizeof(msg), "%s", PQerrorMessage(conn));
        PQfinish(conn);
        cr_assert_fail("cannot connect with %s: %s", url_var, msg);
    }
    res = PQexecParams(conn, sql, nparams, NULL, params, NULL, NULL, 0);
    st = PQresultStatus(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        snprintf(msg, sizeof(msg), "%s", PQresultErrorMessage(res));
        PQclear(res);
        PQfinish(conn);
        cr_assert_fail("statement failed (%s): %s\n  SQL: %s", PQresStatus(st), msg, sql);
    }
    PQfinish(conn);
    return res;
}
