/* Unit tests of the pure parts of common/db: SQLSTATE classification, status names, the credential-free
 * short reason, result classification and the behaviour without a server. No PostgreSQL needed. */
#include <criterion/criterion.h>
#include <string.h>

#include "db/db.h"

typedef struct sqlstate_case {
    const char *sqlstate;
    db_status want;
} sqlstate_case;

static const sqlstate_case sqlstate_cases[] = {
    {"23505", DB_CONFLICT},    /* unique_violation */
    {"23503", DB_FOREIGN_KEY}, /* foreign_key_violation */
    {"23514", DB_CHECK},       /* check_violation */
    {"23502", DB_CHECK},       /* not_null_violation */
    {"22003", DB_CHECK},       /* numeric_value_out_of_range */
    {"22P02", DB_CHECK},       /* invalid_text_representation */
    {"22001", DB_CHECK},       /* string_data_right_truncation */
    {"40P01", DB_RETRY},       /* deadlock_detected */
    {"40001", DB_RETRY},       /* serialization_failure */
    {"08006", DB_UNAVAILABLE}, /* connection_failure */
    {"08001", DB_UNAVAILABLE}, /* sqlclient_unable_to_establish_sqlconnection */
    {"57P01", DB_UNAVAILABLE}, /* admin_shutdown */
    {"57P02", DB_UNAVAILABLE}, /* crash_shutdown */
    {"57P03", DB_UNAVAILABLE}, /* cannot_connect_now */
    {"57014", DB_ERROR},       /* query_canceled is not a connection problem */
    {"23000", DB_ERROR},       /* other integrity violations are not classified */
    {"40002", DB_ERROR},       /* transaction_integrity_constraint_violation is not retried */
    {"42P01", DB_ERROR},       /* undefined_table */
    {"XX000", DB_ERROR},       /* internal_error */
    {"", DB_ERROR},
    {"2350", DB_ERROR},        /* malformed: too short */
    {"235050", DB_ERROR},      /* malformed: too long */
    {NULL, DB_ERROR},
};

Test(db, sqlstate_classification_table)
{
    for (size_t i = 0; i < sizeof(sqlstate_cases) / sizeof(sqlstate_cases[0]); i++) {
        const sqlstate_case *c = &sqlstate_cases[i];
        db_status got = db_status_from_sqlstate(c->sqlstate);
        cr_expect_eq(got, c->want, "sqlstate %s: got %s, want %s", c->sqlstate ? c->sqlstate : "(null)",
                     db_status_name(got), db_status_name(c->want));
    }
}

