/* Balance handlers (transactions.md 12): B1 list, B2 get, B3 PATCH flags, B4 DELETE, B5 an account's
 * balances, B6 additional balance, B7 by alias, B8 by external asset code, and the internal close of an
 * account's balances (12.3) that the portfolio service calls before deleting an account. */
#pragma once
#include "http/http.h"

void balance_list(http_request *r);          /* B1 GET {L}/balances */
void balance_get(http_request *r);           /* B2 GET {L}/balances/{balance_id} */
void balance_patch(http_request *r);         /* B3 PATCH {L}/balances/{balance_id} */
void balance_delete(http_request *r);        /* B4 DELETE {L}/balances/{balance_id} */
void balance_list_account(http_request *r);  /* B5 GET {L}/accounts/{account_id}/balances */
void balance_create(http_request *r);        /* B6 POST {L}/accounts/{account_id}/balances */
void balance_list_alias(http_request *r);    /* B7 GET {L}/accounts/alias/{alias}/balances */
void balance_list_external(http_request *r); /* B8 GET {L}/accounts/external/{asset_code}/balances */
/* POST /internal/v1/organizations/{o}/ledgers/{l}/accounts/{a}/balances/close */
void balance_close_account(http_request *r);
