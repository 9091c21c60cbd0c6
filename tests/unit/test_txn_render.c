/* Unit tests of the transaction-service representations (transactions.md 14, events.md 4.3, 10.1):
 * member sets and order, canonical money, six-digit timestamps, nullable members, the balance.changed
 * payload and the cursor envelope rules. Pure. The unit-test target does not compile service sources,
 * so the pure files are included here. */
#include <criterion/criterion.h>
#include <string.h>

#include "../../services/transaction/txn_model.c"
#include "../../services/transaction/txn_render.c"

static decimal dec(const char *s)
{
    decimal d;
    cr_assert_eq(decimal_parse(s, strlen(s), &d), DECIMAL_OK, "%s", s);
    return d;
}

static void sample_op(op_row *op)
{
    memset(op, 0, sizeof(*op));
    strcpy(op->id, "0196f1a2-7b1c-7d3e-9f00-0000000000a2");
    strcpy(op->transaction_id, "0196f1a2-7b1c-7d3e-9f00-0000000000a1");
    strcpy(op->organization_id, "0196f1a0-0000-7000-8000-000000000001");
    strcpy(op->ledger_id, "0196f1a0-0000-7000-8000-000000000002");
    strcpy(op->account_id, "0196f1a0-0000-7000-8000-0000000000b1");
    strcpy(op->balance_id, "0196f1a0-0000-7000-8000-0000000000c1");
    op->description = "p2p";
    op->chart_of_accounts = "";
    op->asset_code = "USD";
    op->account_alias = "@alice";
    op->balance_key = "default";
    op->type = OP_TYPE_DEBIT;
    op->status = TXN_STATUS_APPROVED;
    op->amount = dec("25.50");
    op->before.available = dec("100");
    op->before.on_hold = dec("0");
    op->before.version = 3;
    op->after.available = dec("74.5");
    op->after.on_hold = dec("0");
    op->after.version = 4;
    op->created_us = INT64_C(1779114191123456);
    op->updated_us = INT64_C(1779114191123456);
    op->metadata = "{\"n\":1.50}";
}

Test(txn_render, operation_matches_the_contract_example)
{
    op_row op;
    sample_op(&op);
    json_object *o = txn_render_operation(&op);
    cr_expect_str_eq(
        json_dump(o),
        "{\"id\":\"0196f1a2-7b1c-7d3e-9f00-0000000000a2\",\"transactionId\":\"0196f1a2-7b1c-7d3e-9f00-"
        "0000000000a1\",\"description\":\"p2p\",\"type\":\"DEBIT\",\"direction\":\"debit\",\"assetCode\":"
        "\"USD\",\"chartOfAccounts\":\"\",\"amount\":{\"value\":\"25.5\"},\"balance\":{\"available\":\"100\","
        "\"onHold\":\"0\",\"version\":3},\"balanceAfter\":{\"available\":\"74.5\",\"onHold\":\"0\","
        "\"version\":4},\"balanceAffected\":true,\"accountId\":\"0196f1a0-0000-7000-8000-0000000000b1\","
        "\"accountAlias\":\"@alice\",\"balanceKey\":\"default\",\"balanceId\":\"0196f1a0-0000-7000-8000-"
        "0000000000c1\",\"portfolioId\":null,\"organizationId\":\"0196f1a0-0000-7000-8000-000000000001\","
        "\"ledgerId\":\"0196f1a0-0000-7000-8000-000000000002\",\"status\":{\"code\":\"APPROVED\","
        "\"description\":null},\"createdAt\":\"2026-05-18T14:23:11.123456Z\",\"updatedAt\":"
        "\"2026-05-18T14:23:11.123456Z\",\"deletedAt\":null,\"metadata\":{\"n\":1.50}}");
    json_object_put(o);
}

Test(txn_render, directions_follow_the_type)
{
    cr_expect_str_eq(op_type_direction(OP_TYPE_DEBIT), "debit");
    cr_expect_str_eq(op_type_direction(OP_TYPE_ON_HOLD), "debit");
    cr_expect_str_eq(op_type_direction(OP_TYPE_CREDIT), "credit");
    cr_expect_str_eq(op_type_direction(OP_TYPE_RELEASE), "credit");
    op_type t;
    cr_expect_eq(op_type_parse("ON_HOLD", &t), 0);
    cr_expect_eq(t, OP_TYPE_ON_HOLD);
    cr_expect_eq(op_type_parse("on_hold", &t), -1);
    txn_status s;
    cr_expect_eq(txn_status_parse("CANCELED", &s), 0);
    cr_expect_eq(s, TXN_STATUS_CANCELED);
    cr_expect_eq(txn_status_parse("CREATED", &s), -1);
}

