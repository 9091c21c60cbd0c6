-- Organizations (api.md "Organizations"), owned by the onboarding service. Soft-deleted rows keep
-- their data with deleted_at set and are excluded from every read. Timestamps are written by the
-- application (time_now_us) so createdAt == updatedAt on create and events carry the same instant.
CREATE TABLE organizations (
    id uuid PRIMARY KEY,
    parent_organization_id uuid NULL,          -- no foreign key: a deleted parent stays referenced
    legal_name text NOT NULL,
    doing_business_as text NULL,
    legal_document text NOT NULL,
    address jsonb NOT NULL,                    -- normalised: line1, line2, zipCode, city, state, country, description
    status_code text NOT NULL,
    status_description text NULL,
    metadata json NOT NULL DEFAULT '{}'::json,      -- json, not jsonb: numbers kept as sent (no numeric range limit)
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    deleted_at timestamptz NULL,
    CONSTRAINT organizations_metadata_object CHECK (json_typeof(metadata) = 'object'),
    CONSTRAINT organizations_address_object CHECK (jsonb_typeof(address) = 'object')
);

-- List order (createdAt, id) over live rows.
CREATE INDEX organizations_live_order_idx ON organizations (created_at, id) WHERE deleted_at IS NULL;
-- Descendant walk of the 0091 check (children of an organization).
CREATE INDEX organizations_parent_idx ON organizations (parent_organization_id) WHERE deleted_at IS NULL;
