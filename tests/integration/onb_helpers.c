/* Helpers of the onboarding integration tests (see onb_helpers.h). Test code: it may fail the current
 * Criterion test from the main thread, but never from its worker threads (parallel requests, the
 * stand-in portfolio service), which only record what happened. */
#include "onb_helpers.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <curl/curl.h>

#include "util/mem.h"

#define ONB_DEFAULT_TOPIC "midaz.onboarding.events"

const char *onb_topic(void)
{
    const char *t = getenv("ONBOARDING_KAFKA_TOPIC");
    return t && *t ? t : ONB_DEFAULT_TOPIC;
}

/* ---- requests ---------------------------------------------------------------------------------- */

void onb_req_h(const char *method, const char *path, const char *const *headers, const char *body,
               it_response *out)
{
    char *url = it_url("GATEWAY_URL", path);
    const char *hdrs[16];
    size_t n = 0;

    hdrs[n++] = "Content-Type: application/json";
    for (size_t i = 0; headers && headers[i] && n < ARRAY_LEN(hdrs) - 1; i++)
        hdrs[n++] = headers[i];
    hdrs[n] = NULL;
    it_request(method, url, hdrs, body, body ? strlen(body) : 0, out);
    free(url);
}

void onb_req(const char *method, const char *path, const char *body, it_response *out)
{
    onb_req_h(method, path, NULL, body, out);
}

void onb_reqf(const char *method, const char *body, it_response *out, const char *fmt, ...)
{
    va_list ap;
    char *path = NULL;

    va_start(ap, fmt);
    if (vasprintf(&path, fmt, ap) < 0)
        path = NULL;
    va_end(ap);
    cr_assert_not_null(path, "out of memory");
    onb_req(method, path, body, out);
    free(path);
}

char *onb_create_org(const char *body)
{
    it_response r;
    char *id = NULL;

    onb_req("POST", "/v1/organizations",
            body ? body : "{\"legalName\":\"Onboarding Test Org\",\"legalDocument\":\"00000000000100\"}", &r);
    cr_assert_eq(r.status, 201, "organization create: %s", it_describe(&r));
    cr_assert_not_null(it_json_str(&r, "id"), "organization create: no id: %s", it_describe(&r));
    id = xstrdup(it_json_str(&r, "id"));
    it_response_free(&r);
    return id;
}

char *onb_create_ledger(const char *org_id, const char *name, const char *extra_members)
{
    it_response r;
    char *id = NULL;
    json_object *n = json_object_new_string(name);
    char *body = xasprintf("{\"name\":%s%s%s}", json_object_to_json_string(n), extra_members ? "," : "",
                           extra_members ? extra_members : "");

    json_object_put(n);
    onb_reqf("POST", body, &r, "/v1/organizations/%s/ledgers", org_id);
    cr_assert_eq(r.status, 201, "ledger create %s: %s", body, it_describe(&r));
    cr_assert_not_null(it_json_str(&r, "id"), "ledger create: no id: %s", it_describe(&r));
    id = xstrdup(it_json_str(&r, "id"));
    it_response_free(&r);
    free(body);
    return id;
}

/* ---- JSON -------------------------------------------------------------------------------------- */

/* Walks a dotted path; *present tells whether the last member exists (even as null). */
static json_object *onb_walk(json_object *obj, const char *dotted, bool *present)
{
    char *copy = xstrdup(dotted);
    char *save = NULL;
    json_object *cur = obj;
    bool ok = true;

    for (char *tok = strtok_r(copy, ".", &save); tok; tok = strtok_r(NULL, ".", &save)) {
        json_object *next = NULL;
        if (!json_object_is_type(cur, json_type_object) || !json_object_object_get_ex(cur, tok, &next)) {
            ok = false;
            cur = NULL;
            break;
        }
        cur = next;
    }
    free(copy);
    if (present)
        *present = ok;
    return ok ? cur : NULL;
}

json_object *onb_jget(json_object *obj, const char *dotted)
{
    return onb_walk(obj, dotted, NULL);
}

