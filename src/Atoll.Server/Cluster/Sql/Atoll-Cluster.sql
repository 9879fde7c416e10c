-- Atoll's tables in the cluster's PostgreSQL. Idempotent: every node applies it at start (ClusterSchema).

-- The catalog's tables (accounts, databases, tokens) are CatalogRows.Schema, shared with the single-node catalog.db.

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
