/* Unit tests of common/http/http: a real server on an ephemeral port in this process, spoken to over
 * raw sockets (the unit binary links no HTTP client). Covers the pipeline order (404/405/413/0065),
 * X-Request-Id, HEAD and 204 framing, query parsing, async replies, two workers and draining. */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http/http.h"
#include "log/log.h"
#include "metrics/metrics.h"
#include "uuid/uuid.h"

#define ORG "/v1/organizations/0193a2b4-1c2d-7e3f-8a9b-0c1d2e3f4a5b"
#define MIB (1024 * 1024)

/* ---- handlers ------------------------------------------------------------------------------- */

static pthread_mutex_t block_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t block_cv = PTHREAD_COND_INITIALIZER;
static atomic_int block_entered;
static bool block_released;
static atomic_int async_replied;
static atomic_int async_entered;

static int worker_index(http_request *r)
{
    return *(int *)http_req_worker_data(r);
}

static void h_echo(http_request *r)
{
    size_t len = 0;
    const query_param *q = NULL;
    if (http_req_method(r) == HTTP_M_DELETE) {
        http_reply_empty(r, 204);
        return;
    }
    json_object *o = json_object_new_object();
    json_object_object_add(o, "worker", json_object_new_int(worker_index(r)));
    json_object_object_add(o, "method", json_object_new_string(http_req_method_name(r)));
    json_object_object_add(o, "template", json_object_new_string(http_req_template(r)));
    http_req_body(r, &len);
    json_object_object_add(o, "len", json_object_new_int64((int64_t)len));
    const char *org = http_req_param(r, "organization_id");
    if (org)
        json_object_object_add(o, "org", json_object_new_string(org));
    const char *alias = http_req_param(r, "alias");
    if (alias)
        json_object_object_add(o, "alias", json_object_new_string(alias));
    json_object *qa = json_object_new_array();
    size_t n = http_req_query(r, &q);
    for (size_t i = 0; i < n; i++) {
        json_object *pair = json_object_new_array();
        json_object_array_add(pair, json_object_new_string(q[i].key));
        json_object_array_add(pair, json_object_new_string(q[i].value));
        json_object_array_add(qa, pair);
    }
    json_object_object_add(o, "query", qa);
    http_reply_json(r, 200, o);
}

static void h_count(http_request *r)
{
    http_reply_set_header(r, "X-Total-Count", "42");
    http_reply_empty(r, 204);
}

static void h_block(http_request *r)
{
    struct timespec until;
    bool released = false;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 5;
    pthread_mutex_lock(&block_mu);
    atomic_store(&block_entered, 1);
    while (!block_released && pthread_cond_timedwait(&block_cv, &block_mu, &until) == 0)
        ;
    released = block_released;
    pthread_mutex_unlock(&block_mu);
    json_object *o = json_object_new_object();
    json_object_object_add(o, "worker", json_object_new_int(worker_index(r)));
    json_object_object_add(o, "released", json_object_new_boolean(released));
    http_reply_json(r, 200, o);
}

static void h_who(http_request *r)
{
    pthread_mutex_lock(&block_mu);
    block_released = true;
    pthread_cond_broadcast(&block_cv);
    pthread_mutex_unlock(&block_mu);
    json_object *o = json_object_new_object();
    json_object_object_add(o, "worker", json_object_new_int(worker_index(r)));
    http_reply_json(r, 200, o);
}

/* Wait (bounded, polling) until /async has been entered `n` times: tests act once a request is
 * really in flight, never after a guessed sleep. */
static void wait_async_entered(int n)
{
    for (int i = 0; i < 500 && atomic_load(&async_entered) < n; i++)
        usleep(10 * 1000);
    cr_assert_geq(atomic_load(&async_entered), n, "the /async request never reached its handler");
}

static void async_done(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    http_request *r = arg;
    json_object *o = json_object_new_object();
    json_object_object_add(o, "async", json_object_new_boolean(true));
    http_reply_json(r, 200, o); /* r is gone after this */
    atomic_fetch_add(&async_replied, 1);
}

static void h_async(http_request *r)
{
    atomic_fetch_add(&async_entered, 1);
    struct timeval tv = {0, 150 * 1000};
    event_base_once(http_req_base(r), -1, EV_TIMEOUT, async_done, r, &tv);
}

static const json_field body_fields[] = {{.name = "name", .kind = JK_STRING}};
static const json_schema body_schema = {body_fields, 1};

static void h_json(http_request *r)
{
    json_object *body = NULL;
    if (http_body_json_or_reply(r, &body_schema, JSON_MODE_CREATE, &body) < 0)
        return;
    http_reply_json(r, 201, body);
}

