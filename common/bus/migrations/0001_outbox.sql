-- Transactional outbox (events.md section 6), created in the service schema (current search_path).
-- Rows are written in the caller's transaction; the relay publishes them in seq order.
CREATE TABLE IF NOT EXISTS outbox (
    seq bigserial PRIMARY KEY,
    id uuid NOT NULL UNIQUE,
    topic text NOT NULL,
    key text NOT NULL,
    type text NOT NULL,
    subject text NOT NULL,
    time timestamptz NOT NULL,
    organization_id uuid NOT NULL,
    ledger_id uuid NULL,
    value bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz NULL
);

CREATE INDEX IF NOT EXISTS outbox_unpublished_idx ON outbox (seq) WHERE published_at IS NULL;

-- Wakes the relay (LISTEN "<schema>_outbox") once per inserting statement; delivered at commit only.
CREATE OR REPLACE FUNCTION outbox_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify(TG_TABLE_SCHEMA || '_outbox', '');
    RETURN NULL;
END
$$;

CREATE OR REPLACE TRIGGER outbox_notify
    AFTER INSERT ON outbox
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();
