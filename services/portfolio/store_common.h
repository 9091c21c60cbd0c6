/* Pieces shared by the portfolio store files: row-lock modes, the columns every portfolio entity has
 * (ids, status, metadata, timestamps) and helpers that turn libpq values into C values and C values
 * into statement parameters. Nothing here talks HTTP or decides a business rule. */
#pragma once
#include <json-c/json.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "pagination/pagination.h"
#include "timeutil/timeutil.h"
#include "uuid/uuid.h"

/* Row lock taken by a lookup inside a transaction. */
typedef enum pf_lock {
    PF_LOCK_NONE,      /* plain read */
    PF_LOCK_KEY_SHARE, /* a child is being written under this row: conflicts only with its delete */
    PF_LOCK_UPDATE     /* the row itself is being changed or deleted */
} pf_lock;

/* Members every asset, segment, portfolio and account row has. Owned strings (pf_base_clear). */
typedef struct pf_base {
    char id[UUID_STR_LEN + 1];
    char organization_id[UUID_STR_LEN + 1];
    char ledger_id[UUID_STR_LEN + 1];
    char *status_code;
    char *status_description; /* NULL = null */
    json_object *metadata;    /* flat object */
    int64_t created_us;
    int64_t updated_us;
    int64_t deleted_us; /* -1 = live */
} pf_base;

/* Column lists of the shared members, in the order pf_base_from_row reads them: the head first
 * (columns 0-2), the entity's own columns, then the tail. */
#define PF_HEAD_COLUMNS "id::text, organization_id::text, ledger_id::text"
#define PF_TAIL_COLUMNS                                                                                      \
    "status_code, status_description, metadata::text, "                                                      \
    "(extract(epoch FROM created_at) * 1000000)::bigint, "                                                   \
    "(extract(epoch FROM updated_at) * 1000000)::bigint, "                                                   \
    "(extract(epoch FROM deleted_at) * 1000000)::bigint"
#define PF_TAIL_COUNT 6

/* ASCII-only case fold (api.md "Consistency": A-Z equal a-z, every other character by code point). */
#define PF_FOLD(x) "translate(" x ", 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"

/* Free b's members and reset it (deleted_us = -1); NULL accepted. */
void pf_base_clear(pf_base *b);
/* Fill b from a row: columns 0-2 are the head, tail_col..tail_col+5 the tail. */
void pf_base_from_row(const PGresult *res, int row, int tail_col, pf_base *b);

/* Heap copy of a text column, NULL when SQL NULL. Caller frees. */
char *pf_col_text(const PGresult *res, int row, int col);
/* A bigint column; null_value when SQL NULL. */
int64_t pf_col_i64(const PGresult *res, int row, int col, int64_t null_value);
/* A boolean column ("t"). */
bool pf_col_bool(const PGresult *res, int row, int col);
/* A jsonb column parsed strictly so numbers keep their text; a new reference ({} when NULL or bad). */
json_object *pf_col_json(const PGresult *res, int row, int col);

/* RFC 3339 text of an epoch-microsecond time, for a "$n::timestamptz" parameter. */
typedef struct pf_time_text {
    char s[TIME_STR_MAX];
} pf_time_text;
pf_time_text pf_time_param(int64_t us);

/* Decimal text of an int64 for a parameter. */
typedef struct pf_int_text {
    char s[24];
} pf_int_text;
pf_int_text pf_int_param(int64_t v);

/* The metadata.<key>=<value> filters of a list as one JSON object of string values, for the jsonb
 * containment operator (a string value only matches a string). "{}" when none. Caller frees. */
char *pf_metadata_filter(const page_params *p);

/* The list window parameters every list shares: from, to (NULL when no range), the metadata filter
 * (heap, pf_list_params_clear), limit and offset. */
typedef struct pf_list_params {
    pf_time_text from, to;
    pf_int_text limit, offset;
    char *metadata;
    const char *from_p, *to_p;
} pf_list_params;
/* Fill lp from p / free its heap member. */
void pf_list_params_init(pf_list_params *lp, const page_params *p);
void pf_list_params_clear(pf_list_params *lp);

/* Runs a statement that returns a count in column 0 of row 0. */
db_status pf_exec_count(db_conn *c, const char *sql, int nparams, const char *const *params,
                        int64_t *n) MUSTCHECK;
/* Runs a statement and reports whether it returned a row. */
db_status pf_exec_exists(db_conn *c, const char *sql, int nparams, const char *const *params,
                         bool *found) MUSTCHECK;