Test(db, status_names_are_distinct_and_stable)
{
    static const struct {
        db_status s;
        const char *name;
    } names[] = {
        {DB_OK, "ok"},           {DB_CONFLICT, "conflict"},       {DB_FOREIGN_KEY, "foreign_key"},
        {DB_CHECK, "check"},     {DB_RETRY, "retry"},             {DB_UNAVAILABLE, "unavailable"},
        {DB_ERROR, "error"},
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        cr_expect_str_eq(db_status_name(names[i].s), names[i].name);
}

typedef struct reason_case {
    const char *msg;
    const char *want;
} reason_case;

static const reason_case reason_cases[] = {
    {"connection to server at \"10.1.2.3\", port 5432 failed: Connection refused\n"
     "\tIs the server running on that host and accepting TCP/IP connections?\n",
     "Connection refused"},
    {"connection to server at \"db.internal\" (10.0.0.5), port 5432 failed: FATAL:  password authentication "
     "failed for user \"onboarding\"\n",
     "password authentication failed"},
    {"connection to server at \"127.0.0.1\", port 5432 failed: FATAL:  database \"midaz\" does not exist\n",
     "database does not exist"},
    {"server closed the connection unexpectedly\n\tThis probably means the server terminated abnormally\n",
     "server closed the connection unexpectedly"},
    {"ERROR:  relation \"outbox\" does not exist\n", "relation does not exist"},
    {"could not translate host name \"secret-host\" to address: Name or service not known\n",
     "could not translate host name to address: Name or service not known"},
    {"", ""},
};

Test(db, short_reason_strips_hosts_and_users)
{
    char out[128];
    for (size_t i = 0; i < sizeof(reason_cases) / sizeof(reason_cases[0]); i++) {
        db_short_reason(reason_cases[i].msg, out, sizeof(out));
        cr_expect_str_eq(out, reason_cases[i].want, "case %zu: got '%s'", i, out);
        cr_expect_null(strstr(out, "10."), "host leaked in '%s'", out);
        cr_expect_null(strstr(out, "onboarding"), "user leaked in '%s'", out);
        cr_expect_null(strstr(out, "secret-host"), "host leaked in '%s'", out);
        cr_expect_null(strchr(out, '\n'));
    }
}

Test(db, short_reason_truncates_to_buffer)
{
    char out[8];
    db_short_reason("connection to server at \"h\", port 1 failed: Connection refused", out, sizeof(out));
    cr_expect_str_eq(out, "Connect");
    db_short_reason(NULL, out, sizeof(out));
    cr_expect_str_eq(out, "");
}

Test(db, status_of_results_without_server)
{
    PGresult *ok = PQmakeEmptyPGresult(NULL, PGRES_COMMAND_OK);
    PGresult *tuples = PQmakeEmptyPGresult(NULL, PGRES_TUPLES_OK);
    PGresult *fatal = PQmakeEmptyPGresult(NULL, PGRES_FATAL_ERROR);

    cr_expect_eq(db_status_of(NULL), DB_ERROR);
    cr_expect_eq(db_status_of(ok), DB_OK);
    cr_expect_eq(db_status_of(tuples), DB_OK);
    /* A failed result with no SQLSTATE is not one of the classified errors. */
    cr_expect_eq(db_status_of(fatal), DB_ERROR);
    PQclear(ok);
    PQclear(tuples);
    PQclear(fatal);
}

Test(db, calls_on_missing_connection_report_unavailable)
{
    PGresult *res = (PGresult *)1;
    int latency = 7;

    cr_expect_eq(db_exec(NULL, "SELECT 1", 0, NULL, &res), DB_UNAVAILABLE);
    cr_expect_null(res, "out must be cleared on failure");
    cr_expect_eq(db_ping(NULL, &latency), -1);
    cr_expect_eq(latency, -1);
    cr_expect_eq(db_ensure(NULL), -1);
    cr_expect_str_eq(db_last_sqlstate(NULL), "");
    cr_expect_eq(db_tx_last_attempts(NULL), 0);
    cr_expect_null(db_pg(NULL));
    db_free(NULL);
}

static db_status never_called(db_conn *c, void *arg)
{
    (void)c;
    *(int *)arg = 1;
    return DB_OK;
}

Test(db, tx_without_connection_does_not_run_fn)
{
    int called = 0;
    cr_expect_eq(db_tx(NULL, never_called, &called), DB_UNAVAILABLE);
    cr_expect_eq(called, 0);
}

Test(db, connect_refused_gives_short_reason_without_host)
{
    char err[128] = "x";
    /* Port 1 on loopback: refused at once on any test machine. */
    db_conn *c = db_connect("postgresql://user:pw@127.0.0.1:1/midaz?connect_timeout=2", "onboarding", err,
                            sizeof(err));
    cr_assert_null(c);
    cr_expect_neq(err[0], '\0');
    cr_expect_null(strstr(err, "127.0.0.1"), "host leaked: %s", err);
    cr_expect_null(strstr(err, "pw"), "password leaked: %s", err);
}

Test(db, bus_migrations_are_embedded_in_order)
{
    cr_assert_eq(bus_migrations_count, 2);
    cr_expect_str_eq(bus_migrations[0].name, "0001_outbox");
    cr_expect_str_eq(bus_migrations[1].name, "0002_inbox");
    cr_expect_not_null(strstr(bus_migrations[0].sql, "CREATE TABLE IF NOT EXISTS outbox"));
    cr_expect_not_null(strstr(bus_migrations[0].sql, "TG_TABLE_SCHEMA || '_outbox'"));
    cr_expect_not_null(strstr(bus_migrations[1].sql, "CREATE TABLE IF NOT EXISTS inbox"));
}
