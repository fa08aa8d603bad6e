-- Renderowl's first schema. Every table is scoped by owner_id; every public id is a
-- time-sortable text id with a type prefix (see renderowl/ids.py).

CREATE TABLE owners (
    id               text PRIMARY KEY,
    name             text NOT NULL UNIQUE,
    -- `iss|sub` of the identity provider's JWTs that map to this owner (NULL for API-key-only owners)
    external_subject text UNIQUE,
    created_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_keys (
    id           text PRIMARY KEY,
    owner_id     text NOT NULL REFERENCES owners (id) ON DELETE CASCADE,
    name         text NOT NULL DEFAULT '',
    -- SHA-256 of the whole token. Tokens carry 256 random bits, so a fast hash is safe here;
    -- slow password hashes exist for low-entropy secrets.
    key_hash     bytea NOT NULL UNIQUE,
    hint         text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at   timestamptz
);
CREATE INDEX api_keys_owner ON api_keys (owner_id);

CREATE TABLE assets (
    id             text PRIMARY KEY,
    owner_id       text NOT NULL REFERENCES owners (id) ON DELETE CASCADE,
    status         text NOT NULL DEFAULT 'pending'
                   CHECK (status IN ('pending', 'processing', 'ready', 'rejected', 'deleted')),
    kind           text CHECK (kind IN ('video', 'audio', 'image', 'font', 'captions')),
    filename       text NOT NULL,
    content_type   text NOT NULL,
    declared_size  bigint NOT NULL CHECK (declared_size > 0),
    source_key     text NOT NULL,
    size_bytes     bigint,
    checksum       text,
    metadata       jsonb NOT NULL DEFAULT '{}'::jsonb,
    derivatives    jsonb NOT NULL DEFAULT '{}'::jsonb,
    reject_reason  text,
    reject_message text,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    ready_at       timestamptz
);
CREATE INDEX assets_owner_page ON assets (owner_id, id DESC);
CREATE INDEX assets_owner_status ON assets (owner_id, status, id DESC);

CREATE TABLE renders (
    id             text PRIMARY KEY,
    owner_id       text NOT NULL REFERENCES owners (id) ON DELETE CASCADE,
    status         text NOT NULL DEFAULT 'queued'
                   CHECK (status IN ('queued', 'planning', 'preparing', 'rendering', 'finalizing',
                                     'succeeded', 'failed', 'cancelled')),
    spec           jsonb NOT NULL,
    callback_url   text,
    runner         text CHECK (runner IN ('lambda', 'fargate')),
    runner_override text CHECK (runner_override IN ('lambda', 'fargate')),
    progress       smallint NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    estimate       jsonb,
    execution_arn  text,
    task_arn       text,
    error_code     text,
    error_message  text,
    output         jsonb,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    started_at     timestamptz,
    finished_at    timestamptz,
    expires_at     timestamptz
);
CREATE INDEX renders_owner_page ON renders (owner_id, id DESC);
CREATE INDEX renders_owner_status ON renders (owner_id, status, id DESC);

-- Which assets a render reads: an asset in use by a queued or running render cannot be deleted.
CREATE TABLE render_assets (
    render_id text NOT NULL REFERENCES renders (id) ON DELETE CASCADE,
    asset_id  text NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    PRIMARY KEY (render_id, asset_id)
);
CREATE INDEX render_assets_asset ON render_assets (asset_id);

-- The audit trail: one row per state change or step boundary of a render.
CREATE TABLE render_events (
    id          bigserial PRIMARY KEY,
    render_id   text NOT NULL REFERENCES renders (id) ON DELETE CASCADE,
    from_status text,
    to_status   text NOT NULL,
    detail      jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX render_events_render ON render_events (render_id, id);

-- The outbox: every event a customer may receive (render.succeeded, asset.ready, …).
CREATE TABLE events (
    id         text PRIMARY KEY,
    owner_id   text NOT NULL REFERENCES owners (id) ON DELETE CASCADE,
    type       text NOT NULL,
    payload    jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX events_owner ON events (owner_id, id DESC);

CREATE TABLE webhooks (
    id                 text PRIMARY KEY,
    owner_id           text NOT NULL REFERENCES owners (id) ON DELETE CASCADE,
    url                text NOT NULL,
    description        text NOT NULL DEFAULT '',
    event_types        text[] NOT NULL DEFAULT '{}',   -- empty means every event
    secret             text NOT NULL,
    previous_secret    text,
    previous_secret_expires_at timestamptz,
    status             text NOT NULL DEFAULT 'enabled' CHECK (status IN ('enabled', 'disabled')),
    disabled_reason    text,
    failing_since      timestamptz,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhooks_owner ON webhooks (owner_id, id DESC);

CREATE TABLE webhook_deliveries (
    id              text PRIMARY KEY,
    owner_id        text NOT NULL REFERENCES owners (id) ON DELETE CASCADE,
    event_id        text NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    webhook_id      text REFERENCES webhooks (id) ON DELETE CASCADE,  -- NULL for a render's callback_url
    url             text NOT NULL,
    status          text NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'delivering', 'succeeded', 'failed')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz,
    last_status_code integer,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (event_id, webhook_id, url)
);
CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (webhook_id, id DESC);

CREATE TABLE webhook_attempts (
    id               bigserial PRIMARY KEY,
    delivery_id      text NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    attempt          integer NOT NULL,
    status_code      integer,
    latency_ms       integer,
    response_excerpt text,
    error            text,
    created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, attempt);

-- Idempotency-Key records (IETF draft / Stripe semantics), kept at least 24 hours.
CREATE TABLE idempotency_keys (
    owner_id        text NOT NULL REFERENCES owners (id) ON DELETE CASCADE,
    key             text NOT NULL,
    request_hash    text NOT NULL,
    status          text NOT NULL DEFAULT 'in_progress' CHECK (status IN ('in_progress', 'completed')),
    response_status integer,
    response_body   jsonb,
    created_at      timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL DEFAULT now() + interval '24 hours',
    PRIMARY KEY (owner_id, key)
);
CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);
