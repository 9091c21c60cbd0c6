/* Gateway authentication seen from a client (api.md "Authentication", "Validation order" step 1). The
 * stack's gateway runs with authentication off, so credentials must be ignored there; the ON behaviour is
 * tested on a second gateway process started here (HS256 with issuer, audience and API keys, or RS256)
 * on a free port in front of the stack's services, and killed by pid at the end of each test. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "auth_vectors.h"
#include "harness.h"
#include "util/mem.h"

#define TWO_MIB (2 * 1024 * 1024)
#define READ_KEY "it-reader-key-0001"
#define WRITE_KEY "it-writer-key-0002"
#define ORG_BODY "{\"legalName\":\"Auth Test Org\",\"legalDocument\":\"00000000000191\"}"
#define START_TIMEOUT_MS 20000
#define STOP_TIMEOUT_MS 10000

/* ---- a second gateway --------------------------------------------------------------------------- */

typedef struct auth_gw {
    pid_t pid;
    char url[64];
    char log_path[PATH_MAX];
    char key_path[PATH_MAX]; /* RS256 public key file, "" when none */
} auth_gw;

static auth_gw gw = {.pid = -1};

/* midaz-gateway of the build under test: $BUILD_DIR/bin, else the folder of this binary (both land in
 * <build>/bin). Caller frees. */
static char *gateway_binary(void)
{
    const char *bd = getenv("BUILD_DIR");
    if (bd && bd[0]) {
        char *p = xasprintf("%s/bin/midaz-gateway", bd);
        if (access(p, X_OK) == 0)
            return p;
        free(p);
    }
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    cr_assert(n > 0, "readlink /proc/self/exe: %s", strerror(errno));
    self[n] = '\0';
    char *slash = strrchr(self, '/');
    cr_assert_not_null(slash);
    *slash = '\0';
    char *p = xasprintf("%s/midaz-gateway", self);
    cr_assert(access(p, X_OK) == 0, "no gateway binary at %s (set BUILD_DIR)", p);
    return p;
}

/* A port nobody listens on right now (the kernel's pick for an ephemeral bind). */
static int free_port(void)
{
    struct sockaddr_in sa = {0};
    socklen_t len = sizeof(sa);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert(fd >= 0, "socket: %s", strerror(errno));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert(bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0, "bind: %s", strerror(errno));
    cr_assert(getsockname(fd, (struct sockaddr *)&sa, &len) == 0);
    close(fd);
    return ntohs(sa.sin_port);
}

/* The environment of a gateway process: `extra` ("NAME=value", NULL-terminated) plus the sanitizer
 * options of this process; nothing else leaks in (an AUTH_* of the caller's shell must not). */
static char **gateway_env(const char *const *extra)
{
    static const char *const passed[] = {"ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS", "PATH"};
    size_t n = 0;
    while (extra[n])
        n++;
    char **env = xcalloc(n + ARRAY_LEN(passed) + 1, sizeof(char *));
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        env[k++] = xstrdup(extra[i]);
    for (size_t i = 0; i < ARRAY_LEN(passed); i++) {
        const char *v = getenv(passed[i]);
        if (v)
            env[k++] = xasprintf("%s=%s", passed[i], v);
    }
    return env;
}

static void env_free(char **env)
{
    for (size_t i = 0; env[i]; i++)
        free(env[i]);
    free(env);
}

/* fork + exec the gateway with env, stdout and stderr to log_path. The child dies with this process. */
static pid_t spawn_gateway(char **env, const char *log_path)
{
    char *bin = gateway_binary();
    fflush(NULL);
    pid_t pid = fork();
    cr_assert(pid >= 0, "fork: %s", strerror(errno));
    if (pid == 0) {
        int fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd >= 0) {
            dup2(fd, STDOUT_FILENO);
            dup2(fd, STDERR_FILENO);
            close(fd);
        }
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        char *argv[] = {bin, NULL};
        execve(bin, argv, env);
        _exit(127);
    }
    free(bin);
    return pid;
}

static void print_file(const char *what, const char *path)
{
    char line[1024];
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    fprintf(stderr, "----- %s (%s) -----\n", what, path);
    while (fgets(line, sizeof(line), f))
        fputs(line, stderr);
    fclose(f);
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "r");
    strbuf sb = {0};
    char buf[1024];
    size_t n;
    strbuf_puts(&sb, "");
    if (!f)
        return strbuf_steal(&sb);
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
        strbuf_append(&sb, buf, n);
    fclose(f);
    return strbuf_steal(&sb);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "cannot write %s: %s", path, strerror(errno));
    fputs(text, f);
    fclose(f);
}

