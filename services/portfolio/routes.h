/* The portfolio service's route table (assets, segments, portfolios, accounts, and the internal
 * ledger close and read-only mirrors) and its event handler. Declarations only: handlers live in
 * their resource files, the rows in routes.c, the event handler in consumer.c. */
#pragma once
#include <stddef.h>

#include "bus/bus.h"
#include "http/router.h"

/* Rows whose data is a `const http_route *`. */
extern const route_def portfolio_routes[];
extern const size_t portfolio_routes_count;

/* Consumer handler (bus_handler_fn): applies one event inside the inbox transaction. Returns DB_OK to
 * commit, DB_RETRY/DB_UNAVAILABLE to retry, DB_ERROR to skip (see bus.h). */
db_status portfolio_consume(db_conn *c, const bus_message *m, void *arg);
