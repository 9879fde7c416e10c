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

-- Reserves a log entry's sequence for the owner of an epoch, in one round trip (PostgresOwnershipFence.PublishAsync).
-- True: the sequence is now this entry's (newly reserved, or a retry of the same digest). False: refused — the epoch is
-- no longer the newest, the sequence is at or below the commit point, or another entry holds it.
CREATE OR REPLACE FUNCTION atoll_fence_reserve(p_prefix text, p_sequence bigint, p_key text, p_epoch bigint, p_digest bytea, p_bytes bytea)
RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
    current_epoch bigint;
    current_published bigint;
    reserved bytea;
BEGIN
    SELECT epoch, published INTO current_epoch, current_published FROM fence_owners WHERE prefix = p_prefix FOR UPDATE;
    IF NOT FOUND THEN
        RETURN false; -- never claimed: nobody may publish
    END IF;
    SELECT digest INTO reserved FROM fence_entries WHERE prefix = p_prefix AND sequence = p_sequence;
    IF FOUND THEN
        RETURN reserved = p_digest; -- a retry of the same bytes counts; anyone else's bytes lose
    END IF;
    IF current_epoch <> p_epoch OR current_published >= p_sequence THEN
        RETURN false; -- a newer owner claimed (a zombie), or history at or below the commit point
    END IF;
    INSERT INTO fence_entries(prefix, sequence, key, epoch, digest, pending) VALUES (p_prefix, p_sequence, p_key, p_epoch, p_digest, p_bytes);
    UPDATE fence_owners SET published = p_sequence WHERE prefix = p_prefix;
    RETURN true;
END
$$;

-- Secrets every node must share, created once by whichever node needs one first: 'transfer' signs the upload and
-- download URLs of imports and exports, so a URL one node hands out is good on any node (PostgresTransferSecret).
CREATE TABLE IF NOT EXISTS cluster_secrets(name text PRIMARY KEY, value bytea NOT NULL);

-- Finished import and export jobs, kept for an hour (the signed URLs' lifetime) so a poll through any node answers one
-- whose node has since left (PostgresTransferOutcomes; expired rows are deleted at the next save). key is the job grain's;
-- result is the polling answer's "result" JSON; file the export file the client downloads (another node holds it after a drain).
CREATE TABLE IF NOT EXISTS transfer_outcomes(
    key text NOT NULL, at_bookmark text NOT NULL, type text NOT NULL, node text NOT NULL, error text, result bytea, file text,
    finished_at timestamptz NOT NULL, PRIMARY KEY(key, at_bookmark));