/* A temporary file name under TMPDIR (the file is created empty). */
static void temp_path(char *out, size_t size, const char *what)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(out, size, "%s/midaz-it-auth-%s.XXXXXX", tmp && tmp[0] ? tmp : "/tmp", what);
    int fd = mkstemp(out);
    cr_assert(fd >= 0, "mkstemp: %s", strerror(errno));
    close(fd);
}

/* Start a gateway with the AUTH_* lines in `auth` in front of the stack's services; wait for /health. */
static void gateway_start(const char *const *auth)
{
    const char *base[20];
    char port_line[32];
    char *urls[3];
    size_t n = 0;
    int port = free_port();

    snprintf(port_line, sizeof(port_line), "PORT=%d", port);
    urls[0] = xasprintf("ONBOARDING_URL=%s", it_env("ONBOARDING_URL"));
    urls[1] = xasprintf("PORTFOLIO_URL=%s", it_env("PORTFOLIO_URL"));
    urls[2] = xasprintf("TRANSACTION_URL=%s", it_env("TRANSACTION_URL"));
    base[n++] = port_line;
    base[n++] = "BIND_ADDRESS=127.0.0.1"; /* loopback only, like the stack it runs in front of */
    base[n++] = "WORKERS=1";
    base[n++] = "LOG_LEVEL=info";
    base[n++] = urls[0];
    base[n++] = urls[1];
    base[n++] = urls[2];
    for (size_t i = 0; auth[i] && n < ARRAY_LEN(base) - 1; i++)
        base[n++] = auth[i];
    base[n] = NULL;

    temp_path(gw.log_path, sizeof(gw.log_path), "gateway-log");
    char **env = gateway_env(base);
    snprintf(gw.url, sizeof(gw.url), "http://127.0.0.1:%d", port);
    gw.pid = spawn_gateway(env, gw.log_path);
    env_free(env);
    for (int i = 0; i < 3; i++)
        free(urls[i]);

    char *health = xasprintf("%s/health", gw.url);
    int64_t deadline = it_now_ms() + START_TIMEOUT_MS;
    for (;;) {
        int status = 0;
        if (waitpid(gw.pid, &status, WNOHANG) == gw.pid) {
            gw.pid = -1;
            print_file("auth gateway log", gw.log_path);
            cr_assert_fail("the auth gateway exited at start (status %d)", status);
        }
        it_response r;
        if (it_http("GET", health, NULL, NULL, 0, 1000, &r) == 0 && r.status == 200) {
            it_response_free(&r);
            break;
        }
        it_response_free(&r);
        if (it_now_ms() > deadline) {
            print_file("auth gateway log", gw.log_path);
            cr_assert_fail("the auth gateway did not answer /health within %d ms", START_TIMEOUT_MS);
        }
        it_sleep_ms(50);
    }
    free(health);
}

static void hs_start(void)
{
    static const char *const auth[] = {"AUTH_ENABLED=true",
                                       "AUTH_JWT_ALGORITHM=HS256",
                                       "AUTH_JWT_SECRET=" AUTH_TEST_SECRET,
                                       "AUTH_JWT_ISSUER=" AUTH_TEST_ISSUER,
                                       "AUTH_JWT_AUDIENCE=" AUTH_TEST_AUDIENCE,
                                       "AUTH_API_KEYS=" READ_KEY ":read," WRITE_KEY ":write",
                                       NULL};
    gateway_start(auth);
}

static void rs_start(void)
{
    char key_line[PATH_MAX + 32];
    temp_path(gw.key_path, sizeof(gw.key_path), "rs256-pub");
    write_file(gw.key_path, AUTH_TEST_RS_PUBLIC_KEY_PEM);
    snprintf(key_line, sizeof(key_line), "AUTH_JWT_PUBLIC_KEY_FILE=%s", gw.key_path);
    const char *const auth[] = {"AUTH_ENABLED=true", "AUTH_JWT_ALGORITHM=RS256", key_line, NULL};
    gateway_start(auth);
}