/* A list route as the services run it: the query through page_params_parse, errors as they reply. */
static void h_list(http_request *r)
{
    static const char *const filters[] = {"name", NULL};
    const query_param *q = NULL;
    size_t n = http_req_query(r, &q);
    page_params p;
    api_error e = {0};
    if (page_params_parse(q, n, PAGE_OFFSET, filters, &p, &e) < 0) {
        http_reply_api_error(r, &e);
        api_error_clear(&e);
        return;
    }
    json_object *o = json_object_new_object();
    json_object_object_add(o, "limit", json_object_new_int(p.limit));
    json_object_object_add(o, "has_range", json_object_new_boolean(p.has_range));
    json_object_object_add(o, "from_us", json_object_new_int64(p.from_us));
    json_object_object_add(o, "to_us", json_object_new_int64(p.to_us));
    const char *name = page_filter_get(&p, "name");
    if (name)
        json_object_object_add(o, "name", json_object_new_string(name));
    json_object *meta = json_object_new_object();
    for (size_t i = 0; i < p.metadata_count; i++)
        json_object_object_add(meta, p.metadata[i].key, json_object_new_string(p.metadata[i].value));
    json_object_object_add(o, "metadata", meta);
    http_reply_json(r, 200, o);
}

static atomic_int never_entered;

/* Never replies: only the drain grace period ends it. */
static void h_never(http_request *r)
{
    (void)r;
    atomic_store(&never_entered, 1);
}

static void h_fail(http_request *r)
{
    http_reply_error(r, ERR_INTERNAL, "database said: secret detail");
}

static const http_route r_echo = {h_echo, NULL};
static const http_route r_count = {h_count, NULL};
static const http_route r_block = {h_block, NULL};
static const http_route r_who = {h_who, NULL};
static const http_route r_async = {h_async, NULL};
static const http_route r_json = {h_json, NULL};
static const http_route r_fail = {h_fail, NULL};
static const http_route r_never = {h_never, NULL};
static const http_route r_list = {h_list, NULL};

static const route_def routes[] = {
    {HTTP_M_GET | HTTP_M_PATCH | HTTP_M_DELETE, "/v1/organizations/{organization_id}", &r_echo},
    {HTTP_M_GET, "/v1/organizations/{organization_id}/ledgers/{ledger_id}", &r_echo},
    {HTTP_M_GET, "/v1/accounts/alias/{alias}", &r_echo},
    {HTTP_M_HEAD, "/v1/organizations/metrics/count", &r_count},
    {HTTP_M_POST, "/echo", &r_echo},
    {HTTP_M_GET, "/block", &r_block},
    {HTTP_M_GET, "/who", &r_who},
    {HTTP_M_GET, "/async", &r_async},
    {HTTP_M_POST, "/json", &r_json},
    {HTTP_M_GET, "/fail", &r_fail},
    {HTTP_M_GET, "/never", &r_never},
    {HTTP_M_GET, "/list", &r_list},
};

/* ---- server fixture ------------------------------------------------------------------------- */

static http_server *srv;
static pthread_t srv_thread;
static int srv_rc = -1;
static bool srv_joined;
static atomic_int workers_freed;
static int srv_grace_ms = 2000;

static void *w_init(int index, struct event_base *base, void *arg)
{
    (void)base;
    (void)arg;
    int *p = malloc(sizeof(int));
    *p = index;
    return p;
}

static void w_free(void *data)
{
    free(data);
    atomic_fetch_add(&workers_freed, 1);
}

static void *srv_main(void *arg)
{
    srv_rc = http_server_run(arg, srv_grace_ms);
    return NULL;
}

static void start_server(void)
{
    http_server_config cfg = {
        .service = "test",
        .bind_addr = "127.0.0.1",
        .port = 0,
        .workers = 2,
        .routes = routes,
        .route_count = sizeof(routes) / sizeof(routes[0]),
        .validate_path_ids = true,
        .worker_init = w_init,
        .worker_free = w_free,
    };
    log_init("test", "warn");
    srv = http_server_new(&cfg);
    cr_assert_not_null(srv);
    cr_assert_gt(http_server_port(srv), 0);
    pthread_create(&srv_thread, NULL, srv_main, srv);
}

static void join_server(void)
{
    if (srv_joined)
        return;
    http_server_stop(srv);
    pthread_join(srv_thread, NULL);
    srv_joined = true;
}

static void stop_server(void)
{
    join_server();
    http_server_free(srv);
    srv = NULL;
}

static void start_server_short_grace(void)
{
    srv_grace_ms = 200;
    start_server();
}

