/* Transaction handlers (transactions.md 1, 5, 7, 9, 10): T1-T4 creates through the full validation
 * order and the write path, T5-T7 commit, cancel and revert, T8 get with all operations, T9 cursor
 * list, T10 PATCH, T11 HEAD count. */
#pragma once
#include "http/http.h"

void transaction_create_json(http_request *r);    /* T1 POST {L}/transactions/json */
void transaction_create_inflow(http_request *r);  /* T2 POST {L}/transactions/inflow */
void transaction_create_outflow(http_request *r); /* T3 POST {L}/transactions/outflow */
void transaction_create_dsl(http_request *r);     /* T4 POST {L}/transactions/dsl (multipart) */
void transaction_commit(http_request *r);         /* T5 POST {L}/transactions/{transaction_id}/commit */
void transaction_cancel(http_request *r);         /* T6 POST {L}/transactions/{transaction_id}/cancel */
void transaction_revert(http_request *r);         /* T7 POST {L}/transactions/{transaction_id}/revert */
void transaction_get(http_request *r);            /* T8 GET {L}/transactions/{transaction_id} */
void transaction_list(http_request *r);           /* T9 GET {L}/transactions */
void transaction_patch(http_request *r);          /* T10 PATCH {L}/transactions/{transaction_id} */
void transaction_count(http_request *r);          /* T11 HEAD {L}/transactions/metrics/count */
