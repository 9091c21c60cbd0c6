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
        {"T_PORT", "99999999999999999999", "midaz-test: T_PORT: must be an integer between 1 and 65535, got "
                                           "\"99999999999999999999\"\n"},
        {"T_WORKERS", "257", "midaz-test: T_WORKERS: must be an integer between 1 and 256, got \"257\"\n"},
        {"T_FLAG", "maybe", "midaz-test: T_FLAG: must be one of true, false, 1, 0, yes, no, got \"maybe\"\n"},
        {"T_LEVEL", "verbose", "midaz-test: T_LEVEL: must be one of debug, info, warn, error, got \"verbose\"\n"},
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
    } ok[] = {{"1", 1}, {"65535", 65535}, {"+8080", 8080}, {"00080", 80}};
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
    } b[] = {{"true", true}, {"1", true}, {"yes", true}, {"TRUE", true},
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
