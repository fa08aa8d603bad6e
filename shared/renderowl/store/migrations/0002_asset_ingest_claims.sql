-- Ingest claims an asset before processing it; a claim that outlives its Lambda (a crash) expires,
-- so a redelivered event can take the asset over, while a duplicate event during processing cannot.
ALTER TABLE assets ADD COLUMN claimed_until timestamptz;
ALTER TABLE assets ADD COLUMN source_url text;
