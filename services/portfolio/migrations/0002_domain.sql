-- The portfolio domain (api.md "Portfolio domain"): assets, segments, portfolios and accounts, plus the
-- ledger registry's "closed" mark set by the internal ledger close. Soft-deleted rows keep their data
-- with deleted_at set and are excluded from every read. Timestamps are written by the application so
-- createdAt == updatedAt on create and events carry the same instant. Uniqueness rules are partial
-- unique indexes over live rows, so concurrent creates have exactly one winner (23505 for the rest).

-- Set (in the same transaction that found no live account) by POST .../ledgers/{id}/close, the call
-- the onboarding service makes before deleting a ledger; never cleared. Child creates lock the
-- registry row FOR KEY SHARE and the close locks it FOR UPDATE, so the two are serialised.
ALTER TABLE ledgers ADD COLUMN closed_at timestamptz NULL;

CREATE TABLE assets (
    id uuid PRIMARY KEY,
    organization_id uuid NOT NULL,
    ledger_id uuid NOT NULL,
    name text NOT NULL,
    type text NOT NULL,
    code text NOT NULL,
    status_code text NOT NULL,
    status_description text NULL,
    metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    deleted_at timestamptz NULL,
    CONSTRAINT assets_metadata_object CHECK (jsonb_typeof(metadata) = 'object')
);
-- 0003: code and name are each unique among the ledger's live assets (exact comparison).
CREATE UNIQUE INDEX assets_live_code_uq ON assets (ledger_id, code) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX assets_live_name_uq ON assets (ledger_id, name) WHERE deleted_at IS NULL;
CREATE INDEX assets_live_order_idx ON assets (ledger_id, created_at, id) WHERE deleted_at IS NULL;

CREATE TABLE segments (
    id uuid PRIMARY KEY,
    organization_id uuid NOT NULL,
    ledger_id uuid NOT NULL,
    name text NOT NULL,
    status_code text NOT NULL,
    status_description text NULL,
    metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    deleted_at timestamptz NULL,
    CONSTRAINT segments_metadata_object CHECK (jsonb_typeof(metadata) = 'object')
);
-- 0015: exact, case-sensitive name among the ledger's live segments.
CREATE UNIQUE INDEX segments_live_name_uq ON segments (ledger_id, name) WHERE deleted_at IS NULL;
CREATE INDEX segments_live_order_idx ON segments (ledger_id, created_at, id) WHERE deleted_at IS NULL;

CREATE TABLE portfolios (
    id uuid PRIMARY KEY,
    organization_id uuid NOT NULL,
    ledger_id uuid NOT NULL,
    name text NOT NULL,
    entity_id text NULL,
    status_code text NOT NULL,
    status_description text NULL,
    metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    deleted_at timestamptz NULL,
    CONSTRAINT portfolios_metadata_object CHECK (jsonb_typeof(metadata) = 'object')
);
CREATE INDEX portfolios_live_order_idx ON portfolios (ledger_id, created_at, id) WHERE deleted_at IS NULL;

CREATE TABLE accounts (
    id uuid PRIMARY KEY,
    organization_id uuid NOT NULL,
    ledger_id uuid NOT NULL,
    asset_code text NOT NULL,
    name text NOT NULL,
    alias text NOT NULL,
    type text NOT NULL,
    parent_account_id uuid NULL,   -- no foreign keys: deleted parents stay referenced
    portfolio_id uuid NULL,
    segment_id uuid NULL,
    entity_id text NULL,
    blocked boolean NOT NULL DEFAULT false,
    status_code text NOT NULL,
    status_description text NULL,
    metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    deleted_at timestamptz NULL,
    CONSTRAINT accounts_metadata_object CHECK (jsonb_typeof(metadata) = 'object')
);
-- 0020: exact, case-sensitive alias among the ledger's live accounts; also serves the alias and
-- external lookups.
CREATE UNIQUE INDEX accounts_live_alias_uq ON accounts (ledger_id, alias) WHERE deleted_at IS NULL;
CREATE INDEX accounts_live_order_idx ON accounts (ledger_id, created_at, id) WHERE deleted_at IS NULL;
-- Asset delete (0008: live non-external accounts of the code) and the external accounts it removes.
CREATE INDEX accounts_live_asset_idx ON accounts (ledger_id, asset_code) WHERE deleted_at IS NULL;