TestSuite(http_server, .init = start_server, .fini = stop_server);

/* ---- raw client ----------------------------------------------------------------------------- */

typedef struct resp {
    int status;
    char head[16384];
    char *body;
    size_t body_len;
} resp;

static int cl_connect(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {0};
    struct timeval tv = {5, 0};
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)http_server_port(srv));
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    cr_assert_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    return fd;
}

static void cl_send(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        cr_assert_gt(n, 0, "send failed");
        p += n;
        len -= (size_t)n;
    }
}

/* Value of a response header (case-insensitive name), copied into buf; NULL when absent. */
static const char *resp_header(const resp *r, const char *name, char *buf, size_t cap)
{
    size_t n = strlen(name);
    const char *p = strstr(r->head, "\r\n");
    while (p && p[2] != '\r') {
        p += 2;
        if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
            const char *v = p + n + 1;
            while (*v == ' ')
                v++;
            const char *end = strstr(v, "\r\n");
            size_t len = (size_t)(end - v);
            if (len >= cap)
                len = cap - 1;
            memcpy(buf, v, len);
            buf[len] = '\0';
            return buf;
        }
        p = strstr(p, "\r\n");
    }
    return NULL;
}

/* Read one response; head_req: the request was HEAD (no body whatever Content-Length says). */
static void cl_read(int fd, bool head_req, resp *r)
{
    size_t have = 0;
    char *end = NULL;
    memset(r, 0, sizeof(*r));
    while (!end) {
        cr_assert_lt(have, sizeof(r->head) - 1, "response head too large");
        ssize_t n = recv(fd, r->head + have, 1, 0); /* byte by byte: never read past the head */
        cr_assert_gt(n, 0, "connection closed or timed out before the response head");
        have += (size_t)n;
        r->head[have] = '\0';
        end = strstr(r->head, "\r\n\r\n");
    }
    cr_assert_eq(sscanf(r->head, "HTTP/1.%*d %d", &r->status), 1);
    char cl[32];
    size_t len = 0;
    if (!head_req && r->status != 204 && r->status != 304 && resp_header(r, "Content-Length", cl, sizeof(cl)))
        len = strtoul(cl, NULL, 10);
    r->body = calloc(1, len + 1);
    while (r->body_len < len) {
        ssize_t n = recv(fd, r->body + r->body_len, len - r->body_len, 0);
        cr_assert_gt(n, 0, "connection closed before the body was complete");
        r->body_len += (size_t)n;
    }
}

static void resp_free(resp *r)
{
    free(r->body);
    r->body = NULL;
}

/* One request on a new connection. */
static void roundtrip(const char *raw, resp *r)
{
    int fd = cl_connect();
    cl_send(fd, raw, strlen(raw));
    cl_read(fd, strncmp(raw, "HEAD ", 5) == 0, r);
    close(fd);
}

static json_object *resp_json(const resp *r)
{
    json_object *o = json_tokener_parse(r->body);
    cr_assert_not_null(o, "body is not JSON: %s", r->body);
    return o;
}

static const char *jstr(json_object *o, const char *key)
{
    json_object *v = NULL;
    if (!json_object_object_get_ex(o, key, &v))
        return NULL;
    return json_object_get_string(v);
}

static void expect_error(const resp *r, int status, const char *code)
{
    char ct[128];
    cr_expect_eq(r->status, status, "status %d, want %d: %s", r->status, status, r->body);
    cr_expect_str_eq(resp_header(r, "Content-Type", ct, sizeof(ct)) ? ct : "", "application/json");
    json_object *o = resp_json(r);
    cr_expect_str_eq(jstr(o, "code") ? jstr(o, "code") : "", code);
    cr_expect_not_null(jstr(o, "title"));
    cr_expect_not_null(jstr(o, "message"));
    json_object_put(o);
}

/* ---- tests ---------------------------------------------------------------------------------- */

Test(http_server, unknown_route_404_envelope)
{
    resp r;
    char id[160];
    roundtrip("GET /nope?x=1 HTTP/1.1\r\nHost: t\r\n\r\n", &r);
    expect_error(&r, 404, "0484");
    json_object *o = resp_json(&r);
    cr_expect_str_eq(jstr(o, "title"), "Route Not Found");
    json_object_put(o);
    cr_expect(resp_header(&r, "X-Request-Id", id, sizeof(id)) && uuid_valid(id));
    resp_free(&r);

    static const char *const not_found[] = {ORG "/", "/v1//organizations", "//v1/organizations/x", "/"};
    for (size_t i = 0; i < sizeof(not_found) / sizeof(not_found[0]); i++) {
        char raw[256];
        snprintf(raw, sizeof(raw), "GET %s HTTP/1.1\r\nHost: t\r\n\r\n", not_found[i]);
        roundtrip(raw, &r);
        cr_expect_eq(r.status, 404, "%s -> %d", not_found[i], r.status);
        resp_free(&r);
    }
}

