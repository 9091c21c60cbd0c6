/* Names of the operation types and statuses of transactions.md 6-7 and their parsers. Pure lookup
 * tables: nothing here reads state or performs I/O. */
#include "txn_model.h"

#include <string.h>

const char *op_type_name(op_type t)
{
    switch (t) {
    case OP_TYPE_DEBIT:
        return "DEBIT";
    case OP_TYPE_CREDIT:
        return "CREDIT";
    case OP_TYPE_ON_HOLD:
        return "ON_HOLD";
    case OP_TYPE_RELEASE:
        return "RELEASE";
    }
    return "DEBIT";
}

const char *op_type_direction(op_type t)
{
    switch (t) {
    case OP_TYPE_DEBIT:
    case OP_TYPE_ON_HOLD:
        return "debit";
    case OP_TYPE_CREDIT:
    case OP_TYPE_RELEASE:
        return "credit";
    }
    return "debit";
}

int op_type_parse(const char *s, op_type *out)
{
    static const op_type all[] = {OP_TYPE_DEBIT, OP_TYPE_CREDIT, OP_TYPE_ON_HOLD, OP_TYPE_RELEASE};
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        if (s && strcmp(s, op_type_name(all[i])) == 0) {
            *out = all[i];
            return 0;
        }
    }
    return -1;
}

const char *txn_status_name(txn_status s)
{
    switch (s) {
    case TXN_STATUS_PENDING:
        return "PENDING";
    case TXN_STATUS_APPROVED:
        return "APPROVED";
    case TXN_STATUS_CANCELED:
        return "CANCELED";
    }
    return "APPROVED";
}

int txn_status_parse(const char *s, txn_status *out)
{
    static const txn_status all[] = {TXN_STATUS_PENDING, TXN_STATUS_APPROVED, TXN_STATUS_CANCELED};
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        if (s && strcmp(s, txn_status_name(all[i])) == 0) {
            *out = all[i];
            return 0;
        }
    }
    return -1;
}
