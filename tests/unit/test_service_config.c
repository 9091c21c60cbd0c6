/* Unit tests of the service environment table (common/service): names, defaults, bounds and secret
 * flags as the shared facts fix them, config_load over it (values, defaults, exit 2 on bad input) and
 * the event topic's fallback.
 * Criterion runs each test in its own process, so setenv does not leak between tests. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "service/service.h"

static const service_def test_def = {
    .name = "portfolio",
    .schema = "portfolio",
    .default_port = 3002,
    .default_topic = "midaz.portfolio.events",
};

static const config_var *find_var(const service_config_table *t, const char *name)
{
    for (size_t i = 0; i < t->count; i++)
        if (strcmp(t->vars[i].name, name) == 0)
            return &t->vars[i];
    return NULL;
}

typedef struct var_case {
    const char *name;
    config_type type;
    const char *def; /* NULL = required */
    long min, max;   /* CFG_INT only */
    bool secret;
} var_case;

static const var_case var_cases[] = {
    {"PORT", CFG_INT, "3002", 1, 65535, false},
    {"BIND_ADDRESS", CFG_IP_ADDRESS, "0.0.0.0", 0, 0, false},
    {"WORKERS", CFG_INT, "4", 1, 256, false},
    {"DATABASE_URL", CFG_PG_CONNINFO, NULL, 0, 0, true},
    {"REDIS_URL", CFG_STRING, "redis://127.0.0.1:6379/0", 0, 0, true},
    {"REDIS_TIMEOUT_MS", CFG_INT, "200", 10, 10000, false},
    {"KAFKA_BROKERS", CFG_HOST_PORTS, "127.0.0.1:9092", 0, 0, false},
    {"KAFKA_TOPIC", CFG_STRING, "midaz.portfolio.events", 0, 0, false},
    {"KAFKA_CONSUMER_GROUP", CFG_STRING, "midaz-portfolio", 0, 0, false},
    {"ONBOARDING_URL", CFG_HTTP_URL, "http://127.0.0.1:3001", 0, 0, false},
    {"PORTFOLIO_URL", CFG_HTTP_URL, "http://127.0.0.1:3002", 0, 0, false},
    {"TRANSACTION_URL", CFG_HTTP_URL, "http://127.0.0.1:3003", 0, 0, false},
    {"INTERNAL_TIMEOUT_MS", CFG_INT, "2000", 100, 60000, false},
    {"LOG_LEVEL", CFG_ENUM, "info", 0, 0, false},
    {"OUTBOX_RETENTION_HOURS", CFG_INT, "168", 1, 8760, false},
    {"SHUTDOWN_GRACE_MS", CFG_INT, "10000", 0, 120000, false},
};

Test(service_config, table_matches_the_shared_facts)
{
    service_config_table t;
    service_config cfg;

    service_config_table_init(&t, &test_def, &cfg);
    cr_assert_eq(t.count, sizeof(var_cases) / sizeof(var_cases[0]));
    for (size_t i = 0; i < t.count; i++) {
        const var_case *tc = &var_cases[i];
        const config_var *v = find_var(&t, tc->name);
        cr_assert_not_null(v, "%s missing", tc->name);
        cr_expect_eq(v->type, tc->type, "%s type", tc->name);
        if (tc->def)
            cr_expect_str_eq(v->def, tc->def, "%s default", tc->name);
        else
            cr_expect_null(v->def, "%s must be required", tc->name);
        if (tc->type == CFG_INT) {
            cr_expect_eq(v->min, tc->min, "%s min", tc->name);
            cr_expect_eq(v->max, tc->max, "%s max", tc->name);
        }
        cr_expect_eq(v->secret, tc->secret, "%s secret flag", tc->name);
        cr_expect_not_null(v->help, "%s help", tc->name);
        cr_expect_not_null(v->target, "%s target", tc->name);
    }
}

Test(service_config, log_level_is_an_enum)
{
    service_config_table t;
    service_config cfg;

    service_config_table_init(&t, &test_def, &cfg);
    const config_var *v = find_var(&t, "LOG_LEVEL");
    cr_assert_not_null(v);
    cr_expect_str_eq(v->choices, "debug|info|warn|error");
    cr_expect_eq(v->target, (void *)&cfg.log_level);
}

