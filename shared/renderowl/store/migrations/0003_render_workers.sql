-- The render worker attempt that currently owns a render: a newer attempt (a retry after a lost
-- heartbeat) supersedes an older one, which then stops instead of racing it.
ALTER TABLE renders ADD COLUMN worker_attempt integer;
ALTER TABLE renders ADD COLUMN idempotency_key text;
CREATE INDEX renders_expiry ON renders (expires_at) WHERE output IS NOT NULL;
