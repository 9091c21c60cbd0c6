-- Creates the midaz database, one login role per service and the schema each role owns.
-- Idempotent: scripts/stack.sh applies it at every start, and the postgres image runs it from
-- /docker-entrypoint-initdb.d on first boot. It grants nothing beyond CONNECT; each service creates
-- its own tables (migrations) inside its own schema. psql only (\gexec, \connect).
\set ON_ERROR_STOP on

SELECT 'CREATE DATABASE midaz'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'midaz')\gexec

-- Local passwords equal the role names; real deployments set their own (deploy/k8s Secret).
DO $$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['onboarding', 'portfolio', 'transaction'] LOOP
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r) THEN
            EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L', r, r);
        END IF;
    END LOOP;
END
$$;

REVOKE ALL ON DATABASE midaz FROM PUBLIC;
GRANT CONNECT ON DATABASE midaz TO onboarding, portfolio, transaction;

\connect midaz

REVOKE ALL ON SCHEMA public FROM PUBLIC;

CREATE SCHEMA IF NOT EXISTS onboarding AUTHORIZATION onboarding;
CREATE SCHEMA IF NOT EXISTS portfolio AUTHORIZATION portfolio;
CREATE SCHEMA IF NOT EXISTS transaction AUTHORIZATION transaction;

-- Each service sees only its own schema by default (the services also set it on connect).
ALTER ROLE onboarding IN DATABASE midaz SET search_path = onboarding;
ALTER ROLE portfolio IN DATABASE midaz SET search_path = portfolio;
ALTER ROLE transaction IN DATABASE midaz SET search_path = transaction;