Test(service_config, topic_default_derived_from_name)
{
    service_def def = test_def;
    service_config_table t;
    service_config cfg;

    def.name = "transaction";
    def.default_topic = NULL;
    def.default_port = 3003;
    service_config_table_init(&t, &def, &cfg);
    cr_expect_str_eq(find_var(&t, "KAFKA_TOPIC")->def, "midaz.transaction.events");
    cr_expect_str_eq(find_var(&t, "KAFKA_CONSUMER_GROUP")->def, "midaz-transaction");
    cr_expect_str_eq(find_var(&t, "PORT")->def, "3003");
}

Test(service_config, event_topic_falls_back_before_load)
{
    /* service_main never ran in this process: the configuration holds no topic yet */
    cr_expect_str_eq(service_event_topic("midaz.portfolio.events"), "midaz.portfolio.events");
    cr_expect_null(service_event_topic(NULL));
}

static char prog_arg[] = "midaz-portfolio";

static void load(service_config_table *t, service_config *cfg)
{
    char *argv[] = {prog_arg, NULL};
    service_config_table_init(t, &test_def, cfg);
    config_load("midaz-portfolio", t->vars, t->count, 1, argv);
}

static void clear_env(void)
{
    for (size_t i = 0; i < sizeof(var_cases) / sizeof(var_cases[0]); i++)
        unsetenv(var_cases[i].name);
}

Test(service_config, load_applies_defaults)
{
    service_config_table t;
    service_config cfg;

    clear_env();
    setenv("DATABASE_URL", "postgresql://portfolio:portfolio@127.0.0.1/midaz", 1);
    load(&t, &cfg);
    cr_expect_eq(cfg.port, 3002);
    cr_expect_str_eq(cfg.bind_address, "0.0.0.0");
    cr_expect_eq(cfg.workers, 4);
    cr_expect_eq(cfg.redis_timeout_ms, 200);
    cr_expect_eq(cfg.internal_timeout_ms, 2000);
    cr_expect_eq(cfg.outbox_retention_hours, 168);
    cr_expect_eq(cfg.shutdown_grace_ms, 10000);
    cr_expect_str_eq(cfg.database_url, "postgresql://portfolio:portfolio@127.0.0.1/midaz");
    cr_expect_str_eq(cfg.redis_url, "redis://127.0.0.1:6379/0");
    cr_expect_str_eq(cfg.kafka_brokers, "127.0.0.1:9092");
    cr_expect_str_eq(cfg.kafka_topic, "midaz.portfolio.events");
    cr_expect_str_eq(cfg.kafka_consumer_group, "midaz-portfolio");
    cr_expect_str_eq(cfg.onboarding_url, "http://127.0.0.1:3001");
    cr_expect_str_eq(cfg.transaction_url, "http://127.0.0.1:3003");
    cr_expect_str_eq(cfg.log_level, "info");
}

Test(service_config, load_reads_the_environment)
{
    service_config_table t;
    service_config cfg;

    clear_env();
    setenv("DATABASE_URL", "postgresql://x@h/midaz", 1);
    setenv("PORT", "24001", 1);
    setenv("WORKERS", "256", 1);
    setenv("SHUTDOWN_GRACE_MS", "0", 1);
    setenv("LOG_LEVEL", "debug", 1);
    setenv("KAFKA_TOPIC", "custom.topic", 1);
    load(&t, &cfg);
    cr_expect_eq(cfg.port, 24001);
    cr_expect_eq(cfg.workers, 256);
    cr_expect_eq(cfg.shutdown_grace_ms, 0);
    cr_expect_str_eq(cfg.log_level, "debug");
    cr_expect_str_eq(cfg.kafka_topic, "custom.topic");
}

/* Each bad value makes config_load exit 2 (one test per entry: the process ends at the first). */
static void load_bad(const char *name, const char *value)
{
    service_config_table t;
    service_config cfg;

    clear_env();
    setenv("DATABASE_URL", "postgresql://x@h/midaz", 1);
    if (value)
        setenv(name, value, 1);
    else
        unsetenv(name);
    load(&t, &cfg);
}

Test(service_config, port_zero_exits_2, .exit_code = 2)
{
    load_bad("PORT", "0");
}

Test(service_config, port_too_large_exits_2, .exit_code = 2)
{
    load_bad("PORT", "65536");
}

Test(service_config, workers_too_many_exits_2, .exit_code = 2)
{
    load_bad("WORKERS", "257");
}

Test(service_config, redis_timeout_too_small_exits_2, .exit_code = 2)
{
    load_bad("REDIS_TIMEOUT_MS", "9");
}

Test(service_config, unknown_log_level_exits_2, .exit_code = 2)
{
    load_bad("LOG_LEVEL", "verbose");
}

