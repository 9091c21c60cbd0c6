/* Unit tests of common/service/service_http: the pure JSON pieces (text/time/status/list envelope),
 * and the request/reply helpers through a real common/http server on an ephemeral port in this
 * process (no service worker, so no database: db_or_reply must answer 503 0901). */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "json/json.h"
#include "log/log.h"
#include "service/service_http.h"

/* ---- pure JSON pieces ------------------------------------------------------------------------- */

/* json_dump of a value that may be JSON null (NULL). */
static const char *dump_or_null(json_object *o)
{
    return o ? json_dump(o) : "null";
}

Test(service_json, text_is_a_string_or_null)
{
    json_object *o = service_json_text("héllo \"q\"");

    cr_expect_str_eq(json_dump(o), "\"héllo \\\"q\\\"\"");
    json_object_put(o);
    o = service_json_text("");
    cr_expect_str_eq(json_dump(o), "\"\"", "an empty string stays a string");
    json_object_put(o);
    cr_expect_null(service_json_text(NULL));
}

typedef struct time_case {
    int64_t us;
    const char *want; /* json_dump, "null" for JSON null */
} time_case;

Test(service_json, time_table)
{
    static const time_case cases[] = {
        {0, "\"1970-01-01T00:00:00.000000Z\""},
        {INT64_C(1700000000123456), "\"2023-11-14T22:13:20.123456Z\""},
        {INT64_C(253402300799999999), "\"9999-12-31T23:59:59.999999Z\""},
        {-1, "null"}, /* the "not set" value (deletedAt of a live row) */
        {INT64_MIN, "null"},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        json_object *o = service_json_time(cases[i].us);
        cr_expect_str_eq(dump_or_null(o), cases[i].want, "case %zu", i);
        json_object_put(o);
    }
}

typedef struct status_case {
    const char *code;
    const char *description;
    const char *want;
} status_case;

Test(service_json, status_object_table)
{
    static const status_case cases[] = {
        {"ACTIVE", NULL, "{\"code\":\"ACTIVE\",\"description\":null}"},
        {"BLOCKED", "on hold", "{\"code\":\"BLOCKED\",\"description\":\"on hold\"}"},
        {NULL, NULL, "{\"code\":\"\",\"description\":null}"},
        {"x", "", "{\"code\":\"x\",\"description\":\"\"}"},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        json_object *o = service_json_status(cases[i].code, cases[i].description);
        cr_expect_str_eq(json_dump(o), cases[i].want, "case %zu", i);
        json_object_put(o);
    }
}

typedef struct list_case {
    int64_t page;
    int limit;
    size_t items;
    const char *want;
} list_case;

Test(service_json, offset_list_envelope_table)
{
    static const list_case cases[] = {
        {1, 10, 0, "{\"items\":[],\"page\":1,\"limit\":10}"},
        {3, 2, 2, "{\"items\":[0,1],\"page\":3,\"limit\":2}"},
        {2147483647, 100, 1, "{\"items\":[0],\"page\":2147483647,\"limit\":100}"},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        page_params p;
        json_object *items = json_object_new_array();
        memset(&p, 0, sizeof(p));
        p.page = cases[i].page;
        p.limit = cases[i].limit;
        for (size_t k = 0; k < cases[i].items; k++)
            json_object_array_add(items, json_object_new_int((int)k));
        json_object *env = service_json_offset_list(items, &p); /* takes items */
        cr_expect_str_eq(json_dump(env), cases[i].want, "case %zu", i);
        json_object_put(env);
    }
}

Test(service_json, common_members_in_order)
{
    static const struct {
        const char *code;
        const char *description;
        bool metadata; /* {"k":"v"} when true, NULL otherwise */
        int64_t created_us, updated_us, deleted_us;
        const char *want;
    } cases[] = {
        {"ACTIVE", NULL, false, 0, 1, -1,
         "{\"id\":\"x\",\"status\":{\"code\":\"ACTIVE\",\"description\":null},\"metadata\":{},"
         "\"createdAt\":\"1970-01-01T00:00:00.000000Z\",\"updatedAt\":\"1970-01-01T00:00:00.000001Z\","
         "\"deletedAt\":null}"},
        {"BLOCKED", "why", true, 1741616525481237LL, 1741616525481237LL, 1741616525481238LL,
         "{\"id\":\"x\",\"status\":{\"code\":\"BLOCKED\",\"description\":\"why\"},\"metadata\":{\"k\":\"v\"},"
         "\"createdAt\":\"2025-03-10T14:22:05.481237Z\",\"updatedAt\":\"2025-03-10T14:22:05.481237Z\","
         "\"deletedAt\":\"2025-03-10T14:22:05.481238Z\"}"},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        entity_common m = {
            .status_code = xstrdup(cases[i].code),
            .status_description = cases[i].description ? xstrdup(cases[i].description) : NULL,
            .metadata = cases[i].metadata ? json_tokener_parse("{\"k\":\"v\"}") : NULL,
            .created_us = cases[i].created_us,
            .updated_us = cases[i].updated_us,
            .deleted_us = cases[i].deleted_us,
        };
        json_object *obj = json_object_new_object();
        json_object_object_add(obj, "id", json_object_new_string("x"));
        service_json_add_common(obj, &m);
        cr_expect_str_eq(json_dump(obj), cases[i].want, "case %zu", i);
        json_object_put(obj);
        entity_common_clear(&m); /* obj held its own reference to the metadata */
    }
}