Test(txn_render, transaction_embeds_operations_and_defaults)
{
    op_row ops[2];
    sample_op(&ops[0]);
    sample_op(&ops[1]);
    ops[1].type = OP_TYPE_CREDIT;
    strcpy(ops[1].id, "0196f1a2-7b1c-7d3e-9f00-0000000000a3");
    strcpy(ops[1].portfolio_id, "0196f1a0-0000-7000-8000-0000000000d1");
    txn_row t;
    memset(&t, 0, sizeof(t));
    strcpy(t.id, "0196f1a2-7b1c-7d3e-9f00-0000000000a1");
    strcpy(t.organization_id, ops[0].organization_id);
    strcpy(t.ledger_id, ops[0].ledger_id);
    t.description = NULL;
    t.asset_code = "USD";
    t.coa_group = NULL;
    t.status = TXN_STATUS_PENDING;
    t.amount = dec("1e2");
    t.source = "[\"@alice\"]";
    t.destination = "not json";
    t.metadata = NULL;
    t.created_us = INT64_C(1704067200000000);
    t.updated_us = INT64_C(1704067200000001);
    t.ops = ops;
    t.n_ops = 2;
    json_object *o = txn_render_transaction(&t);
    static const char *const members[] = {"id",
                                          "parentTransactionId",
                                          "description",
                                          "status",
                                          "amount",
                                          "assetCode",
                                          "chartOfAccountsGroupName",
                                          "source",
                                          "destination",
                                          "organizationId",
                                          "ledgerId",
                                          "createdAt",
                                          "updatedAt",
                                          "deletedAt",
                                          "metadata",
                                          "operations"};
    size_t i = 0;
    json_object_object_foreach(o, k, v)
    {
        (void)v;
        cr_assert_lt(i, ARRAY_LEN(members));
        cr_expect_str_eq(k, members[i], "member %zu", i);
        i++;
    }
    cr_expect_eq(i, ARRAY_LEN(members));
    cr_expect_str_eq(json_object_get_string(json_object_object_get(o, "amount")), "100");
    cr_expect_str_eq(json_object_get_string(json_object_object_get(o, "description")), "");
    cr_expect_str_eq(json_object_get_string(json_object_object_get(o, "chartOfAccountsGroupName")), "");
    cr_expect_null(json_object_object_get(o, "parentTransactionId"));
    cr_expect_str_eq(json_dump(json_object_object_get(o, "status")),
                     "{\"code\":\"PENDING\",\"description\":null}");
    cr_expect_str_eq(json_dump(json_object_object_get(o, "destination")), "[]");
    cr_expect_str_eq(json_dump(json_object_object_get(o, "metadata")), "{}");
    cr_expect_str_eq(json_object_get_string(json_object_object_get(o, "createdAt")),
                     "2024-01-01T00:00:00.000000Z");
    cr_expect_str_eq(json_object_get_string(json_object_object_get(o, "updatedAt")),
                     "2024-01-01T00:00:00.000001Z");
    json_object *arr = json_object_object_get(o, "operations");
    cr_assert_eq(json_object_array_length(arr), 2);
    json_object *op1 = json_object_array_get_idx(arr, 1);
    cr_expect_str_eq(json_object_get_string(json_object_object_get(op1, "direction")), "credit");
    cr_expect_str_eq(json_object_get_string(json_object_object_get(op1, "portfolioId")),
                     "0196f1a0-0000-7000-8000-0000000000d1");
    json_object_put(o);
}