Test(service_config, missing_database_url_exits_2, .exit_code = 2)
{
    load_bad("DATABASE_URL", NULL);
}

Test(service_config, grace_too_long_exits_2, .exit_code = 2)
{
    load_bad("SHUTDOWN_GRACE_MS", "120001");
}

Test(service_config, port_with_plus_sign_exits_2, .exit_code = 2)
{
    load_bad("PORT", "+3001");
}

Test(service_config, port_with_space_exits_2, .exit_code = 2)
{
    load_bad("PORT", " 3001");
}

Test(service_config, port_with_leading_zero_exits_2, .exit_code = 2)
{
    load_bad("PORT", "03001");
}

/* BIND_ADDRESS is a numeric address only: a name (even "localhost"), brackets, a port or a zone would
 * make the listener depend on resolution or fail late; each is refused at start. */
Test(service_config, bind_address_host_name_exits_2, .exit_code = 2)
{
    load_bad("BIND_ADDRESS", "localhost");
}

Test(service_config, bind_address_bracketed_ipv6_exits_2, .exit_code = 2)
{
    load_bad("BIND_ADDRESS", "[::1]");
}

Test(service_config, bind_address_with_port_exits_2, .exit_code = 2)
{
    load_bad("BIND_ADDRESS", "127.0.0.1:3001");
}

Test(service_config, bind_address_bad_octet_exits_2, .exit_code = 2)
{
    load_bad("BIND_ADDRESS", "127.0.0.256");
}

Test(service_config, bind_address_literals_accepted)
{
    static const char *const ok[] = {
        "127.0.0.1", "0.0.0.0", "10.1.2.3", "::", "::1", "fe80::1", "::ffff:127.0.0.1"};
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        service_config_table t;
        service_config cfg;

        clear_env();
        setenv("DATABASE_URL", "postgresql://x@h/midaz", 1);
        setenv("BIND_ADDRESS", ok[i], 1);
        load(&t, &cfg);
        cr_expect_str_eq(cfg.bind_address, ok[i]);
    }
}

Test(service_config, bind_address_is_the_listener_target)
{
    service_config_table t;
    service_config cfg;

    service_config_table_init(&t, &test_def, &cfg);
    const config_var *v = find_var(&t, "BIND_ADDRESS");
    cr_assert_not_null(v);
    cr_expect_eq(v->target, (void *)&cfg.bind_address);
    cr_expect_str_eq(t.vars[1].name, "BIND_ADDRESS", "listed right after PORT in --help");
}

Test(service_config, onboarding_url_with_path_exits_2, .exit_code = 2)
{
    load_bad("ONBOARDING_URL", "http://onboarding:3001/v1");
}

Test(service_config, portfolio_url_https_exits_2, .exit_code = 2)
{
    load_bad("PORTFOLIO_URL", "https://portfolio:3002");
}

Test(service_config, transaction_url_without_port_exits_2, .exit_code = 2)
{
    load_bad("TRANSACTION_URL", "http://transaction");
}

Test(service_config, kafka_brokers_without_port_exits_2, .exit_code = 2)
{
    load_bad("KAFKA_BROKERS", "kafka");
}

Test(service_config, kafka_brokers_empty_element_exits_2, .exit_code = 2)
{
    load_bad("KAFKA_BROKERS", "kafka:9092,,kafka2:9092");
}

Test(service_config, database_url_not_a_conninfo_exits_2, .exit_code = 2)
{
    clear_env();
    setenv("DATABASE_URL", "notaurl", 1);
    service_config_table t;
    service_config cfg;
    load(&t, &cfg);
}

Test(service_config, addresses_accepted)
{
    service_config_table t;
    service_config cfg;

    clear_env();
    setenv("DATABASE_URL", "host=db port=5432 dbname=midaz user=portfolio", 1);
    setenv("KAFKA_BROKERS", "k1:9092,k2:9092", 1);
    setenv("ONBOARDING_URL", "http://onboarding:3001", 1);
    setenv("TRANSACTION_URL", "http://[::1]:3003/", 1);
    load(&t, &cfg);
    cr_expect_str_eq(cfg.kafka_brokers, "k1:9092,k2:9092");
    cr_expect_str_eq(cfg.onboarding_url, "http://onboarding:3001");
    cr_expect_str_eq(cfg.transaction_url, "http://[::1]:3003/");
    cr_expect_str_eq(cfg.database_url, "host=db port=5432 dbname=midaz user=portfolio");
}