Test(http_server, method_not_allowed_405_with_allow)
{
    static const char *const methods[] = {"PUT", "POST", "OPTIONS", "TRACE"};
    for (size_t i = 0; i < 4; i++) {
        resp r;
        char raw[256], allow[64];
        snprintf(raw, sizeof(raw), "%s %s HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n", methods[i], ORG);
        roundtrip(raw, &r);
        expect_error(&r, 405, "0485");
        cr_expect_str_eq(resp_header(&r, "Allow", allow, sizeof(allow)) ? allow : "", "GET, PATCH, DELETE",
                         "%s", methods[i]);
        resp_free(&r);
    }
}

Test(http_server, body_over_1mib_is_413_json)
{
    char head[256];
    int fd = cl_connect();
    size_t n = MIB + 1;
    char *body = malloc(n);
    memset(body, 'x', n);
    snprintf(head, sizeof(head), "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: %zu\r\n\r\n", n);
    cl_send(fd, head, strlen(head));
    cl_send(fd, body, n);
    resp r;
    cl_read(fd, false, &r);
    expect_error(&r, 413, "0143");
    resp_free(&r);
    close(fd);

    /* the limit holds after de-chunking too, and on a GET whose body is otherwise ignored */
    fd = cl_connect();
    snprintf(head, sizeof(head), "GET %s HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n", ORG);
    cl_send(fd, head, strlen(head));
    for (int i = 0; i < 2; i++) {
        char sz[32];
        size_t part = i == 0 ? MIB / 2 : MIB / 2 + 1;
        snprintf(sz, sizeof(sz), "%zx\r\n", part);
        cl_send(fd, sz, strlen(sz));
        cl_send(fd, body, part);
        cl_send(fd, "\r\n", 2);
    }
    cl_send(fd, "0\r\n\r\n", 5);
    cl_read(fd, false, &r);
    expect_error(&r, 413, "0143");
    resp_free(&r);
    close(fd);
    free(body);
}

Test(http_server, body_of_exactly_1mib_accepted)
{
    char head[256];
    int fd = cl_connect();
    char *body = malloc(MIB);
    memset(body, 'y', MIB);
    snprintf(head, sizeof(head), "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: %d\r\n\r\n", MIB);
    cl_send(fd, head, strlen(head));
    cl_send(fd, body, MIB);
    resp r;
    cl_read(fd, false, &r);
    cr_expect_eq(r.status, 200);
    json_object *o = resp_json(&r);
    json_object *len = NULL;
    json_object_object_get_ex(o, "len", &len);
    cr_expect_eq(json_object_get_int64(len), MIB);
    json_object_put(o);
    resp_free(&r);
    close(fd);
    free(body);
}

Test(http_server, request_id_kept_or_replaced)
{
    char id128[129], id129[130];
    memset(id128, 'a', 128);
    id128[128] = '\0';
    memset(id129, 'b', 129);
    id129[129] = '\0';
    static const char *const paths[] = {ORG, "/nope"}; /* echoed on success and on errors */
    const struct {
        const char *header; /* full header line or "" */
        const char *kept;   /* expected echo, or NULL = a fresh UUIDv4 */
    } cases[] = {
        {"X-Request-Id: abc-123_XYZ~!\r\n", "abc-123_XYZ~!"},
        {NULL, id128},
        {NULL, NULL}, /* 129 characters */
        {"X-Request-Id: a b\r\n", NULL},
        {"X-Request-Id: caf\xc3\xa9\r\n", NULL},
        {"X-Request-Id: a\x01z\r\n", NULL},
        {"", NULL},
    };
    for (size_t p = 0; p < 2; p++) {
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
            char raw[512], got[256];
            const char *hdr = cases[i].header;
            char built[200];
            if (!hdr) {
                snprintf(built, sizeof(built), "X-Request-Id: %s\r\n", i == 1 ? id128 : id129);
                hdr = built;
            }
            snprintf(raw, sizeof(raw), "GET %s HTTP/1.1\r\nHost: t\r\n%s\r\n", paths[p], hdr);
            resp r;
            roundtrip(raw, &r);
            cr_assert_not_null(resp_header(&r, "X-Request-Id", got, sizeof(got)), "case %zu: no echo", i);
            if (cases[i].kept) {
                cr_expect_str_eq(got, cases[i].kept, "case %zu", i);
            } else {
                cr_expect(uuid_valid(got), "case %zu: %s is not a UUID", i, got);
                cr_expect_eq(got[14], '4', "case %zu: %s is not a v4", i, got);
            }
            resp_free(&r);
        }
    }
}