Test(txn_render, balance_and_deleted_balance)
{
    balance_row b;
    memset(&b, 0, sizeof(b));
    strcpy(b.id, "0196f1a0-0000-7000-8000-0000000000c1");
    strcpy(b.organization_id, "0196f1a0-0000-7000-8000-000000000001");
    strcpy(b.ledger_id, "0196f1a0-0000-7000-8000-000000000002");
    strcpy(b.account_id, "0196f1a0-0000-7000-8000-0000000000b1");
    b.alias = "@external/USD";
    b.key = "default";
    b.asset_code = "USD";
    b.account_type = "external";
    b.st.available = dec("-12345678901234567890.123456789012345678");
    b.st.on_hold = dec("0.0");
    b.st.version = 7;
    b.allow_sending = true;
    b.allow_receiving = false;
    b.created_us = 0;
    b.updated_us = 1;
    b.deleted_us = -1;
    json_object *o = txn_render_balance(&b);
    cr_expect_str_eq(
        json_dump(o),
        "{\"id\":\"0196f1a0-0000-7000-8000-0000000000c1\",\"organizationId\":\"0196f1a0-0000-7000-8000-"
        "000000000001\",\"ledgerId\":\"0196f1a0-0000-7000-8000-000000000002\",\"accountId\":\"0196f1a0-"
        "0000-7000-8000-0000000000b1\",\"alias\":\"@external/USD\",\"key\":\"default\",\"assetCode\":"
        "\"USD\",\"available\":\"-12345678901234567890.123456789012345678\",\"onHold\":\"0\",\"version\":7,"
        "\"accountType\":\"external\",\"allowSending\":true,\"allowReceiving\":false,\"createdAt\":"
        "\"1970-01-01T00:00:00.000000Z\",\"updatedAt\":\"1970-01-01T00:00:00.000001Z\",\"deletedAt\":null,"
        "\"metadata\":{}}");
    json_object_put(o);
    b.deleted_us = 2;
    o = txn_render_balance(&b);
    cr_expect_str_eq(json_object_get_string(json_object_object_get(o, "deletedAt")),
                     "1970-01-01T00:00:00.000002Z");
    json_object_put(o);
}

Test(txn_render, balance_changed_payload)
{
    op_row op;
    sample_op(&op);
    json_object *o = txn_render_balance_changed(&op);
    cr_expect_str_eq(
        json_dump(o),
        "{\"organizationId\":\"0196f1a0-0000-7000-8000-000000000001\",\"ledgerId\":\"0196f1a0-0000-7000-"
        "8000-000000000002\",\"balanceId\":\"0196f1a0-0000-7000-8000-0000000000c1\",\"accountId\":"
        "\"0196f1a0-0000-7000-8000-0000000000b1\",\"alias\":\"@alice\",\"key\":\"default\",\"assetCode\":"
        "\"USD\",\"available\":\"74.5\",\"onHold\":\"0\",\"version\":4,\"transactionId\":\"0196f1a2-7b1c-"
        "7d3e-9f00-0000000000a1\",\"operationId\":\"0196f1a2-7b1c-7d3e-9f00-0000000000a2\","
        "\"operationType\":\"DEBIT\",\"direction\":\"debit\",\"amount\":\"25.5\"}");
    json_object_put(o);
}

Test(txn_render, cursor_envelope_rules)
{
    json_object *o = txn_render_cursor_envelope(NULL, 10, NULL, NULL, false, false);
    cr_expect_str_eq(json_dump(o), "{\"items\":[],\"limit\":10}");
    json_object_put(o);
    o = txn_render_cursor_envelope(json_object_new_array(), 2, "0196f1a0-0000-7000-8000-000000000001",
                                   "0196f1a0-0000-7000-8000-000000000002", true, true);
    const char *next = json_object_get_string(json_object_object_get(o, "next_cursor"));
    const char *prev = json_object_get_string(json_object_object_get(o, "prev_cursor"));
    char id[UUID_STR_LEN + 1];
    cursor_dir dir;
    cr_assert_eq(cursor_decode(next, id, &dir), 0);
    cr_expect_str_eq(id, "0196f1a0-0000-7000-8000-000000000002");
    cr_expect_eq(dir, CURSOR_NEXT);
    cr_assert_eq(cursor_decode(prev, id, &dir), 0);
    cr_expect_str_eq(id, "0196f1a0-0000-7000-8000-000000000001");
    cr_expect_eq(dir, CURSOR_PREV);
    cr_expect(strchr(next, '=') == NULL, "no padding");
    json_object_put(o);
    /* cursors are omitted when there is no page in that direction, even with ids */
    o = txn_render_cursor_envelope(json_object_new_array(), 2, "0196f1a0-0000-7000-8000-000000000001",
                                   "0196f1a0-0000-7000-8000-000000000002", false, true);
    cr_expect_null(json_object_object_get(o, "prev_cursor"));
    cr_expect_not_null(json_object_object_get(o, "next_cursor"));
    json_object_put(o);
}
