-- Atoll's tables in the cluster's PostgreSQL. Idempotent: every node applies it at start (ClusterSchema).

-- The catalog: the same tables and columns as the single-node catalog.db (CatalogRows reads both).
CREATE TABLE IF NOT EXISTS accounts(id text PRIMARY KEY, name text NOT NULL, created_at text NOT NULL);
CREATE TABLE IF NOT EXISTS databases(
    uuid text PRIMARY KEY, account_id text NOT NULL REFERENCES accounts(id), name text NOT NULL, created_at text NOT NULL,
    read_replication text NOT NULL DEFAULT 'disabled', location_hint text, jurisdiction text,
    num_tables integer NOT NULL DEFAULT 0, file_size bigint NOT NULL DEFAULT 0, UNIQUE(account_id, name));
CREATE TABLE IF NOT EXISTS tokens(
    id text PRIMARY KEY, account_id text NOT NULL REFERENCES accounts(id), name text NOT NULL, hash text NOT NULL UNIQUE,
    permission text NOT NULL, databases text, is_admin integer NOT NULL DEFAULT 0, created_at text NOT NULL);

-- Every catalog write appends what it changed (kind: account, database, token; key: its id or uuid), in commit order
-- (writers hold one advisory lock), so each node's mirror catches up by reading past the last id it applied.
CREATE TABLE IF NOT EXISTS catalog_changes(
    id bigserial PRIMARY KEY, kind text NOT NULL, key text NOT NULL, changed_at timestamptz NOT NULL DEFAULT now());

-- The ownership fence: per database prefix, the newest claimed epoch and the highest sequence published under any epoch.
CREATE TABLE IF NOT EXISTS fence_owners(prefix text PRIMARY KEY, epoch bigint NOT NULL, published bigint);
-- Each published log entry: who published it and a digest of its bytes; the bytes themselves until the object store holds
-- them (so the next owner can finish an upload a dead owner began).
CREATE TABLE IF NOT EXISTS fence_entries(
    prefix text NOT NULL, sequence bigint NOT NULL, key text NOT NULL, epoch bigint NOT NULL, digest bytea NOT NULL,
    pending bytea, PRIMARY KEY(prefix, sequence));
