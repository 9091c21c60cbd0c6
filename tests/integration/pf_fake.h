/* A stand-in for the transaction service's internal balance-close endpoint (transactions.md 12.3),
 * which the transaction service does not serve yet: a tiny HTTP/1.1 server on the transaction
 * service's port (stop the real one first) that answers every request with a configured status and
 * body and records the request lines. Test code only. */
#pragma once
#include <stddef.h>

typedef struct pf_fake pf_fake;

/* Listen on the port of $TRANSACTION_URL and answer every request with `status` and `body` (JSON,
 * may be NULL for none). Fails the test when the port cannot be bound. */
pf_fake *pf_fake_start(int status, const char *body);
/* Change the answer for later requests. */
void pf_fake_set(pf_fake *f, int status, const char *body);
/* Number of requests served so far; the last request line ("POST /internal/...") into out. */
size_t pf_fake_count(pf_fake *f, char *last, size_t cap);
/* Number of served requests whose request line contains `needle`. */
size_t pf_fake_count_matching(pf_fake *f, const char *needle);
/* Stop the thread, close the socket, free (NULL accepted). */
void pf_fake_stop(pf_fake *f);