/* SIGTERM, then SIGKILL if it does not drain in time; the log is printed when the test failed. */
static void gateway_stop(void)
{
    if (gw.pid > 0) {
        int status = 0;
        kill(gw.pid, SIGTERM);
        int64_t deadline = it_now_ms() + STOP_TIMEOUT_MS;
        while (waitpid(gw.pid, &status, WNOHANG) == 0) {
            if (it_now_ms() > deadline) {
                kill(gw.pid, SIGKILL);
                waitpid(gw.pid, &status, 0);
                break;
            }
            it_sleep_ms(20);
        }
        gw.pid = -1;
    }
    if (gw.log_path[0]) {
        char *log = read_file(gw.log_path);
        if (strstr(log, "AddressSanitizer") || strstr(log, "runtime error:"))
            print_file("auth gateway log (sanitizer report)", gw.log_path);
        free(log);
        unlink(gw.log_path);
        gw.log_path[0] = '\0';
    }
    if (gw.key_path[0]) {
        unlink(gw.key_path);
        gw.key_path[0] = '\0';
    }
}

/* ---- requests ----------------------------------------------------------------------------------- */

/* method path on the auth gateway with up to two header lines (NULL = none). */
static void gw_req(const char *method, const char *path, const char *h1, const char *h2, const char *body,
                   size_t body_len, it_response *out)
{
    const char *headers[3] = {h1, h1 ? h2 : NULL, NULL};
    char *url = xasprintf("%s%s", gw.url, path);
    it_request(method, url, headers, body, body_len, out);
    free(url);
}

static void assert_401(it_response *r, const char *code, const char *what)
{
    cr_log_info("%s -> %ld", what, r->status);
    it_assert_error(r, 401, code, strcmp(code, "0041") == 0 ? "Token Missing" : "Invalid Token");
    const char *wa = it_header_get(r, "WWW-Authenticate");
    cr_assert(wa != NULL && strcmp(wa, "Bearer") == 0, "%s: WWW-Authenticate: Bearer expected: %s", what,
              it_describe(r));
}

static void assert_403(it_response *r, const char *what)
{
    cr_log_info("%s -> %ld", what, r->status);
    it_assert_error(r, 403, "0043", "Insufficient Privileges");
}

#define BEARER(t) "Authorization: Bearer " t
#define APIKEY(k) "X-API-Key: " k

/* ---- authentication off (the stack's gateway) --------------------------------------------------- */

Test(gateway_auth, credentials_are_ignored_when_off)
{
    static const char *const junk[] = {"Authorization: Bearer not-a-token", "X-API-Key: unknown", NULL};
    static const char *const expired[] = {BEARER(AUTH_TEST_HS_EXPIRED), NULL};
    char *url = it_url("GATEWAY_URL", "/v1/organizations");
    it_response r;

    it_request("GET", url, junk, NULL, 0, &r);
    cr_assert_eq(r.status, 200, "auth off: a junk credential is ignored: %s", it_describe(&r));
    it_response_free(&r);
    it_request("GET", url, NULL, NULL, 0, &r);
    cr_assert_eq(r.status, 200, "auth off: no credential needed: %s", it_describe(&r));
    it_response_free(&r);
    it_request("POST", url, expired, ORG_BODY, strlen(ORG_BODY), &r);
    cr_assert_eq(r.status, 201, "auth off: an expired token is ignored on writes: %s", it_describe(&r));
    it_response_free(&r);
    free(url);
}

/* ---- HS256 gateway with issuer, audience and API keys ------------------------------------------- */

TestSuite(gateway_auth_hs, .init = hs_start, .fini = gateway_stop);

Test(gateway_auth_hs, missing_credential_is_0041)
{
    static const struct {
        const char *method, *path;
    } cases[] = {
        {"GET", "/v1/organizations"},
        {"POST", "/v1/organizations"},
        {"DELETE", "/v1/organizations/0193a2b4-1c2d-7e3f-8a9b-0c1d2e3f4a5b"},
        {"GET", "/v1/organizations/0193a2b4-1c2d-7e3f-8a9b-0c1d2e3f4a5b/ledgers/0193a2b4-1c2d-7e3f-8a9b-"
                "0c1d2e3f4a5c/accounts"},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        it_response r;
        gw_req(cases[i].method, cases[i].path, "X-Request-Id: auth-it-0041", NULL, NULL, 0, &r);
        assert_401(&r, "0041", cases[i].path);
        const char *rid = it_header_get(&r, "X-Request-Id");
        cr_assert(rid && strcmp(rid, "auth-it-0041") == 0, "X-Request-Id echoed: %s", it_describe(&r));
        it_response_free(&r);
    }
    /* empty headers count as absent */
    it_response r;
    gw_req("GET", "/v1/organizations", "Authorization;", "X-API-Key;", NULL, 0,
           &r); /* curl: "Name;" sends it empty */
    assert_401(&r, "0041", "empty headers");
    it_response_free(&r);
    /* HEAD: the status and header without a body */
    gw_req("HEAD", "/v1/organizations/metrics/count", NULL, NULL, NULL, 0, &r);
    cr_assert_eq(r.status, 401, "HEAD count without credential: %s", it_describe(&r));
    cr_assert(it_header_get(&r, "WWW-Authenticate") != NULL, "HEAD 401 carries WWW-Authenticate: %s",
              it_describe(&r));
    it_response_free(&r);
}

