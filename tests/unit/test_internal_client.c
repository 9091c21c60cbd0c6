/* Unit tests of common/client against a tiny in-process evhttp server on an ephemeral port: a complete
 * response (status, body, X-Request-Id), an unreachable port, and a server that never answers. */
#include <criterion/criterion.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>
#include <event2/thread.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "client/internal_client.h"
#include "timeutil/timeutil.h"

#define MAX_HUNG 8

static struct event_base *srv_base;
static struct evhttp *srv_http;
static pthread_t srv_thread;
static int srv_port;
static char base_url[64];
static struct evhttp_request *hung[MAX_HUNG];
static int hung_count;

/* GET /echo: 200 echoing the request id; POST /echo: 201 echoing the body; /missing: 404. */
static void on_echo(struct evhttp_request *req, void *arg)
{
    struct evbuffer *out = evbuffer_new();
    const char *rid = evhttp_find_header(evhttp_request_get_input_headers(req), "X-Request-Id");
    const char *host = evhttp_find_header(evhttp_request_get_input_headers(req), "Host");
    (void)arg;
    if (evhttp_request_get_command(req) == EVHTTP_REQ_POST) {
        struct evbuffer *in = evhttp_request_get_input_buffer(req);
        evbuffer_add_buffer(out, in);
        evhttp_send_reply(req, 201, "Created", out);
    } else {
        evbuffer_add_printf(out, "{\"requestId\":\"%s\",\"host\":\"%s\"}", rid ? rid : "", host ? host : "");
        evhttp_send_reply(req, 200, "OK", out);
    }
    evbuffer_free(out);
}

static void on_generic(struct evhttp_request *req, void *arg)
{
    (void)arg;
    if (strcmp(evhttp_request_get_uri(req), "/internal/hang") == 0) {
        if (hung_count < MAX_HUNG)
            hung[hung_count++] = req; /* answered only at teardown */
        return;
    }
    evhttp_send_error(req, 404, "Not Found");
}

static void *serve(void *arg)
{
    (void)arg;
    event_base_dispatch(srv_base);
    return NULL;
}

/* Runs on the server thread: answer the hung requests (libevent frees them), then stop the loop. */
static void teardown_cb(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    (void)arg;
    for (int i = 0; i < hung_count; i++)
        evhttp_send_reply(hung[i], 200, "OK", NULL);
    hung_count = 0;
    event_base_loopexit(srv_base, NULL);
}

static void server_start(void)
{
    struct sockaddr_in sin;
    socklen_t len = sizeof(sin);

    cr_assert_eq(evthread_use_pthreads(), 0);
    srv_base = event_base_new();
    cr_assert_not_null(srv_base);
    srv_http = evhttp_new(srv_base);
    evhttp_set_allowed_methods(srv_http, EVHTTP_REQ_GET | EVHTTP_REQ_POST);
    evhttp_set_cb(srv_http, "/internal/echo", on_echo, NULL);
    evhttp_set_gencb(srv_http, on_generic, NULL);
    struct evhttp_bound_socket *bs = evhttp_bind_socket_with_handle(srv_http, "127.0.0.1", 0);
    cr_assert_not_null(bs);
    cr_assert_eq(getsockname(evhttp_bound_socket_get_fd(bs), (struct sockaddr *)&sin, &len), 0);
    srv_port = ntohs(sin.sin_port);
    snprintf(base_url, sizeof(base_url), "http://127.0.0.1:%d", srv_port);
    cr_assert_eq(pthread_create(&srv_thread, NULL, serve, NULL), 0);
}

static void server_stop(void)
{
    event_base_once(srv_base, -1, EV_TIMEOUT, teardown_cb, NULL, NULL);
    pthread_join(srv_thread, NULL);
    evhttp_free(srv_http);
    event_base_free(srv_base);
}

/* A port nobody listens on: bind an ephemeral port, then close it. */
static int closed_port(void)
{
    struct sockaddr_in sin;
    socklen_t len = sizeof(sin);
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert_eq(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
    cr_assert_eq(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
    close(fd);
    return ntohs(sin.sin_port);
}

TestSuite(internal_client, .init = server_start, .fini = server_stop);

Test(internal_client, get_returns_status_and_body)
{
    internal_response resp;
    char want[128];

    internal_call_status st =
        internal_call("GET", base_url, "/internal/echo", "req-123", NULL, 0, 2000, &resp);
    cr_assert_eq(st, INTERNAL_OK);
    cr_expect_eq(resp.status, 200);
    snprintf(want, sizeof(want), "{\"requestId\":\"req-123\",\"host\":\"127.0.0.1:%d\"}", srv_port);
    cr_assert_not_null(resp.body);
    cr_expect_str_eq(resp.body, want);
    cr_expect_eq(resp.len, strlen(want));
    internal_response_clear(&resp);
    cr_expect_null(resp.body);
}

Test(internal_client, post_sends_the_body)
{
    static const char body[] = "{\"close\":true}";
    internal_response resp;

    internal_call_status st =
        internal_call("POST", base_url, "/internal/echo", "r1", body, sizeof(body) - 1, 2000, &resp);
    cr_assert_eq(st, INTERNAL_OK);
    cr_expect_eq(resp.status, 201);
    cr_expect_str_eq(resp.body, body);
    internal_response_clear(&resp);
}

Test(internal_client, any_http_status_is_a_response)
{
    internal_response resp;

    internal_call_status st = internal_call("GET", base_url, "/internal/missing", NULL, NULL, 0, 2000, &resp);
    cr_assert_eq(st, INTERNAL_OK);
    cr_expect_eq(resp.status, 404);
    cr_expect_not_null(resp.body);
    internal_response_clear(&resp);
}

Test(internal_client, refused_port_is_unreachable)
{
    internal_response resp;
    char url[64];

    snprintf(url, sizeof(url), "http://127.0.0.1:%d", closed_port());
    int64_t start = time_monotonic_us();
    internal_call_status st = internal_call("GET", url, "/internal/echo", "r2", NULL, 0, 2000, &resp);
    cr_expect_eq(st, INTERNAL_UNREACHABLE);
    cr_expect_lt(time_monotonic_us() - start, 1500000, "a refused connect fails fast");
    cr_expect_null(resp.body);
}

Test(internal_client, silent_server_times_out)
{
    internal_response resp;

    int64_t start = time_monotonic_us();
    internal_call_status st = internal_call("GET", base_url, "/internal/hang", "r3", NULL, 0, 300, &resp);
    int64_t elapsed_ms = (time_monotonic_us() - start) / 1000;
    cr_expect_eq(st, INTERNAL_TIMEOUT);
    cr_expect_geq(elapsed_ms, 250, "returned after %lld ms", (long long)elapsed_ms);
    cr_expect_lt(elapsed_ms, 1500, "returned after %lld ms", (long long)elapsed_ms);
    cr_expect_null(resp.body);
}

Test(internal_client, malformed_base_url_is_unreachable)
{
    internal_response resp;

    cr_expect_eq(internal_call("GET", "not a url", "/internal/echo", NULL, NULL, 0, 500, &resp),
                 INTERNAL_UNREACHABLE);
    cr_expect_null(resp.body);
    internal_response_clear(NULL); /* accepted */
}