const char *onb_jstr(json_object *obj, const char *dotted)
{
    json_object *v = onb_walk(obj, dotted, NULL);
    return json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

bool onb_jnull(json_object *obj, const char *dotted)
{
    bool present = false;
    json_object *v = onb_walk(obj, dotted, &present);
    return present && v == NULL;
}

json_object *onb_parse(const char *text)
{
    enum json_tokener_error err = json_tokener_success;
    json_object *o = json_tokener_parse_verbose(text, &err);
    cr_assert(err == json_tokener_success, "not JSON (%s): %.300s", json_tokener_error_desc(err), text);
    return o;
}

/* Catalogue titles (api.md "Errors") of the codes these tests expect. */
static const struct {
    const char *code;
    const char *title;
} onb_titles[] = {
    {"0002", "Ledger Name Conflict"},
    {"0007", "Entity Not Found"},
    {"0008", "Action Not Permitted"},
    {"0009", "Missing Fields in Request"},
    {"0032", "Invalid Country Code"},
    {"0037", "Ledger ID Not Found"},
    {"0038", "Organization ID Not Found"},
    {"0039", "Parent Organization ID Not Found"},
    {"0047", "Bad Request"},
    {"0050", "Metadata Key Length Exceeded"},
    {"0051", "Metadata Value Length Exceeded"},
    {"0053", "Unexpected Fields in the Request"},
    {"0065", "Invalid Path Parameter"},
    {"0067", "Invalid Metadata Nesting"},
    {"0077", "Invalid Date Format Error"},
    {"0078", "Invalid Final Date Error"},
    {"0080", "Pagination Limit Exceeded"},
    {"0081", "Invalid Sort Order"},
    {"0082", "Invalid Query Parameter"},
    {"0083", "Invalid Date Range Error"},
    {"0091", "ID cannot be used as the parent ID"},
    {"0094", "Unmarshalling error"},
    {"0131", "Invalid Datetime Format Error"},
    {"0144", "JSON Nesting Depth Exceeded"},
    {"0484", "Route Not Found"},
    {"0485", "Method Not Allowed"},
    {"0901", "Service Unavailable"},
};

void onb_assert_error(it_response *r, long status, const char *code, const char *field)
{
    const char *title = NULL;

    for (size_t i = 0; i < ARRAY_LEN(onb_titles); i++)
        if (strcmp(onb_titles[i].code, code) == 0)
            title = onb_titles[i].title;
    it_assert_error(r, status, code, title);
    if (field) {
        json_object *fields = onb_jget(r->json, "fields");
        cr_assert(json_object_is_type(fields, json_type_object) &&
                      json_object_object_get_ex(fields, field, NULL),
                  "error %s: fields must name %s: %s", code, field, it_describe(r));
    }
}

/* ---- parallel requests ------------------------------------------------------------------------- */

typedef struct onb_par_job {
    const char *method;
    char *url;
    const char *body;
    pthread_barrier_t *barrier;
    onb_par_result *result;
    strbuf resp;
} onb_par_job;

static size_t onb_par_write(char *data, size_t size, size_t nmemb, void *arg)
{
    onb_par_job *job = arg;
    strbuf_append(&job->resp, data, size * nmemb);
    return size * nmemb;
}

static void *onb_par_run(void *arg)
{
    onb_par_job *job = arg;
    CURL *h = curl_easy_init();
    struct curl_slist *hdrs = NULL;

    hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
    hdrs = curl_slist_append(hdrs, "Expect:");
    if (h) {
        curl_easy_setopt(h, CURLOPT_URL, job->url);
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, job->method);
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
        curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 30000L);
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, onb_par_write);
        curl_easy_setopt(h, CURLOPT_WRITEDATA, job);
        if (job->body) {
            curl_easy_setopt(h, CURLOPT_POSTFIELDS, job->body);
            curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(job->body));
        }
    }
    pthread_barrier_wait(job->barrier);
    if (h && curl_easy_perform(h) == CURLE_OK) {
        long status = 0;
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
        job->result->status = status;
        if (job->resp.buf) {
            json_object *o = json_tokener_parse(job->resp.buf);
            json_object *v = NULL;
            if (json_object_object_get_ex(o, "code", &v) && json_object_is_type(v, json_type_string))
                snprintf(job->result->code, sizeof(job->result->code), "%s", json_object_get_string(v));
            if (json_object_object_get_ex(o, "id", &v) && json_object_is_type(v, json_type_string))
                snprintf(job->result->id, sizeof(job->result->id), "%s", json_object_get_string(v));
            json_object_put(o);
        }
    }
    curl_slist_free_all(hdrs);
    if (h)
        curl_easy_cleanup(h);
    return NULL;
}

