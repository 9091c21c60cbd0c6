-- Consumer inbox (events.md section 7): the ce_id of every handled event, written in the same
-- transaction as the handler's effect so a redelivered event is recognised and skipped.
CREATE TABLE IF NOT EXISTS inbox (
    ce_id text PRIMARY KEY,
    topic text NOT NULL,
    partition int NOT NULL,
    "offset" bigint NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now()
);