Test(http_server, head_count_has_no_body_and_keeps_connection)
{
    int fd = cl_connect();
    const char *req = "HEAD /v1/organizations/metrics/count HTTP/1.1\r\nHost: t\r\n\r\n";
    resp r;
    char v[64];
    cl_send(fd, req, strlen(req));
    cl_read(fd, true, &r);
    cr_expect_eq(r.status, 204);
    cr_expect_str_eq(resp_header(&r, "Content-Length", v, sizeof(v)) ? v : "", "0");
    cr_expect_str_eq(resp_header(&r, "X-Total-Count", v, sizeof(v)) ? v : "", "42");
    resp_free(&r);

    /* HEAD on a route without HEAD: 405, still no body */
    req = "HEAD " ORG " HTTP/1.1\r\nHost: t\r\n\r\n";
    cl_send(fd, req, strlen(req));
    cl_read(fd, true, &r);
    cr_expect_eq(r.status, 405);
    cr_expect_str_eq(resp_header(&r, "Content-Length", v, sizeof(v)) ? v : "", "0");
    cr_expect_str_eq(resp_header(&r, "Allow", v, sizeof(v)) ? v : "", "GET, PATCH, DELETE");
    resp_free(&r);

    /* the next response on the same connection starts cleanly: no stray body bytes were sent */
    req = "GET " ORG " HTTP/1.1\r\nHost: t\r\n\r\n";
    cl_send(fd, req, strlen(req));
    cl_read(fd, false, &r);
    cr_expect_eq(r.status, 200);
    resp_free(&r);
    close(fd);
}

/* Regression: libevent reads no body for HEAD (or TRACE), so a declared body used to be parsed as
 * the next request on the connection (a desync). Now the answer closes the connection. */
Test(http_server, head_with_body_closes_instead_of_desyncing)
{
    int fd = cl_connect();
    const char *smuggled = "GET " ORG " HTTP/1.1\r\nHost: t\r\n\r\n";
    char *req = xasprintf("HEAD /v1/organizations/metrics/count HTTP/1.1\r\nHost: t\r\nContent-Length: %zu\r\n\r\n%s",
                          strlen(smuggled), smuggled);
    resp r;
    char v[64];
    char extra[256];
    cl_send(fd, req, strlen(req));
    cl_read(fd, true, &r);
    cr_expect_eq(r.status, 204);
    cr_expect_str_eq(resp_header(&r, "Connection", v, sizeof(v)) ? v : "", "close");
    resp_free(&r);
    /* nothing else arrives: the connection is closed, the smuggled GET was never answered */
    ssize_t n = recv(fd, extra, sizeof(extra), 0);
    cr_expect_eq(n, 0, "expected the connection closed, got %zd more bytes", n);
    close(fd);
    free(req);
}

Test(http_server, delete_204_content_length_0)
{
    resp r;
    char v[64];
    roundtrip("DELETE " ORG " HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc", &r);
    cr_expect_eq(r.status, 204);
    cr_expect_str_eq(resp_header(&r, "Content-Length", v, sizeof(v)) ? v : "", "0");
    cr_expect_not_null(resp_header(&r, "X-Request-Id", v, sizeof(v)));
    resp_free(&r);
}

