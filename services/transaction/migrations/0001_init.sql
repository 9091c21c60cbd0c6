-- Registries of the onboarding entities this service checks (events.md 7.1; the 0038 / 0037 path
-- checks of transactions.md section 1).
-- Fed by organization.* / ledger.* events and by read-through lookups; never by clients. No foreign
-- key between them: events of different keys may arrive in any order.
CREATE TABLE organizations (
    id uuid PRIMARY KEY,
    updated_at timestamptz NOT NULL,   -- entity updatedAt (or deletedAt) of the last applied change
    deleted_at timestamptz NULL
);

CREATE TABLE ledgers (
    id uuid PRIMARY KEY,
    organization_id uuid NOT NULL,
    updated_at timestamptz NOT NULL,
    deleted_at timestamptz NULL
);

CREATE INDEX ledgers_organization_id_idx ON ledgers (organization_id);
