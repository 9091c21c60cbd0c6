/* Unit tests of common/config: int bounds, enum, bool, required values, defaults, --help and unknown
 * arguments. Exits are checked two ways: Criterion's .exit_code, and a forked child whose stderr is
 * captured so the exact one-line message (and that secrets stay out of it) is asserted. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config/config.h"
#include "config/config_url.h"

static int port;
static int workers;
static bool flag;
static const char *level;
static const char *dburl;
static const char *topic;

static config_var table[] = {
    {"T_PORT", CFG_INT, "3001", 1, 65535, NULL, false, "TCP port", &port},
    {"T_WORKERS", CFG_INT, "4", 1, 256, NULL, false, "worker threads", &workers},
    {"T_FLAG", CFG_BOOL, "false", 0, 0, NULL, false, "a switch", &flag},
    {"T_LEVEL", CFG_ENUM, "info", 0, 0, "debug|info|warn|error", false, "log level", &level},
    {"T_DATABASE_URL", CFG_STRING, NULL, 0, 0, NULL, true, "PostgreSQL URL", &dburl},
    {"T_TOPIC", CFG_STRING, "midaz.x.events", 0, 0, NULL, false, "Kafka topic", &topic},
};

static char *argv_plain[] = {"prog", NULL};

static void env_base(void)
{
    unsetenv("T_PORT");
    unsetenv("T_WORKERS");
    unsetenv("T_FLAG");
    unsetenv("T_LEVEL");
    unsetenv("T_TOPIC");
    setenv("T_DATABASE_URL", "postgres://u:hunter2@db/midaz", 1);
}

/* A forked child of the (threaded) test runner may get a LeakSanitizer note appended at exit; those
 * lines start with "==" and are not the program's output. */
static void strip_sanitizer_noise(char *err)
{
    char *p = err;
    while (*p) {
        if (p[0] == '=' && p[1] == '=') {
            *p = '\0';
            return;
        }
        char *nl = strchr(p, '\n');
        if (!nl)
            return;
        p = nl + 1;
    }
}

