-- Ledgers (api.md "Ledgers"), children of organizations. The ledger name is unique among the
-- organization's live ledgers, ASCII case-insensitive (A-Z = a-z only, every other character by code
-- point): the partial unique index makes concurrent creates/renames have exactly one winner (23505).
CREATE TABLE ledgers (
    id uuid PRIMARY KEY,
    organization_id uuid NOT NULL REFERENCES organizations (id),
    name text NOT NULL,
    status_code text NOT NULL,
    status_description text NULL,
    metadata json NOT NULL DEFAULT '{}'::json,      -- json, not jsonb: numbers kept as sent (no numeric range limit)
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    deleted_at timestamptz NULL,
    CONSTRAINT ledgers_metadata_object CHECK (json_typeof(metadata) = 'object')
);

CREATE UNIQUE INDEX ledgers_live_name_uq ON ledgers
    (organization_id, translate(name, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'))
    WHERE deleted_at IS NULL;

-- List order (createdAt, id) of one organization's live ledgers; also serves the "has live ledgers"
-- check of an organization delete and the count.
CREATE INDEX ledgers_live_order_idx ON ledgers (organization_id, created_at, id) WHERE deleted_at IS NULL;