/* ---- handlers over the helpers ---------------------------------------------------------------- */

static void h_count(http_request *r)
{
    service_reply_count(r, INT64_C(1234567890123));
}

static void h_not_found(http_request *r)
{
    const char *kind = http_req_param(r, "kind");

    if (strcmp(kind, "entity") == 0)
        service_reply_not_found(r, ERR_ENTITY_NOT_FOUND, "Asset");
    else if (strcmp(kind, "ledger") == 0)
        service_reply_not_found(r, ERR_LEDGER_NOT_FOUND, "Ledger");
    else
        service_reply_not_found(r, ERR_ENTITY_NOT_FOUND, NULL);
}

static void h_bad_filter(http_request *r)
{
    service_reply_bad_filter(r, "blocked", "must be true, false, 1 or 0");
}

static const char *const page_filters[] = {"status", NULL};

static void h_page(http_request *r)
{
    page_params p;
    json_object *o = NULL;

    if (service_page_params_or_reply(r, PAGE_OFFSET, page_filters, &p) < 0)
        return;
    o = json_object_new_object();
    json_object_object_add(o, "limit", json_object_new_int(p.limit));
    json_object_object_add(o, "page", json_object_new_int64(p.page));
    json_object_object_add(o, "status", service_json_text(page_filter_get(&p, "status")));
    http_reply_json(r, 200, o);
}

static void h_db(http_request *r)
{
    if (service_cache_of(r)) { /* no service worker here: there is no cache either */
        http_reply_error(r, ERR_INTERNAL, "unexpected cache");
        return;
    }
    if (!service_db_or_reply(r))
        return;
    http_reply_empty(r, 204); /* not reached: this server has no service worker */
}

static void h_text(http_request *r)
{
    service_reply_json_text(r, 201, "{\"n\":1.50,  \"s\":\"x\"}");
}

static void h_path(http_request *r)
{
    char id[UUID_STR_LEN + 1];
    char missing[UUID_STR_LEN + 1];
    json_object *o = json_object_new_object();

    service_path_id(r, "organization_id", id);
    service_path_id(r, "no_such_param", missing);
    json_object_object_add(o, "id", json_object_new_string(id));
    json_object_object_add(o, "missing", json_object_new_string(missing));
    http_reply_json(r, 200, o);
}

static const json_field plain_fields[] = {
    {.name = "type", .kind = JK_STRING, .flags = JF_REQUIRED},
    {.name = "alias", .kind = JK_STRING},
};
static const json_field external_fields[] = {
    {.name = "type", .kind = JK_STRING, .flags = JF_REQUIRED},
    {.name = "alias", .kind = JK_STRING, .flags = JF_REQUIRED},
};
static const json_schema plain_schema = {plain_fields, ARRAY_LEN(plain_fields)};
static const json_schema external_schema = {external_fields, ARRAY_LEN(external_fields)};

/* alias becomes required when type is "external". */
static const json_schema *choose_schema(json_object *parsed)
{
    const char *type = json_get_text(parsed, "type");
    return type && strcmp(type, "external") == 0 ? &external_schema : &plain_schema;
}

static void h_body(http_request *r)
{
    json_object *body = NULL;

    if (service_body_choose_or_reply(r, choose_schema, JSON_MODE_CREATE, NULL, NULL, &body) < 0)
        return;
    http_reply_json(r, 201, body);
}

static const http_route r_count = {h_count, NULL};
static const http_route r_not_found = {h_not_found, NULL};
static const http_route r_bad_filter = {h_bad_filter, NULL};
static const http_route r_page = {h_page, NULL};
static const http_route r_db = {h_db, NULL};
static const http_route r_text = {h_text, NULL};
static const http_route r_path = {h_path, NULL};
static const http_route r_body = {h_body, NULL};

