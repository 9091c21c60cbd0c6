/* The shared columns of the portfolio entities (see store_common.h). It holds no SQL statement of its
 * own and no domain rule. */
#include "store_common.h"

#include <stdlib.h>
#include <string.h>

void pf_base_clear(pf_base *b)
{
    if (!b)
        return;
    free(b->status_code);
    free(b->status_description);
    json_object_put(b->metadata);
    memset(b, 0, sizeof(*b));
    b->deleted_us = -1;
}

void pf_base_from_row(const PGresult *res, int row, int tail_col, pf_base *b)
{
    pf_base_clear(b);
    db_col_text_into(res, row, 0, b->id, sizeof(b->id));
    db_col_text_into(res, row, 1, b->organization_id, sizeof(b->organization_id));
    db_col_text_into(res, row, 2, b->ledger_id, sizeof(b->ledger_id));
    b->status_code = db_col_text(res, row, tail_col);
    b->status_description = db_col_text(res, row, tail_col + 1);
    b->metadata = db_col_json_object(res, row, tail_col + 2);
    b->created_us = db_col_i64(res, row, tail_col + 3, 0);
    b->updated_us = db_col_i64(res, row, tail_col + 4, 0);
    b->deleted_us = db_col_i64(res, row, tail_col + 5, -1);
}
