-- Webhooks: the full WebhookResponse as JSON in `body`; the filterable fields beside it.
CREATE TABLE webhooks (
    tenant TEXT NOT NULL,
    locator TEXT NOT NULL,
    name TEXT NOT NULL,
    enabled INTEGER NOT NULL,
    suspended INTEGER NOT NULL,
    -- Every subscribed event type between newlines ("\na.b\nc.d\n"): event types hold no whitespace.
    event_types TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (tenant, locator)
) WITHOUT ROWID;

-- The list's filters scan this small index in locator order, without the JSON bodies,
-- and stop once a page is found; bodies are read for that page only.
CREATE INDEX webhooks_for_filters ON webhooks (tenant, locator, enabled, suspended, name, event_types);

-- Bearer tokens: only the SHA-256 of the token is kept.
CREATE TABLE tokens (
    id TEXT PRIMARY KEY,
    hash TEXT NOT NULL UNIQUE,
    tenant TEXT NOT NULL,
    grants TEXT NOT NULL,
    label TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);

-- Server-wide facts, such as whether the demo tenant was seeded.
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