static const route_def routes[] = {
    {HTTP_M_HEAD, "/count", &r_count},
    {HTTP_M_GET, "/not-found/{kind}", &r_not_found},
    {HTTP_M_GET, "/bad-filter", &r_bad_filter},
    {HTTP_M_GET, "/page", &r_page},
    {HTTP_M_GET, "/db", &r_db},
    {HTTP_M_GET, "/text", &r_text},
    {HTTP_M_GET, "/v1/organizations/{organization_id}", &r_path},
    {HTTP_M_POST, "/body", &r_body},
};

/* ---- server fixture and a minimal client ------------------------------------------------------ */

static http_server *srv;
static pthread_t srv_thread;

static void *srv_main(void *arg)
{
    (void)http_server_run(arg, 2000);
    return NULL;
}

static void start_server(void)
{
    http_server_config cfg = {
        .service = "test",
        .bind_addr = "127.0.0.1",
        .port = 0,
        .workers = 1,
        .routes = routes,
        .route_count = ARRAY_LEN(routes),
        .validate_path_ids = true,
    };
    log_init("test", "error");
    srv = http_server_new(&cfg);
    cr_assert_not_null(srv);
    pthread_create(&srv_thread, NULL, srv_main, srv);
}

static void stop_server(void)
{
    http_server_stop(srv);
    pthread_join(srv_thread, NULL);
    http_server_free(srv);
    srv = NULL;
}

TestSuite(service_http, .init = start_server, .fini = stop_server);

typedef struct reply {
    int status;
    char raw[16384]; /* head and body as received */
    const char *body;
} reply;

/* Send one request with Connection: close and read the whole answer. body may be NULL. */
static void call(const char *method, const char *path, const char *body, reply *out)
{
    char req[2048];
    size_t have = 0;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {0};
    struct timeval tv = {5, 0};
    int len = snprintf(req, sizeof(req),
                       "%s %s HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Length: %zu\r\n\r\n%s",
                       method, path, body ? strlen(body) : 0, body ? body : "");

    memset(out, 0, sizeof(*out));
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)http_server_port(srv));
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    cr_assert_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    cr_assert_eq(send(fd, req, (size_t)len, MSG_NOSIGNAL), len);
    for (;;) {
        ssize_t n = recv(fd, out->raw + have, sizeof(out->raw) - 1 - have, 0);
        if (n <= 0)
            break;
        have += (size_t)n;
    }
    close(fd);
    out->raw[have] = '\0';
    cr_assert_eq(sscanf(out->raw, "HTTP/1.%*d %d", &out->status), 1, "no status line: %s", out->raw);
    out->body = strstr(out->raw, "\r\n\r\n");
    cr_assert_not_null(out->body);
    out->body += 4;
}

/* Value of a response header, case-insensitive name, into buf; NULL when absent. */
static const char *header(const reply *r, const char *name, char *buf, size_t cap)
{
    size_t n = strlen(name);

    for (const char *p = strstr(r->raw, "\r\n"); p && p + 2 < r->body; p = strstr(p + 2, "\r\n")) {
        if (strncasecmp(p + 2, name, n) == 0 && p[2 + n] == ':') {
            const char *v = p + 3 + n;
            while (*v == ' ')
                v++;
            snprintf(buf, cap, "%.*s", (int)(strstr(v, "\r\n") - v), v);
            return buf;
        }
    }
    return NULL;
}

/* ---- replies ---------------------------------------------------------------------------------- */

Test(service_http, count_is_204_with_x_total_count_and_no_body)
{
    reply r;
    char v[64];

    call("HEAD", "/count", NULL, &r);
    cr_expect_eq(r.status, 204);
    cr_expect_str_eq(header(&r, "X-Total-Count", v, sizeof(v)) ? v : "", "1234567890123");
    cr_expect_str_eq(header(&r, "Content-Length", v, sizeof(v)) ? v : "", "0");
    cr_expect_str_eq(r.body, "");
}

typedef struct not_found_case {
    const char *path;
    const char *want;
} not_found_case;

Test(service_http, not_found_table)
{
    static const not_found_case cases[] = {
        {"/not-found/entity",
         "{\"code\":\"0007\",\"title\":\"Entity Not Found\",\"message\":\"Asset not found\","
         "\"entityType\":\"Asset\"}"},
        {"/not-found/ledger", "{\"code\":\"0037\",\"title\":\"Ledger ID Not Found\",\"message\":\"Ledger not "
                              "found\"}"},
        {"/not-found/none",
         "{\"code\":\"0007\",\"title\":\"Entity Not Found\",\"message\":\"entity not found\"}"},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        reply r;
        call("GET", cases[i].path, NULL, &r);
        cr_expect_eq(r.status, 404, "%s", cases[i].path);
        cr_expect_str_eq(r.body, cases[i].want, "%s", cases[i].path);
    }
}