Test(http_server, path_id_0065_first_invalid_from_left)
{
    const struct {
        const char *path;
        const char *field;
    } cases[] = {
        {"/v1/organizations/bad1/ledgers/bad2", "organization_id"},
        {ORG "/ledgers/not-a-uuid", "ledger_id"},
        {"/v1/organizations/metrics", "organization_id"},
        {"/v1/organizations/0193a2b4-1c2d-7e3f-8a9b-0c1d2e3f4a5b%00", "organization_id"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char raw[256];
        resp r;
        snprintf(raw, sizeof(raw), "GET %s HTTP/1.1\r\nHost: t\r\n\r\n", cases[i].path);
        roundtrip(raw, &r);
        expect_error(&r, 400, "0065");
        json_object *o = resp_json(&r), *fields = NULL;
        cr_assert(json_object_object_get_ex(o, "fields", &fields), "%s", r.body);
        cr_expect_eq(json_object_object_length(fields), 1, "%s", r.body);
        cr_expect_str_eq(jstr(fields, cases[i].field) ? jstr(fields, cases[i].field) : "", "must be a valid UUID",
                         "%s: %s", cases[i].path, r.body);
        json_object_put(o);
        resp_free(&r);
    }

    /* upper-case hex is a valid UUID; {alias} is never checked and is percent-decoded */
    resp r;
    roundtrip("GET /v1/organizations/0193A2B4-1C2D-7E3F-8A9B-0C1D2E3F4A5B HTTP/1.1\r\nHost: t\r\n\r\n", &r);
    cr_expect_eq(r.status, 200);
    resp_free(&r);
    roundtrip("GET /v1/accounts/alias/@external%2FUSD HTTP/1.1\r\nHost: t\r\n\r\n", &r);
    cr_expect_eq(r.status, 200);
    cr_expect_not_null(strstr(r.body, "\"template\":\"/v1/accounts/alias/{alias}\""), "%s", r.body);
    resp_free(&r);
}

Test(http_server, query_parsed_in_order_with_repeats)
{
    resp r;
    roundtrip("GET " ORG "?b=2&a=%2F&b=3&flag&x=a+b&&e=&k%20y=v%zz HTTP/1.1\r\nHost: t\r\n\r\n", &r);
    cr_assert_eq(r.status, 200, "%s", r.body);
    json_object *o = resp_json(&r), *q = NULL;
    json_object_object_get_ex(o, "query", &q);
    cr_expect_str_eq(json_object_to_json_string_ext(q, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
                     "[[\"b\",\"2\"],[\"a\",\"/\"],[\"b\",\"3\"],[\"flag\",\"\"],[\"x\",\"a b\"],[\"e\",\"\"],"
                     "[\"k y\",\"v%zz\"]]");
    cr_expect_str_eq(jstr(o, "org"), "0193a2b4-1c2d-7e3f-8a9b-0c1d2e3f4a5b");
    cr_expect_str_eq(jstr(o, "template"), "/v1/organizations/{organization_id}");
    json_object_put(o);
    resp_free(&r);
}

Test(http_server, keep_alive_serves_several_requests)
{
    int fd = cl_connect();
    for (int i = 0; i < 5; i++) {
        const char *req = i % 2 ? "GET /nope HTTP/1.1\r\nHost: t\r\n\r\n" : "GET " ORG " HTTP/1.1\r\nHost: t\r\n\r\n";
        resp r;
        cl_send(fd, req, strlen(req));
        cl_read(fd, false, &r);
        cr_expect_eq(r.status, i % 2 ? 404 : 200);
        resp_free(&r);
    }
    close(fd);
}

Test(http_server, two_workers_both_serving)
{
    /* /block holds one worker until /who runs; /who can only run on the other worker */
    int a = cl_connect();
    const char *req = "GET /block HTTP/1.1\r\nHost: t\r\n\r\n";
    cl_send(a, req, strlen(req));
    for (int i = 0; i < 500 && !atomic_load(&block_entered); i++)
        usleep(10 * 1000);
    cr_assert(atomic_load(&block_entered), "/block never started");

    resp rw, rb;
    roundtrip("GET /who HTTP/1.1\r\nHost: t\r\n\r\n", &rw);
    cl_read(a, false, &rb);
    close(a);
    json_object *ow = resp_json(&rw), *ob = resp_json(&rb), *v = NULL;
    json_object_object_get_ex(ob, "released", &v);
    cr_expect(json_object_get_boolean(v), "/block timed out: /who was not served concurrently");
    int wb = -1, ww = -1;
    if (json_object_object_get_ex(ob, "worker", &v))
        wb = json_object_get_int(v);
    if (json_object_object_get_ex(ow, "worker", &v))
        ww = json_object_get_int(v);
    cr_expect(wb >= 0 && ww >= 0 && wb != ww, "workers %d and %d", wb, ww);
    json_object_put(ow);
    json_object_put(ob);
    resp_free(&rw);
    resp_free(&rb);
}

Test(http_server, async_reply_from_the_loop)
{
    resp r;
    char id[64];
    roundtrip("GET /async HTTP/1.1\r\nHost: t\r\nX-Request-Id: async-1\r\n\r\n", &r);
    cr_expect_eq(r.status, 200);
    cr_expect_str_eq(r.body, "{\"async\":true}");
    cr_expect_str_eq(resp_header(&r, "X-Request-Id", id, sizeof(id)) ? id : "", "async-1");
    resp_free(&r);
}

Test(http_server, async_reply_after_client_closed)
{
    int fd = cl_connect();
    const char *req = "GET /async HTTP/1.1\r\nHost: t\r\n\r\n";
    int entered = atomic_load(&async_entered);
    cl_send(fd, req, strlen(req));
    wait_async_entered(entered + 1); /* the request is in flight before the client goes away */
    close(fd);
    for (int i = 0; i < 300 && atomic_load(&async_replied) < 1; i++)
        usleep(10 * 1000);
    cr_expect_eq(atomic_load(&async_replied), 1);
    /* the server is still healthy; ASan reports any use-after-free or leak of the dropped request */
    resp r;
    roundtrip("GET " ORG " HTTP/1.1\r\nHost: t\r\n\r\n", &r);
    cr_expect_eq(r.status, 200);
    resp_free(&r);
}

Test(http_server, json_body_helper_replies_0094)
{
    resp r;
    roundtrip("POST /json HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\n\r\n{", &r);
    expect_error(&r, 400, "0094");
    resp_free(&r);
    roundtrip("POST /json HTTP/1.1\r\nHost: t\r\nContent-Length: 13\r\n\r\n{\"name\":\"ok\"}", &r);
    cr_expect_eq(r.status, 201, "%s", r.body);
    cr_expect_str_eq(r.body, "{\"name\":\"ok\"}");
    resp_free(&r);
}

Test(http_server, internal_error_hides_message)
{
    resp r;
    roundtrip("GET /fail HTTP/1.1\r\nHost: t\r\n\r\n", &r);
    expect_error(&r, 500, "0046");
    json_object *o = resp_json(&r);
    cr_expect_str_eq(jstr(o, "message"), "internal error");
    json_object_put(o);
    resp_free(&r);
}

Test(http_server, metrics_recorded_per_template)
{
    resp r;
    roundtrip("GET " ORG " HTTP/1.1\r\nHost: t\r\n\r\n", &r);
    resp_free(&r);
    roundtrip("GET /nope HTTP/1.1\r\nHost: t\r\n\r\n", &r);
    resp_free(&r);
    roundtrip("POST " ORG " HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n", &r);
    resp_free(&r);
    char *text = metrics_render();
    cr_expect_not_null(
        strstr(text, "http_requests_total{method=\"GET\",route=\"/v1/organizations/{organization_id}\",status=\"200\"} 1\n"),
        "%s", text);
    cr_expect_not_null(strstr(text, "http_requests_total{method=\"GET\",route=\"unmatched\",status=\"404\"} 1\n"), "%s",
                       text);
    cr_expect_not_null(
        strstr(text, "http_requests_total{method=\"POST\",route=\"/v1/organizations/{organization_id}\",status=\"405\"} 1\n"),
        "%s", text);
    free(text);
}

Test(http_server, drain_finishes_in_flight_then_returns_0)
{
    int fd = cl_connect();
    const char *req = "GET /async HTTP/1.1\r\nHost: t\r\n\r\n";
    int entered = atomic_load(&async_entered);
    cl_send(fd, req, strlen(req));
    wait_async_entered(entered + 1); /* the request is in flight (its reply is 150 ms away) */
    cr_expect_not(http_server_draining(srv));
    http_server_stop(srv);
    cr_expect(http_server_draining(srv));
    resp r;
    char v[32];
    cl_read(fd, false, &r);
    cr_expect_eq(r.status, 200);
    cr_expect_str_eq(resp_header(&r, "Connection", v, sizeof(v)) ? v : "", "close");
    resp_free(&r);
    close(fd);
    pthread_join(srv_thread, NULL);
    srv_joined = true;
    cr_expect_eq(srv_rc, 0);
    cr_expect_eq(atomic_load(&workers_freed), 2);
}

/* Its own suite: Criterion runs a suite's .init and a test's .init both. */
Test(http_drain, gives_up_after_grace, .init = start_server_short_grace, .fini = stop_server)
{
    int fd = cl_connect();
    const char *req = "GET /never HTTP/1.1\r\nHost: t\r\n\r\n";
    cl_send(fd, req, strlen(req));
    for (int i = 0; i < 500 && !atomic_load(&never_entered); i++)
        usleep(10 * 1000);
    cr_assert(atomic_load(&never_entered));
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    join_server(); /* stop, then wait: the unanswered request is dropped after 200 ms, nothing leaks */
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double waited = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    cr_expect_eq(srv_rc, 0);
    cr_expect(waited >= 0.2 && waited < 2.0, "waited %.3f s", waited);
    char c;
    cr_expect_eq(recv(fd, &c, 1, 0), 0, "the connection is closed without a response");
    close(fd);
}

/* Form decoding of the query ('+' is a space, %2B a '+') and invalid UTF-8 refused with 0082 before
 * any handler could hand it to PostgreSQL (regression: ?legal_name=%FF answered 500 0046). */
Test(http_server, query_form_decoding_and_utf8)
{
    static const struct {
        const char *query;
        int status;
        const char *code;  /* error code, or NULL */
        const char *field; /* the only key of fields, or NULL when the envelope has none */
        const char *key;   /* 200: member of the reply to check */
        const char *value;
    } cases[] = {
        {"name=a+b%2Bc", 200, NULL, NULL, "name", "a b+c"},
        {"name=%2B%2B", 200, NULL, NULL, "name", "++"},
        {"name=caf%C3%A9", 200, NULL, NULL, "name", "caf\xc3\xa9"},
        {"start_date=2025-01-01+00:00:00&end_date=2025-01-02+00:00:00", 200, NULL, NULL, "has_range", "true"},
        {"start_date=2025-01-01%2B00:00:00&end_date=2025-01-02", 400, "0131", NULL, NULL, NULL},
        {"name=%FF", 400, "0082", "name", NULL, NULL},
        {"name=caf%E9", 400, "0082", "name", NULL, NULL},
        {"metadata.k=%FF", 400, "0082", "metadata.k", NULL, NULL},
        {"metadata.%FF=x", 400, "0082", "metadata.%FF", NULL, NULL},
        {"sort_order=%FF", 400, "0082", "sort_order", NULL, NULL},
        {"start_date=%FF&end_date=2025-01-02", 400, "0082", "start_date", NULL, NULL},
        {"limit=101", 400, "0080", NULL, NULL, NULL},
        {"sort_order=up", 400, "0081", NULL, NULL, NULL},
        {"start_date=2025-01-01", 400, "0083", NULL, NULL, NULL},
        {"other=%FF&%FE=%FD", 200, NULL, NULL, "limit", "10"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char raw[512];
        resp r;
        snprintf(raw, sizeof(raw), "GET /list?%s HTTP/1.1\r\nHost: t\r\n\r\n", cases[i].query);
        roundtrip(raw, &r);
        cr_expect_eq(r.status, cases[i].status, "%s -> %d %s", cases[i].query, r.status, r.body);
        json_object *o = resp_json(&r), *fields = NULL, *v = NULL;
        if (cases[i].code) {
            expect_error(&r, cases[i].status, cases[i].code);
            bool has = json_object_object_get_ex(o, "fields", &fields);
            if (cases[i].field) {
                cr_expect(has, "%s: no fields: %s", cases[i].query, r.body);
                cr_expect(has && json_object_object_get_ex(fields, cases[i].field, NULL) &&
                              json_object_object_length(fields) == 1,
                          "%s: %s", cases[i].query, r.body);
            } else {
                cr_expect_not(has, "%s: %s has fields", cases[i].query, cases[i].code);
            }
        } else {
            cr_expect(json_object_object_get_ex(o, cases[i].key, &v), "%s: %s", cases[i].query, r.body);
            cr_expect_str_eq(v ? json_object_get_string(v) : "", cases[i].value, "%s", cases[i].query);
        }
        json_object_put(o);
        resp_free(&r);
    }
}

/* A path parameter that is not UTF-8 once decoded keeps its raw text (regression:
 * /accounts/alias/%FF answered 500 0046 when PostgreSQL refused the byte). */
Test(http_server, path_param_not_utf8_kept_raw)
{
    static const struct {
        const char *path;
        int status;
        const char *alias; /* 200: expected {alias} */
    } cases[] = {
        {"/v1/accounts/alias/%FF", 200, "%FF"},
        {"/v1/accounts/alias/a%C3", 200, "a%C3"},
        {"/v1/accounts/alias/caf%C3%A9", 200, "caf\xc3\xa9"},
        {"/v1/accounts/alias/a+b", 200, "a+b"},
        {"/v1/accounts/alias/x\xffy", 200, "x%FFy"},
        {"/v1/organizations/%FF", 400, NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char raw[256];
        resp r;
        snprintf(raw, sizeof(raw), "GET %s HTTP/1.1\r\nHost: t\r\n\r\n", cases[i].path);
        roundtrip(raw, &r);
        if (cases[i].alias) {
            cr_expect_eq(r.status, 200, "%s -> %d %s", cases[i].path, r.status, r.body);
            json_object *o = resp_json(&r);
            cr_expect_str_eq(jstr(o, "alias") ? jstr(o, "alias") : "", cases[i].alias, "%s", cases[i].path);
            json_object_put(o);
        } else {
            expect_error(&r, cases[i].status, "0065");
            cr_expect_not_null(strstr(r.body, "\"fields\":{\"organization_id\""), "%s", r.body);
        }
        resp_free(&r);
    }
}