/* Run config_load in a child; returns its exit status and what it wrote to stderr / stdout. */
static int run_child(int argc, char **argv, char *err, size_t errcap, char *out, size_t outcap)
{
    int ep[2], op[2];
    cr_assert_eq(pipe(ep), 0);
    cr_assert_eq(pipe(op), 0);
    fflush(NULL);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        dup2(ep[1], STDERR_FILENO);
        dup2(op[1], STDOUT_FILENO);
        close(ep[0]);
        close(op[0]);
        config_load("midaz-test", table, sizeof(table) / sizeof(table[0]), argc, argv);
        fflush(stdout);
        _exit(0);
    }
    close(ep[1]);
    close(op[1]);
    size_t n = 0;
    ssize_t k;
    while (n + 1 < errcap && (k = read(ep[0], err + n, errcap - 1 - n)) > 0)
        n += (size_t)k;
    err[n] = '\0';
    n = 0;
    while (n + 1 < outcap && (k = read(op[0], out + n, outcap - 1 - n)) > 0)
        n += (size_t)k;
    out[n] = '\0';
    close(ep[0]);
    close(op[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    cr_assert(WIFEXITED(status));
    strip_sanitizer_noise(err);
    return WEXITSTATUS(status);
}

typedef struct bad_case {
    const char *name, *value, *want;
} bad_case;

Test(config, bad_values_one_line_exit_2)
{
    static const bad_case bad[] = {
        {"T_PORT", "abc", "midaz-test: T_PORT: must be an integer between 1 and 65535, got \"abc\"\n"},
        {"T_PORT", "0", "midaz-test: T_PORT: must be an integer between 1 and 65535, got \"0\"\n"},
        {"T_PORT", "65536", "midaz-test: T_PORT: must be an integer between 1 and 65535, got \"65536\"\n"},
        {"T_PORT", " 80", "midaz-test: T_PORT: must be an integer between 1 and 65535, got \" 80\"\n"},
        {"T_PORT", "80x", "midaz-test: T_PORT: must be an integer between 1 and 65535, got \"80x\"\n"},
        {"T_PORT", "+3001", "midaz-test: T_PORT: must be an integer between 1 and 65535, got \"+3001\"\n"},
        {"T_PORT", "3001 ", "midaz-test: T_PORT: must be an integer between 1 and 65535, got \"3001 \"\n"},
        {"T_PORT", "03001", "midaz-test: T_PORT: must be an integer between 1 and 65535, got \"03001\"\n"},
        {"T_PORT", "-1", "midaz-test: T_PORT: must be an integer between 1 and 65535, got \"-1\"\n"},
        {"T_PORT", "0x50", "midaz-test: T_PORT: must be an integer between 1 and 65535, got \"0x50\"\n"},
        {"T_PORT", "99999999999999999999",
         "midaz-test: T_PORT: must be an integer between 1 and 65535, got "
         "\"99999999999999999999\"\n"},
        {"T_WORKERS", "257", "midaz-test: T_WORKERS: must be an integer between 1 and 256, got \"257\"\n"},
        {"T_FLAG", "maybe", "midaz-test: T_FLAG: must be one of true, false, 1, 0, yes, no, got \"maybe\"\n"},
        {"T_LEVEL", "verbose",
         "midaz-test: T_LEVEL: must be one of debug, info, warn, error, got \"verbose\"\n"},
        {"T_LEVEL", "INFO", "midaz-test: T_LEVEL: must be one of debug, info, warn, error, got \"INFO\"\n"},
        {"T_DATABASE_URL", "", "midaz-test: T_DATABASE_URL: required but not set\n"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char err[512], out[64];
        env_base();
        setenv(bad[i].name, bad[i].value, 1);
        int rc = run_child(1, argv_plain, err, sizeof(err), out, sizeof(out));
        cr_expect_eq(rc, 2, "%s=%s: exit %d", bad[i].name, bad[i].value, rc);
        cr_expect_str_eq(err, bad[i].want, "%s=%s", bad[i].name, bad[i].value);
    }
}

Test(config, required_missing_names_the_variable)
{
    char err[512], out[64];
    env_base();
    unsetenv("T_DATABASE_URL");
    cr_expect_eq(run_child(1, argv_plain, err, sizeof(err), out, sizeof(out)), 2);
    cr_expect_str_eq(err, "midaz-test: T_DATABASE_URL: required but not set\n");
}

Test(config, defaults_and_values_loaded)
{
    env_base();
    setenv("T_WORKERS", "16", 1);
    setenv("T_LEVEL", "debug", 1);
    setenv("T_TOPIC", "", 1); /* empty counts as unset: the default applies */
    config_load("midaz-test", table, sizeof(table) / sizeof(table[0]), 1, argv_plain);
    cr_expect_eq(port, 3001);
    cr_expect_eq(workers, 16);
    cr_expect_eq(flag, false);
    cr_expect_str_eq(level, "debug");
    cr_expect_str_eq(dburl, "postgres://u:hunter2@db/midaz");
    cr_expect_str_eq(topic, "midaz.x.events");
}

Test(config, int_bounds_inclusive)
{
    static const struct {
        const char *v;
        int want;
    } ok[] = {{"1", 1}, {"65535", 65535}, {"8080", 8080}, {"10", 10}};
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        env_base();
        setenv("T_PORT", ok[i].v, 1);
        config_load("midaz-test", table, sizeof(table) / sizeof(table[0]), 1, argv_plain);
        cr_expect_eq(port, ok[i].want, "T_PORT=%s", ok[i].v);
    }
}

Test(config, bool_spellings)
{
    static const struct {
        const char *v;
        bool want;
    } b[] = {{"true", true},   {"1", true},  {"yes", true}, {"TRUE", true},
             {"false", false}, {"0", false}, {"no", false}, {"No", false}};
    for (size_t i = 0; i < sizeof(b) / sizeof(b[0]); i++) {
        env_base();
        setenv("T_FLAG", b[i].v, 1);
        flag = !b[i].want;
        config_load("midaz-test", table, sizeof(table) / sizeof(table[0]), 1, argv_plain);
        cr_expect_eq(flag, b[i].want, "T_FLAG=%s", b[i].v);
    }
}

Test(config, enum_accepts_each_choice)
{
    static const char *const choices[] = {"debug", "info", "warn", "error"};
    for (size_t i = 0; i < 4; i++) {
        env_base();
        setenv("T_LEVEL", choices[i], 1);
        config_load("midaz-test", table, sizeof(table) / sizeof(table[0]), 1, argv_plain);
        cr_expect_str_eq(level, choices[i]);
    }
}

static void init_bad_port(void)
{
    env_base();
    setenv("T_PORT", "abc", 1);
}

Test(config, bad_int_exits_2, .init = init_bad_port, .exit_code = 2)
{
    config_load("midaz-test", table, sizeof(table) / sizeof(table[0]), 1, argv_plain);
}

static void init_bad_enum(void)
{
    env_base();
    setenv("T_LEVEL", "loud", 1);
}

Test(config, bad_enum_exits_2, .init = init_bad_enum, .exit_code = 2)
{
    config_load("midaz-test", table, sizeof(table) / sizeof(table[0]), 1, argv_plain);
}

static void init_missing_required(void)
{
    env_base();
    unsetenv("T_DATABASE_URL");
}

Test(config, required_missing_exits_2, .init = init_missing_required, .exit_code = 2)
{
    config_load("midaz-test", table, sizeof(table) / sizeof(table[0]), 1, argv_plain);
}

static char *argv_help[] = {"prog", "--help", NULL};
static char *argv_h[] = {"prog", "-h", NULL};
static char *argv_unknown[] = {"prog", "--port=80", NULL};

Test(config, help_exits_0, .init = init_missing_required, .exit_code = 0)
{
    /* --help works even when the environment is incomplete */
    config_load("midaz-test", table, sizeof(table) / sizeof(table[0]), 2, argv_help);
}

Test(config, unknown_argument_exits_2, .init = env_base, .exit_code = 2)
{
    config_load("midaz-test", table, sizeof(table) / sizeof(table[0]), 2, argv_unknown);
}

Test(config, help_lists_table_without_secret_values)
{
    char err[256], out[4096];
    env_base();
    int rc = run_child(2, argv_h, err, sizeof(err), out, sizeof(out));
    cr_expect_eq(rc, 0);
    cr_expect_str_empty(err);
    cr_expect(strstr(out, "T_PORT") && strstr(out, "1..65535") && strstr(out, "3001"), "%s", out);
    cr_expect(strstr(out, "T_LEVEL") && strstr(out, "debug|info|warn|error"), "%s", out);
    cr_expect(strstr(out, "T_DATABASE_URL") && strstr(out, "(required, secret)"), "%s", out);
    cr_expect_null(strstr(out, "hunter2"));
}

Test(config, unknown_argument_message)
{
    char err[256], out[64];
    env_base();
    cr_expect_eq(run_child(2, argv_unknown, err, sizeof(err), out, sizeof(out)), 2);
    cr_expect(strncmp(err, "midaz-test: --port=80: ", 23) == 0, "%s", err);
    cr_expect_eq(strchr(err, '\n'), err + strlen(err) - 1, "exactly one line: %s", err);
}

static config_var secret_int[] = {
    {"T_SECRET_NUM", CFG_INT, NULL, 1, 9, NULL, true, "a secret number", &port},
};

Test(config, secret_value_never_printed)
{
    int ep[2];
    cr_assert_eq(pipe(ep), 0);
    setenv("T_SECRET_NUM", "s3cr3t", 1);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(ep[1], STDERR_FILENO);
        config_load("midaz-test", secret_int, 1, 1, argv_plain);
        _exit(0);
    }
    close(ep[1]);
    char err[256];
    ssize_t n = read(ep[0], err, sizeof(err) - 1);
    err[n > 0 ? n : 0] = '\0';
    strip_sanitizer_noise(err);
    close(ep[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    cr_expect_eq(WEXITSTATUS(status), 2);
    cr_expect(strncmp(err, "midaz-test: T_SECRET_NUM: ", 26) == 0, "%s", err);
    cr_expect_null(strstr(err, "s3cr3t"), "%s", err);
}

/* ---- address and connection-string types ------------------------------------------------------- */

static const char *t_url;
static const char *t_brokers;
static const char *t_dsn;
static const char *t_public_dsn;
static int t_offset;
static const char *t_bind;

static config_var typed_table[] = {
    {"T_URL", CFG_HTTP_URL, "http://127.0.0.1:3001", 0, 0, NULL, false, "base URL", &t_url},
    {"T_BROKERS", CFG_HOST_PORTS, "127.0.0.1:9092", 0, 0, NULL, false, "brokers", &t_brokers},
    {"T_DSN", CFG_PG_CONNINFO, NULL, 0, 0, NULL, true, "PostgreSQL URL", &t_dsn},
    {"T_PUBLIC_DSN", CFG_PG_CONNINFO, "host=db dbname=midaz", 0, 0, NULL, false, "public conninfo",
     &t_public_dsn},
    {"T_OFFSET", CFG_INT, "0", -10, 10, NULL, false, "signed value", &t_offset},
    {"T_BIND", CFG_IP_ADDRESS, "0.0.0.0", 0, 0, NULL, false, "listen address", &t_bind},
};

static void typed_env(void)
{
    unsetenv("T_URL");
    unsetenv("T_BROKERS");
    unsetenv("T_PUBLIC_DSN");
    unsetenv("T_OFFSET");
    unsetenv("T_BIND");
    setenv("T_DSN", "postgresql://u:hunter2@db:5432/midaz", 1);
}

/* config_load of typed_table in a child: exit status, stderr into err. */
static int run_typed_child(char *err, size_t errcap)
{
    int ep[2];
    cr_assert_eq(pipe(ep), 0);
    fflush(NULL);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        dup2(ep[1], STDERR_FILENO);
        close(ep[0]);
        config_load("midaz-test", typed_table, sizeof(typed_table) / sizeof(typed_table[0]), 1, argv_plain);
        _exit(0);
    }
    close(ep[1]);
    size_t n = 0;
    ssize_t k;
    while (n + 1 < errcap && (k = read(ep[0], err + n, errcap - 1 - n)) > 0)
        n += (size_t)k;
    err[n] = '\0';
    close(ep[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    cr_assert(WIFEXITED(status));
    strip_sanitizer_noise(err);
    return WEXITSTATUS(status);
}

Test(config, typed_values_accepted)
{
    static const struct {
        const char *name, *value;
    } ok[] = {
        {"T_URL", "http://onboarding:3001"},
        {"T_URL", "http://127.0.0.1:65535/"},
        {"T_URL", "http://[::1]:3001"},
        {"T_BROKERS", "kafka:9092"},
        {"T_BROKERS", "k1:9092,k2:9093,[fe80::1]:9094"},
        {"T_DSN", "host=db port=5432 dbname=midaz user=x password=y"},
        {"T_DSN", "postgres://x@db/midaz?sslmode=disable"},
        {"T_OFFSET", "-10"},
        {"T_OFFSET", "-3"},
        {"T_OFFSET", "0"},
        {"T_BIND", "127.0.0.1"},
        {"T_BIND", "0.0.0.0"},
        {"T_BIND", "::"},
        {"T_BIND", "::1"},
        {"T_BIND", "2001:db8::7"},
    };
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        char err[512];
        typed_env();
        setenv(ok[i].name, ok[i].value, 1);
        cr_expect_eq(run_typed_child(err, sizeof(err)), 0, "%s=%s: %s", ok[i].name, ok[i].value, err);
    }
    typed_env();
    setenv("T_BROKERS", "a:1,b:2", 1);
    setenv("T_OFFSET", "-7", 1);
    config_load("midaz-test", typed_table, sizeof(typed_table) / sizeof(typed_table[0]), 1, argv_plain);
    cr_expect_str_eq(t_url, "http://127.0.0.1:3001");
    cr_expect_str_eq(t_brokers, "a:1,b:2");
    cr_expect_str_eq(t_dsn, "postgresql://u:hunter2@db:5432/midaz");
    cr_expect_eq(t_offset, -7);
    cr_expect_str_eq(t_bind, "0.0.0.0");
}

Test(config, typed_values_refused_with_one_line)
{
    static const bad_case bad[] = {
        {"T_URL", "https://a:1",
         "midaz-test: T_URL: must be http://host:port (must start with http://), got "
         "\"https://a:1\"\n"},
        {"T_URL", "http://a",
         "midaz-test: T_URL: must be http://host:port (must be http://host:port), got "
         "\"http://a\"\n"},
        {"T_URL", "http://a:0",
         "midaz-test: T_URL: must be http://host:port (port must be 1..65535), got "
         "\"http://a:0\"\n"},
        {"T_URL", "http://a:3001/x",
         "midaz-test: T_URL: must be http://host:port (must be http://host:port (no "
         "path or query)), got \"http://a:3001/x\"\n"},
        {"T_URL", "http://u@a:1",
         "midaz-test: T_URL: must be http://host:port (user information is not "
         "allowed), got \"http://u@a:1\"\n"},
        {"T_BROKERS", "kafka",
         "midaz-test: T_BROKERS: must be host:port[,host:port...] (missing :port), got "
         "\"kafka\"\n"},
        {"T_BROKERS", "a:1,",
         "midaz-test: T_BROKERS: must be host:port[,host:port...] (empty element), got "
         "\"a:1,\"\n"},
        {"T_BROKERS", "a:1, b:2",
         "midaz-test: T_BROKERS: must be host:port[,host:port...] (missing host), got "
         "\"a:1, b:2\"\n"},
        {"T_BROKERS", "a:99999",
         "midaz-test: T_BROKERS: must be host:port[,host:port...] (port must be "
         "1..65535), got \"a:99999\"\n"},
        {"T_BROKERS", "a:1;b:2",
         "midaz-test: T_BROKERS: must be host:port[,host:port...] (elements must be "
         "host:port separated by commas), got \"a:1;b:2\"\n"},
        {"T_DSN", "notaurl",
         "midaz-test: T_DSN: is not a PostgreSQL connection URI or key=value string "
         "(secret value not shown)\n"},
        {"T_DSN", "postgresql://u:hunter2@[::1",
         "midaz-test: T_DSN: is not a PostgreSQL connection URI or key=value string (secret value not "
         "shown)\n"},
        {"T_OFFSET", "11", "midaz-test: T_OFFSET: must be an integer between -10 and 10, got \"11\"\n"},
        {"T_OFFSET", "+1", "midaz-test: T_OFFSET: must be an integer between -10 and 10, got \"+1\"\n"},
        {"T_OFFSET", "-01", "midaz-test: T_OFFSET: must be an integer between -10 and 10, got \"-01\"\n"},
        {"T_BIND", "localhost",
         "midaz-test: T_BIND: must be a numeric IPv4 or IPv6 address (e.g. 0.0.0.0, ::), got "
         "\"localhost\"\n"},
        {"T_BIND", "[::1]",
         "midaz-test: T_BIND: must be a numeric IPv4 or IPv6 address (e.g. 0.0.0.0, ::), got \"[::1]\"\n"},
        {"T_BIND", "127.0.0.1:3000",
         "midaz-test: T_BIND: must be a numeric IPv4 or IPv6 address (e.g. 0.0.0.0, ::), got "
         "\"127.0.0.1:3000\"\n"},
        {"T_BIND", "127.1",
         "midaz-test: T_BIND: must be a numeric IPv4 or IPv6 address (e.g. 0.0.0.0, ::), got \"127.1\"\n"},
        {"T_BIND", " 127.0.0.1",
         "midaz-test: T_BIND: must be a numeric IPv4 or IPv6 address (e.g. 0.0.0.0, ::), got "
         "\" 127.0.0.1\"\n"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char err[512];
        typed_env();
        setenv(bad[i].name, bad[i].value, 1);
        cr_expect_eq(run_typed_child(err, sizeof(err)), 2, "%s=%s", bad[i].name, bad[i].value);
        cr_expect_str_eq(err, bad[i].want, "%s=%s", bad[i].name, bad[i].value);
        cr_expect_null(strstr(err, "hunter2"), "%s", err);
    }
}

Test(config, public_conninfo_error_says_why)
{
    char err[512];
    typed_env();
    setenv("T_PUBLIC_DSN", "notaurl", 1);
    cr_expect_eq(run_typed_child(err, sizeof(err)), 2);
    static const char head[] = "midaz-test: T_PUBLIC_DSN: is not a PostgreSQL connection URI";
    cr_expect(strncmp(err, head, sizeof(head) - 1) == 0, "%s", err);
    cr_expect(strstr(err, "\"notaurl\""), "%s", err);
    cr_expect_eq(strchr(err, '\n'), err + strlen(err) - 1, "exactly one line: %s", err);
}

Test(config, help_names_the_new_types)
{
    char out[4096];
    int op[2];
    cr_assert_eq(pipe(op), 0);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        char *argv[] = {"prog", "--help", NULL};
        dup2(op[1], STDOUT_FILENO);
        close(op[0]);
        config_load("midaz-test", typed_table, sizeof(typed_table) / sizeof(typed_table[0]), 2, argv);
        _exit(1);
    }
    close(op[1]);
    size_t n = 0;
    ssize_t k;
    while (n + 1 < sizeof(out) && (k = read(op[0], out + n, sizeof(out) - 1 - n)) > 0)
        n += (size_t)k;
    out[n] = '\0';
    close(op[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    cr_expect_eq(WEXITSTATUS(status), 0);
    cr_expect(strstr(out, "http-url") && strstr(out, "host:port,...") && strstr(out, "pg-conninfo") &&
                  strstr(out, "ip-address"),
              "%s", out);
    cr_expect_null(strstr(out, "hunter2"));
}

Test(config, http_url_parse_fills_host_port_authority)
{
    static const struct {
        const char *text, *host, *authority;
        int port;
    } ok[] = {
        {"http://onboarding:3001", "onboarding", "onboarding:3001", 3001},
        {"http://127.0.0.1:3002/", "127.0.0.1", "127.0.0.1:3002", 3002},
        {"http://[::1]:3003", "::1", "[::1]:3003", 3003},
        {"http://my-svc.ns.svc.cluster.local:65535", "my-svc.ns.svc.cluster.local",
         "my-svc.ns.svc.cluster.local:65535", 65535},
    };
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        config_http_url u;
        const char *why = NULL;
        cr_assert_eq(config_http_url_parse(ok[i].text, &u, &why), 0, "%s: %s", ok[i].text, why);
        cr_expect_null(why, "%s: no reason on success", ok[i].text);
        cr_expect_str_eq(u.host, ok[i].host);
        cr_expect_str_eq(u.authority, ok[i].authority);
        cr_expect_eq(u.port, ok[i].port);
    }
    static const char *const bad[] = {NULL, "", "http://", "http://:80", "http://a:", "http://a:123456",
                                      "http://a:80?x", "http://[::1:80", "ftp://a:80", "http://a b:80",
                                      /* from the gateway's former gw_url tests */
                                      "127.0.0.1:3001", "https://127.0.0.1:3001", "http://127.0.0.1",
                                      "http://127.0.0.1:0", "http://127.0.0.1:65536", "http://user@host:3001",
                                      "http://host:3001/v1", "http://host:3001?x=1", "http://host:30a1"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        config_http_url u;
        const char *why = NULL;
        cr_expect_eq(config_http_url_parse(bad[i], &u, &why), -1, "%s", bad[i] ? bad[i] : "(null)");
        cr_expect_not_null(why);
    }
}