Test(service_http, bad_filter_is_0082_naming_the_parameter)
{
    reply r;
    api_error e = {0};
    json_object *o = NULL;

    call("GET", "/bad-filter", NULL, &r);
    cr_expect_eq(r.status, 400);
    cr_assert(json_parse_strict(r.body, strlen(r.body), JSON_MAX_DEPTH, &o, NULL, &e) == 0, "%s", r.body);
    cr_expect_str_eq(json_get_text(o, "code"), "0082");
    cr_expect_str_eq(json_get_text(o, "message"), "invalid value of query parameter blocked");
    cr_expect_str_eq(json_get_text(json_get(o, "fields"), "blocked"), "must be true, false, 1 or 0");
    json_object_put(o);
}

Test(service_http, json_text_is_sent_byte_for_byte)
{
    reply r;
    char v[64];

    call("GET", "/text", NULL, &r);
    cr_expect_eq(r.status, 201);
    cr_expect_str_eq(r.body, "{\"n\":1.50,  \"s\":\"x\"}");
    cr_expect_str_eq(header(&r, "Content-Type", v, sizeof(v)) ? v : "", "application/json");
}

Test(service_http, db_without_a_service_worker_is_503_0901)
{
    reply r;

    call("GET", "/db", NULL, &r);
    cr_expect_eq(r.status, 503);
    cr_expect_not_null(strstr(r.body, "\"code\":\"0901\""), "%s", r.body);
}

/* ---- request decoding ------------------------------------------------------------------------- */

typedef struct page_case {
    const char *path;
    int status;
    const char *want; /* body (200) or error code (400) */
} page_case;

Test(service_http, page_params_table)
{
    static const page_case cases[] = {
        {"/page", 200, "{\"limit\":10,\"page\":1,\"status\":null}"},
        {"/page?limit=5&page=2&status=ACTIVE", 200, "{\"limit\":5,\"page\":2,\"status\":\"ACTIVE\"}"},
        {"/page?limit=abc", 400, "0082"},
        {"/page?limit=101", 400, "0080"},
        {"/page?page=0", 400, "0082"},
        {"/page?sort_order=up", 400, "0081"},
        {"/page?cursor=abc", 200, "{\"limit\":10,\"page\":1,\"status\":null}"}, /* not an offset parameter */
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        reply r;
        call("GET", cases[i].path, NULL, &r);
        cr_expect_eq(r.status, cases[i].status, "%s: %s", cases[i].path, r.body);
        if (cases[i].status == 200) {
            cr_expect_str_eq(r.body, cases[i].want, "%s", cases[i].path);
        } else {
            char code[32];
            snprintf(code, sizeof(code), "\"code\":\"%s\"", cases[i].want);
            cr_expect_not_null(strstr(r.body, code), "%s: %s", cases[i].path, r.body);
        }
    }
}

Test(service_http, path_id_is_lowercase_canonical)
{
    reply r;

    call("GET", "/v1/organizations/0193A2B4-1C2D-7E3F-8A9B-0C1D2E3F4A5B", NULL, &r);
    cr_expect_eq(r.status, 200);
    cr_expect_str_eq(r.body, "{\"id\":\"0193a2b4-1c2d-7e3f-8a9b-0c1d2e3f4a5b\",\"missing\":\"\"}");
}

typedef struct body_case {
    const char *body;
    int status;
    const char *code; /* error code, or NULL for 201 */
} body_case;

Test(service_http, body_schema_is_chosen_from_the_parsed_body)
{
    static const body_case cases[] = {
        {"{\"type\":\"internal\"}", 201, NULL},
        {"{\"type\":\"external\",\"alias\":\"@x\"}", 201, NULL},
        {"{\"type\":\"external\"}", 400, "0009"}, /* alias required by the chosen schema */
        {"{\"type\":\"internal\",\"other\":1}", 400, "0053"},
        {"{\"type\":", 400, "0094"},
        {"", 400, "0094"},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        reply r;
        call("POST", "/body", cases[i].body, &r);
        cr_expect_eq(r.status, cases[i].status, "case %zu: %s", i, r.body);
        if (cases[i].code) {
            char code[32];
            snprintf(code, sizeof(code), "\"code\":\"%s\"", cases[i].code);
            cr_expect_not_null(strstr(r.body, code), "case %zu: %s", i, r.body);
        } else {
            cr_expect_str_eq(r.body, cases[i].body, "case %zu", i);
        }
    }
}