Test(gateway_auth_hs, invalid_credentials_are_0042)
{
    static const struct {
        const char *what, *h1, *h2;
    } cases[] = {
        {"bad signature", BEARER(AUTH_TEST_HS_BAD_SIGNATURE), NULL},
        {"expired", BEARER(AUTH_TEST_HS_EXPIRED), NULL},
        {"no exp", BEARER(AUTH_TEST_HS_NO_EXP), NULL},
        {"not yet valid", BEARER(AUTH_TEST_HS_NBF_FUTURE), NULL},
        {"alg none", BEARER(AUTH_TEST_HS_ALG_NONE), NULL},
        {"alg HS512", BEARER(AUTH_TEST_HS_ALG_HS512), NULL},
        {"RS256 token", BEARER(AUTH_TEST_RS_WRITE), NULL},
        {"wrong issuer", BEARER(AUTH_TEST_HS_WRONG_ISS), NULL},
        {"wrong audience", BEARER(AUTH_TEST_HS_WRONG_AUD), NULL},
        {"malformed token", "Authorization: Bearer abc.def", NULL},
        {"bad base64url", "Authorization: Bearer ey*J.e30.c2ln", NULL},
        {"other scheme", "Authorization: Basic dXNlcjpwYXNz", NULL},
        {"unknown API key", APIKEY("it-unknown-key"), NULL},
        {"valid token, unknown API key", BEARER(AUTH_TEST_HS_WRITE), APIKEY("it-unknown-key")},
        {"expired token, valid API key", BEARER(AUTH_TEST_HS_EXPIRED), APIKEY(WRITE_KEY)},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        it_response r;
        gw_req("GET", "/v1/organizations", cases[i].h1, cases[i].h2, NULL, 0, &r);
        assert_401(&r, "0042", cases[i].what);
        it_response_free(&r);
    }
}

Test(gateway_auth_hs, missing_permission_is_0043)
{
    static const struct {
        const char *what, *method, *header;
    } cases[] = {
        {"read token, POST", "POST", BEARER(AUTH_TEST_HS_READ)},
        {"read key, POST", "POST", APIKEY(READ_KEY)},
        {"token without scope, GET", "GET", BEARER(AUTH_TEST_HS_NO_SCOPE)},
        {"token with other scopes, GET", "GET", BEARER(AUTH_TEST_HS_OTHER_SCOPES)},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        it_response r;
        gw_req(cases[i].method, "/v1/organizations", cases[i].header, NULL, ORG_BODY, strlen(ORG_BODY), &r);
        assert_403(&r, cases[i].what);
        it_response_free(&r);
    }
    it_response r;
    gw_req("DELETE", "/v1/organizations/0193a2b4-1c2d-7e3f-8a9b-0c1d2e3f4a5b", APIKEY(READ_KEY), NULL, NULL,
           0, &r);
    assert_403(&r, "read key, DELETE");
    it_response_free(&r);
    gw_req("PATCH", "/v1/organizations/0193a2b4-1c2d-7e3f-8a9b-0c1d2e3f4a5b", BEARER(AUTH_TEST_HS_READ), NULL,
           "{}", 2, &r);
    assert_403(&r, "read token, PATCH");
    it_response_free(&r);
}

