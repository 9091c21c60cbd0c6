/* The shared columns of the portfolio entities (see store_common.h). It holds no SQL statement of its
 * own and no domain rule. */
#include "store_common.h"

#include <stdlib.h>
#include <string.h>

void pf_base_clear(pf_base *b)
{
    if (!b)
        return;
    entity_common_clear(&b->common);
    memset(b, 0, sizeof(*b));
    b->common.deleted_us = -1;
}

void pf_base_from_row(const PGresult *res, int row, int tail_col, pf_base *b)
{
    pf_base_clear(b);
    db_col_text_into(res, row, 0, b->id, sizeof(b->id));
    db_col_text_into(res, row, 1, b->organization_id, sizeof(b->organization_id));
    db_col_text_into(res, row, 2, b->ledger_id, sizeof(b->ledger_id));
    db_col_entity_common(res, row, tail_col, &b->common);
}
