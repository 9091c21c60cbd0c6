-- The transaction service core (transactions.md): registries of portfolios and accounts (events.md
-- 7.1), closed account ids (12.3), balances, transactions, their resolved legs (pending flows),
-- operations and the durable idempotency records (8.3). Money columns are NUMERIC without typmod so
-- every in-limit value (38 significant, 18 fractional digits) is stored exactly. Timestamps are written
-- by the application so responses, rows and events carry the same instant.

CREATE TABLE portfolios (
    id uuid PRIMARY KEY,
    organization_id uuid NOT NULL,
    ledger_id uuid NOT NULL,
    updated_at timestamptz NOT NULL,   -- entity updatedAt (or deletedAt) of the last applied change
    deleted_at timestamptz NULL
);

-- Account registry: what the transaction service needs of an account (12.4). Aliases are not unique
-- here (events of a deleted and a re-created alias may arrive in any order); resolution picks the
-- newest live, non-closed account.
CREATE TABLE accounts (
    id uuid PRIMARY KEY,
    organization_id uuid NOT NULL,
    ledger_id uuid NOT NULL,
    alias text NOT NULL,
    type text NOT NULL,
    asset_code text NOT NULL,
    portfolio_id uuid NULL,
    updated_at timestamptz NOT NULL,
    deleted_at timestamptz NULL
);
CREATE INDEX accounts_live_alias_idx ON accounts (organization_id, ledger_id, alias, id)
    WHERE deleted_at IS NULL;

-- Accounts whose balances were closed (12.3): no balance is ever created for them again.
CREATE TABLE closed_accounts (
    account_id uuid PRIMARY KEY,
    organization_id uuid NOT NULL,
    ledger_id uuid NOT NULL,
    closed_at timestamptz NOT NULL
);

CREATE TABLE balances (
    id uuid PRIMARY KEY,
    organization_id uuid NOT NULL,
    ledger_id uuid NOT NULL,
    account_id uuid NOT NULL,
    alias text NOT NULL,
    key text NOT NULL,
    asset_code text NOT NULL,
    account_type text NOT NULL,
    available numeric NOT NULL,
    on_hold numeric NOT NULL,
    version bigint NOT NULL,
    allow_sending boolean NOT NULL,
    allow_receiving boolean NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    deleted_at timestamptz NULL,
    CONSTRAINT balances_on_hold_not_negative CHECK (on_hold >= 0),
    CONSTRAINT balances_version_not_negative CHECK (version >= 0)
);
-- Live balances are unique on (organization, ledger, account, key) (12.1): concurrent creates of one
-- key have exactly one winner (23505 -> 0123).
CREATE UNIQUE INDEX balances_live_key_uq ON balances (organization_id, ledger_id, account_id, key)
    WHERE deleted_at IS NULL;
-- Cursor lists of a ledger's live balances (B1), ordered by id.
CREATE INDEX balances_live_ledger_idx ON balances (organization_id, ledger_id, id) WHERE deleted_at IS NULL;
-- Every balance of an account, deleted ones included (default balance "ever created" check, B5).
CREATE INDEX balances_account_idx ON balances (account_id, key);

CREATE TABLE transactions (
    id uuid PRIMARY KEY,
    organization_id uuid NOT NULL,
    ledger_id uuid NOT NULL,
    parent_transaction_id uuid NULL,
    description text NOT NULL,
    status text NOT NULL,
    amount numeric NOT NULL,
    asset_code text NOT NULL,
    chart_of_accounts_group_name text NOT NULL,
    source jsonb NOT NULL,        -- distinct aliases of the from legs, first-appearance order
    destination jsonb NOT NULL,   -- same for the to legs
    metadata jsonb NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    CONSTRAINT transactions_status_chk CHECK (status IN ('PENDING', 'APPROVED', 'CANCELED')),
    CONSTRAINT transactions_metadata_object CHECK (jsonb_typeof(metadata) = 'object')
);
-- At most one reversal per transaction, ever (G6).
CREATE UNIQUE INDEX transactions_parent_uq ON transactions (parent_transaction_id)
    WHERE parent_transaction_id IS NOT NULL;
CREATE INDEX transactions_ledger_idx ON transactions (organization_id, ledger_id, id);

-- Resolved legs of a transaction, written for pending creates so that commit and cancel apply the
-- amounts and balances resolved at creation (5.2).
CREATE TABLE transaction_legs (
    transaction_id uuid NOT NULL REFERENCES transactions (id),
    position int NOT NULL,
    side text NOT NULL,
    account_id uuid NOT NULL,
    balance_id uuid NOT NULL,
    alias text NOT NULL,
    balance_key text NOT NULL,
    amount numeric NOT NULL,
    description text NOT NULL,
    chart_of_accounts text NOT NULL,
    metadata jsonb NOT NULL,
    PRIMARY KEY (transaction_id, position),
    CONSTRAINT transaction_legs_side_chk CHECK (side IN ('source', 'destination'))
);

CREATE TABLE operations (
    id uuid PRIMARY KEY,
    transaction_id uuid NOT NULL REFERENCES transactions (id),
    organization_id uuid NOT NULL,
    ledger_id uuid NOT NULL,
    account_id uuid NOT NULL,
    balance_id uuid NOT NULL,
    portfolio_id uuid NULL,          -- the account's portfolio when the operation was written
    account_alias text NOT NULL,
    balance_key text NOT NULL,
    asset_code text NOT NULL,
    type text NOT NULL,
    amount numeric NOT NULL,
    description text NOT NULL,
    chart_of_accounts text NOT NULL,
    before_available numeric NOT NULL,
    before_on_hold numeric NOT NULL,
    before_version bigint NOT NULL,
    after_available numeric NOT NULL,
    after_on_hold numeric NOT NULL,
    after_version bigint NOT NULL,
    status text NOT NULL,
    metadata jsonb NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    CONSTRAINT operations_type_chk CHECK (type IN ('DEBIT', 'CREDIT', 'ON_HOLD', 'RELEASE')),
    CONSTRAINT operations_version_chain CHECK (after_version = before_version + 1),
    CONSTRAINT operations_metadata_object CHECK (jsonb_typeof(metadata) = 'object')
);
CREATE INDEX operations_transaction_idx ON operations (transaction_id, id);
CREATE INDEX operations_account_idx ON operations (organization_id, ledger_id, account_id, id);
CREATE INDEX operations_portfolio_idx ON operations (organization_id, ledger_id, portfolio_id, id)
    WHERE portfolio_id IS NOT NULL;
-- G2 safety net: one operation per balance version.
CREATE UNIQUE INDEX operations_balance_version_uq ON operations (balance_id, after_version);

-- Durable COMPLETED idempotency records (8.3), written in the same transaction as the ledger write.
-- An expired record is treated as absent and deleted by the next claimer inside its transaction.
CREATE TABLE idempotency_records (
    organization_id uuid NOT NULL,
    ledger_id uuid NOT NULL,
    key text NOT NULL,
    fingerprint text NOT NULL,
    status int NOT NULL,
    body text NOT NULL,               -- the 201 body, replayed byte for byte
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    PRIMARY KEY (organization_id, ledger_id, key)
);
CREATE INDEX idempotency_records_expires_idx ON idempotency_records (expires_at);
