-- Webhooks: the full WebhookResponse as JSON in `body`; the filterable fields beside it.
CREATE TABLE webhooks (
    tenant TEXT NOT NULL,
    locator TEXT NOT NULL,
    name TEXT NOT NULL,
    enabled INTEGER NOT NULL,
    suspended INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (tenant, locator)
) WITHOUT ROWID;

CREATE INDEX webhooks_by_state ON webhooks (tenant, enabled, suspended, locator);

-- One row per subscribed event type, for the `eventTypes` filter.
CREATE TABLE webhook_event_types (
    tenant TEXT NOT NULL,
    event_type TEXT NOT NULL,
    locator TEXT NOT NULL,
    PRIMARY KEY (tenant, event_type, locator),
    FOREIGN KEY (tenant, locator) REFERENCES webhooks (tenant, locator) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE INDEX webhook_event_types_by_webhook ON webhook_event_types (tenant, locator);

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