void onb_parallel(size_t n, const char *const *methods, const char *const *paths, const char *const *bodies,
                  onb_par_result *results)
{
    pthread_barrier_t barrier;
    pthread_t *threads = xcalloc(n, sizeof(*threads));
    onb_par_job *jobs = xcalloc(n, sizeof(*jobs));

    curl_global_init(CURL_GLOBAL_ALL); /* from the main thread, before any worker uses libcurl */
    pthread_barrier_init(&barrier, NULL, (unsigned)n);
    for (size_t i = 0; i < n; i++) {
        memset(&results[i], 0, sizeof(results[i]));
        jobs[i].method = methods[i];
        jobs[i].url = it_url("GATEWAY_URL", paths[i]);
        jobs[i].body = bodies ? bodies[i] : NULL;
        jobs[i].barrier = &barrier;
        jobs[i].result = &results[i];
        cr_assert_eq(pthread_create(&threads[i], NULL, onb_par_run, &jobs[i]), 0, "pthread_create");
    }
    for (size_t i = 0; i < n; i++) {
        pthread_join(threads[i], NULL);
        free(jobs[i].url);
        strbuf_free(&jobs[i].resp);
    }
    pthread_barrier_destroy(&barrier);
    free(jobs);
    free(threads);
}

/* ---- events ------------------------------------------------------------------------------------ */

typedef struct onb_event_match {
    const char *id;
    bool by_org;
} onb_event_match;

static bool onb_event_pred(const it_kafka_record *rec, void *arg)
{
    const onb_event_match *m = arg;
    const char *v = it_kafka_header_get(rec, m->by_org ? "ce_organizationid" : "ce_subject");
    return v && strcmp(v, m->id) == 0;
}

void onb_events_for(it_kafka_consumer *c, const char *id, bool by_org, size_t expected, long timeout_ms,
                    long settle_ms, it_kafka_record **recs, size_t *n)
{
    onb_event_match m = {id, by_org};

    *recs = NULL;
    *n = 0;
    (void)it_kafka_collect(c, onb_event_pred, &m, timeout_ms, expected, recs, n);
    if (settle_ms > 0)
        (void)it_kafka_collect(c, onb_event_pred, &m, settle_ms, 0, recs, n);
}

size_t onb_events_count_type(const it_kafka_record *recs, size_t n, const char *ce_type)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        const char *t = it_kafka_header_get(&recs[i], "ce_type");
        if (t && strcmp(t, ce_type) == 0)
            count++;
    }
    return count;
}

const it_kafka_record *onb_events_find(const it_kafka_record *recs, size_t n, const char *ce_type)
{
    for (size_t i = 0; i < n; i++) {
        const char *t = it_kafka_header_get(&recs[i], "ce_type");
        if (t && strcmp(t, ce_type) == 0)
            return &recs[i];
    }
    return NULL;
}

/* ---- stand-in portfolio service ---------------------------------------------------------------- */

#define ONB_FAKE_MAX 32

typedef struct onb_fake_rule {
    char ledger_id[40];
    onb_fake_answer answer;
    int calls;
    char last_request_id[160];
} onb_fake_rule;

struct onb_fake_portfolio {
    int fd;
    pthread_t thread;
    atomic_bool stop;
    pthread_mutex_t mu;
    onb_fake_rule rules[ONB_FAKE_MAX];
    size_t nrules;
};

/* Reads one request head (and ignores any body: the close call has none). */
static void onb_fake_serve(onb_fake_portfolio *f, int cfd)
{
    char buf[8192];
    size_t len = 0;
    char path[512] = "";
    char request_id[160] = "";
    const char *status_line = "HTTP/1.1 500 Internal Server Error";
    const char *body = "{\"code\":\"0046\",\"title\":\"Internal Server Error\",\"message\":\"internal error\"}";
    char reply[1024];
    onb_fake_rule *rule = NULL;

    while (len < sizeof(buf) - 1) {
        struct pollfd p = {cfd, POLLIN, 0};
        if (poll(&p, 1, 3000) <= 0)
            break;
        ssize_t got = recv(cfd, buf + len, sizeof(buf) - 1 - len, 0);
        if (got <= 0)
            break;
        len += (size_t)got;
        buf[len] = '\0';
        if (strstr(buf, "\r\n\r\n"))
            break;
    }
    buf[len] = '\0';
    if (sscanf(buf, "%*s %511s", path) != 1)
        path[0] = '\0';
    for (char *line = strstr(buf, "\r\n"); line; line = strstr(line + 2, "\r\n")) {
        if (strncasecmp(line + 2, "X-Request-Id:", 13) == 0) {
            const char *v = line + 2 + 13;
            while (*v == ' ')
                v++;
            size_t n = strcspn(v, "\r\n");
            snprintf(request_id, sizeof(request_id), "%.*s", (int)n, v);
            break;
        }
    }

    pthread_mutex_lock(&f->mu);
    for (size_t i = 0; i < f->nrules && !rule; i++)
        if (strstr(path, f->rules[i].ledger_id) && strstr(path, "/close") &&
            strncmp(buf, "POST ", 5) == 0 && strncmp(path, "/internal/", 10) == 0)
            rule = &f->rules[i];
    if (rule) {
        rule->calls++;
        snprintf(rule->last_request_id, sizeof(rule->last_request_id), "%s", request_id);
        switch (rule->answer) {
        case ONB_FAKE_CLOSE_OK:
            status_line = "HTTP/1.1 204 No Content";
            body = "";
            break;
        case ONB_FAKE_CLOSE_REFUSE:
            status_line = "HTTP/1.1 422 Unprocessable Entity";
            body = "{\"code\":\"0008\",\"title\":\"Action Not Permitted\",\"message\":\"ledger has accounts\"}";
            break;
        case ONB_FAKE_CLOSE_OTHER:
            break;
        }
    }
    pthread_mutex_unlock(&f->mu);

    int n = snprintf(reply, sizeof(reply),
                     "%s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n%s",
                     status_line, strlen(body), body);
    if (n > 0)
        (void)send(cfd, reply, (size_t)n, MSG_NOSIGNAL);
    shutdown(cfd, SHUT_WR);
    close(cfd);
}