Test(gateway_auth_hs, read_credentials_can_read)
{
    it_response r;
    gw_req("GET", "/v1/organizations", BEARER(AUTH_TEST_HS_READ), NULL, NULL, 0, &r);
    cr_assert_eq(r.status, 200, "read token, GET: %s", it_describe(&r));
    it_response_free(&r);
    gw_req("GET", "/v1/organizations", APIKEY(READ_KEY), NULL, NULL, 0, &r);
    cr_assert_eq(r.status, 200, "read key, GET: %s", it_describe(&r));
    it_response_free(&r);
    gw_req("GET", "/v1/organizations", "Authorization: bearer " AUTH_TEST_HS_BOTH_AUD_ARRAY, NULL, NULL, 0,
           &r);
    cr_assert_eq(r.status, 200, "lower-case scheme, aud array: %s", it_describe(&r));
    it_response_free(&r);
    gw_req("HEAD", "/v1/organizations/metrics/count", BEARER(AUTH_TEST_HS_READ), NULL, NULL, 0, &r);
    cr_assert_eq(r.status, 204, "read token, HEAD count: %s", it_describe(&r));
    cr_assert_not_null(it_header_get(&r, "X-Total-Count"), "%s", it_describe(&r));
    it_response_free(&r);
    /* after authentication the services' own checks run: a bad path id is 400 0065 */
    gw_req("GET", "/v1/organizations/not-a-uuid", APIKEY(READ_KEY), NULL, NULL, 0, &r);
    it_assert_error(&r, 400, "0065", NULL);
    it_response_free(&r);
}

Test(gateway_auth_hs, write_credentials_can_write)
{
    static const struct {
        const char *what, *h1, *h2;
    } cases[] = {
        {"write token", BEARER(AUTH_TEST_HS_WRITE), NULL},
        {"write key", APIKEY(WRITE_KEY), NULL},
        {"token with both scopes", BEARER(AUTH_TEST_HS_BOTH_AUD_ARRAY), NULL},
        {"read token + write key (union)", BEARER(AUTH_TEST_HS_READ), APIKEY(WRITE_KEY)},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        it_response r;
        gw_req("POST", "/v1/organizations", cases[i].h1, cases[i].h2, ORG_BODY, strlen(ORG_BODY), &r);
        cr_assert_eq(r.status, 201, "%s, POST: %s", cases[i].what, it_describe(&r));
        const char *id = it_json_str(&r, "id");
        cr_assert_not_null(id, "%s: id: %s", cases[i].what, it_describe(&r));
        char *path = xasprintf("/v1/organizations/%s", id);
        it_response g;
        gw_req("GET", path, BEARER(AUTH_TEST_HS_READ), NULL, NULL, 0, &g);
        cr_assert_eq(g.status, 200, "%s: read back: %s", cases[i].what, it_describe(&g));
        it_response_free(&g);
        gw_req("DELETE", path, APIKEY(WRITE_KEY), NULL, NULL, 0, &g);
        cr_assert_eq(g.status, 204, "%s: delete with the write key: %s", cases[i].what, it_describe(&g));
        it_response_free(&g);
        free(path);
        it_response_free(&r);
    }
}

Test(gateway_auth_hs, operational_endpoints_need_no_credential)
{
    static const char *const paths[] = {"/health",  "/readyz",          "/version",
                                        "/metrics", "/v1/openapi.json", "/docs"};
    for (size_t i = 0; i < ARRAY_LEN(paths); i++) {
        it_response r;
        gw_req("GET", paths[i], NULL, NULL, NULL, 0, &r);
        cr_assert_eq(r.status, 200, "GET %s without credential: %s", paths[i], it_describe(&r));
        it_response_free(&r);
        gw_req("GET", paths[i], "Authorization: Bearer junk", "X-API-Key: junk", NULL, 0, &r);
        cr_assert_eq(r.status, 200, "GET %s with a junk credential (not checked): %s", paths[i],
                     it_describe(&r));
        it_response_free(&r);
    }
}

Test(gateway_auth_hs, route_errors_come_before_authentication)
{
    it_response r;
    gw_req("GET", "/v1/no-such-route", NULL, NULL, NULL, 0, &r);
    it_assert_error(&r, 404, "0484", NULL);
    it_response_free(&r);
    gw_req("GET", "/v1/organizations/", "Authorization: Bearer junk", NULL, NULL, 0, &r);
    it_assert_error(&r, 404, "0484", NULL);
    it_response_free(&r);
    gw_req("PUT", "/v1/organizations", NULL, NULL, "{}", 2, &r);
    it_assert_error(&r, 405, "0485", NULL);
    cr_assert_not_null(it_header_get(&r, "Allow"), "405 carries Allow: %s", it_describe(&r));
    it_response_free(&r);
    gw_req("OPTIONS", "/v1/organizations", APIKEY("it-unknown-key"), NULL, NULL, 0, &r);
    it_assert_error(&r, 405, "0485", NULL);
    it_response_free(&r);
    gw_req("POST", "/health", NULL, NULL, "{}", 2, &r);
    it_assert_error(&r, 405, "0485", NULL);
    it_response_free(&r);
}

Test(gateway_auth_hs, body_size_comes_after_authentication)
{
    char *big = xmalloc(TWO_MIB);
    memset(big, ' ', TWO_MIB);
    big[0] = '{';
    big[TWO_MIB - 1] = '}';
    it_response r;

    gw_req("POST", "/v1/organizations", NULL, NULL, big, TWO_MIB, &r);
    assert_401(&r, "0041", "2 MiB POST without credential");
    it_response_free(&r);
    gw_req("POST", "/v1/organizations", BEARER(AUTH_TEST_HS_EXPIRED), NULL, big, TWO_MIB, &r);
    assert_401(&r, "0042", "2 MiB POST with an expired token");
    it_response_free(&r);
    gw_req("POST", "/v1/organizations", APIKEY(READ_KEY), NULL, big, TWO_MIB, &r);
    assert_403(&r, "2 MiB POST with a read key");
    it_response_free(&r);
    gw_req("POST", "/v1/organizations", BEARER(AUTH_TEST_HS_WRITE), NULL, big, TWO_MIB, &r);
    it_assert_error(&r, 413, "0143", NULL);
    it_response_free(&r);
    free(big);
}

/* ---- RS256 gateway (public key file, no issuer or audience, no API keys) ------------------------ */

TestSuite(gateway_auth_rs, .init = rs_start, .fini = gateway_stop);

Test(gateway_auth_rs, rs256_tokens)
{
    static const struct {
        const char *what, *method, *header;
        long status;
        const char *code;
    } cases[] = {
        {"write token, POST", "POST", BEARER(AUTH_TEST_RS_WRITE), 201, NULL},
        {"read token, GET", "GET", BEARER(AUTH_TEST_RS_READ), 200, NULL},
        {"read token, POST", "POST", BEARER(AUTH_TEST_RS_READ), 403, "0043"},
        {"expired", "GET", BEARER(AUTH_TEST_RS_EXPIRED), 401, "0042"},
        {"signed by another key", "GET", BEARER(AUTH_TEST_RS_OTHER_KEY), 401, "0042"},
        {"tampered claims", "GET", BEARER(AUTH_TEST_RS_TAMPERED), 401, "0042"},
        {"HS256 token", "GET", BEARER(AUTH_TEST_HS_WRITE), 401, "0042"},
        {"HS256 header (alg confusion)", "GET", BEARER(AUTH_TEST_RS_HEADER_HS256), 401, "0042"},
        {"alg none", "GET", BEARER(AUTH_TEST_HS_ALG_NONE), 401, "0042"},
        {"API key (none configured)", "GET", APIKEY(WRITE_KEY), 401, "0042"},
        {"nothing", "GET", NULL, 401, "0041"},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        it_response r;
        gw_req(cases[i].method, "/v1/organizations", cases[i].header, NULL, ORG_BODY, strlen(ORG_BODY), &r);
        if (cases[i].code == NULL)
            cr_assert_eq(r.status, cases[i].status, "%s: %s", cases[i].what, it_describe(&r));
        else if (cases[i].status == 401)
            assert_401(&r, cases[i].code, cases[i].what);
        else
            assert_403(&r, cases[i].what);
        it_response_free(&r);
    }
}

/* ---- start-up validation ------------------------------------------------------------------------ */