static void *onb_fake_loop(void *arg)
{
    onb_fake_portfolio *f = arg;

    while (!atomic_load(&f->stop)) {
        struct pollfd p = {f->fd, POLLIN, 0};
        int rc = poll(&p, 1, 100);
        if (rc <= 0)
            continue;
        int cfd = accept(f->fd, NULL, NULL);
        if (cfd < 0)
            continue;
        onb_fake_serve(f, cfd);
    }
    return NULL;
}

onb_fake_portfolio *onb_fake_portfolio_start(int port)
{
    onb_fake_portfolio *f = xcalloc(1, sizeof(*f));
    struct sockaddr_in addr;
    int one = 1;
    int64_t deadline = it_now_ms() + 10000;

    pthread_mutex_init(&f->mu, NULL);
    f->fd = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert(f->fd >= 0, "socket: %s", strerror(errno));
    setsockopt(f->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    /* The stopped service may take a moment to release its socket: poll, do not sleep blindly. */
    while (bind(f->fd, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
        cr_assert(it_now_ms() < deadline, "cannot bind the stand-in portfolio on port %d: %s", port,
                  strerror(errno));
        it_sleep_ms(100);
    }
    cr_assert(listen(f->fd, 64) == 0, "listen: %s", strerror(errno));
    cr_assert(pthread_create(&f->thread, NULL, onb_fake_loop, f) == 0, "pthread_create");
    return f;
}

void onb_fake_portfolio_set(onb_fake_portfolio *f, const char *ledger_id, onb_fake_answer answer)
{
    pthread_mutex_lock(&f->mu);
    if (f->nrules < ONB_FAKE_MAX) {
        onb_fake_rule *r = &f->rules[f->nrules++];
        snprintf(r->ledger_id, sizeof(r->ledger_id), "%s", ledger_id);
        r->answer = answer;
    }
    pthread_mutex_unlock(&f->mu);
}

int onb_fake_portfolio_calls(onb_fake_portfolio *f, const char *ledger_id, char *request_id, size_t cap)
{
    int calls = 0;

    if (request_id && cap)
        request_id[0] = '\0';
    pthread_mutex_lock(&f->mu);
    for (size_t i = 0; i < f->nrules; i++) {
        if (strcmp(f->rules[i].ledger_id, ledger_id) == 0) {
            calls = f->rules[i].calls;
            if (request_id && cap)
                snprintf(request_id, cap, "%s", f->rules[i].last_request_id);
        }
    }
    pthread_mutex_unlock(&f->mu);
    return calls;
}

void onb_fake_portfolio_stop(onb_fake_portfolio *f)
{
    if (!f)
        return;
    atomic_store(&f->stop, true);
    pthread_join(f->thread, NULL);
    close(f->fd);
    pthread_mutex_destroy(&f->mu);
    free(f);
}

int onb_url_port(const char *url_var)
{
    const char *url = it_env(url_var);
    const char *colon = strrchr(url, ':');
    int port = colon ? atoi(colon + 1) : 0;
    cr_assert(port > 0, "%s has no port: %s", url_var, url);
    return port;
}