/* Runs the gateway with `lines` and expects exit status 2 with one stderr line naming `var`. */
static void expect_refused(const char *const *lines, const char *var)
{
    char log_path[PATH_MAX];
    const char *base[12];
    size_t n = 0;
    base[n++] = "PORT=1";
    for (size_t i = 0; lines[i] && n < ARRAY_LEN(base) - 1; i++)
        base[n++] = lines[i];
    base[n] = NULL;
    temp_path(log_path, sizeof(log_path), "refused-log");
    char **env = gateway_env(base);
    pid_t pid = spawn_gateway(env, log_path);
    env_free(env);

    int status = 0;
    int64_t deadline = it_now_ms() + STOP_TIMEOUT_MS;
    while (waitpid(pid, &status, WNOHANG) == 0) {
        if (it_now_ms() > deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            print_file("gateway output", log_path);
            unlink(log_path);
            cr_assert_fail("the gateway kept running with %s wrong", var);
        }
        it_sleep_ms(20);
    }
    char *out = read_file(log_path);
    unlink(log_path);
    cr_log_info("%s -> exit %d: %s", var, WIFEXITED(status) ? WEXITSTATUS(status) : -1, out);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 2, "%s: exit status 2 expected, got %d: %s", var,
              status, out);
    char *want = xasprintf("midaz-gateway: %s: ", var);
    cr_assert(strncmp(out, want, strlen(want)) == 0, "stderr starts with '%s': %s", want, out);
    cr_assert(strchr(out, '\n') == out + strlen(out) - 1, "exactly one line: %s", out);
    cr_assert(strstr(out, "it-secret-value") == NULL, "a secret is shown: %s", out);
    free(want);
    free(out);
}

Test(gateway_auth, bad_configuration_exits_2_with_one_line)
{
    char weak[PATH_MAX];
    char weak_line[PATH_MAX + 32];
    temp_path(weak, sizeof(weak), "weak-pub");
    write_file(weak, AUTH_TEST_WEAK_PUBLIC_KEY_PEM);
    snprintf(weak_line, sizeof(weak_line), "AUTH_JWT_PUBLIC_KEY_FILE=%s", weak);

    const char *const not_bool[] = {"AUTH_ENABLED=maybe", NULL};
    const char *const bad_alg[] = {"AUTH_JWT_ALGORITHM=HS512", NULL};
    const char *const nothing[] = {"AUTH_ENABLED=true", NULL};
    const char *const short_secret[] = {"AUTH_ENABLED=true", "AUTH_JWT_SECRET=it-secret-value", NULL};
    const char *const bad_keys[] = {"AUTH_ENABLED=true", "AUTH_API_KEYS=it-secret-value:admin", NULL};
    const char *const no_file[] = {"AUTH_ENABLED=true", "AUTH_JWT_ALGORITHM=RS256",
                                   "AUTH_JWT_PUBLIC_KEY_FILE=/nonexistent/midaz-key.pem", NULL};
    const char *const weak_key[] = {"AUTH_ENABLED=true", "AUTH_JWT_ALGORITHM=RS256", weak_line, NULL};
    const char *const secret_with_rs[] = {"AUTH_ENABLED=true", "AUTH_JWT_ALGORITHM=RS256",
                                          "AUTH_JWT_SECRET=it-secret-value-it-secret-value-1234", weak_line,
                                          NULL};

    expect_refused(not_bool, "AUTH_ENABLED");
    expect_refused(bad_alg, "AUTH_JWT_ALGORITHM");
    expect_refused(nothing, "AUTH_ENABLED");
    expect_refused(short_secret, "AUTH_JWT_SECRET");
    expect_refused(bad_keys, "AUTH_API_KEYS");
    expect_refused(no_file, "AUTH_JWT_PUBLIC_KEY_FILE");
    expect_refused(weak_key, "AUTH_JWT_PUBLIC_KEY_FILE");
    expect_refused(secret_with_rs, "AUTH_JWT_SECRET");
    unlink(weak);
}

/* The listen address and the upstream URLs go through the same start-up check (common/config): a
 * value that is not exactly what the type accepts stops the gateway before it binds anything. */
Test(gateway_auth, bad_addresses_exit_2_with_one_line)
{
    const char *const bind_name[] = {"BIND_ADDRESS=localhost", NULL};
    const char *const bind_port[] = {"BIND_ADDRESS=127.0.0.1:3000", NULL};
    const char *const https[] = {"ONBOARDING_URL=https://127.0.0.1:3001", NULL};
    const char *const path[] = {"PORTFOLIO_URL=http://127.0.0.1:3002/v1", NULL};
    const char *const no_port[] = {"TRANSACTION_URL=http://127.0.0.1", NULL};

    expect_refused(bind_name, "BIND_ADDRESS");
    expect_refused(bind_port, "BIND_ADDRESS");
    expect_refused(https, "ONBOARDING_URL");
    expect_refused(path, "PORTFOLIO_URL");
    expect_refused(no_port, "TRANSACTION_URL");
}
