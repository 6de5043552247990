-- Events raised in a tenant (the EventResponse as JSON), kept for diverted events and resends.
CREATE TABLE events (
    tenant TEXT NOT NULL,
    locator TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (tenant, locator)
) WITHOUT ROWID;

-- Events whose delivery to a webhook failed and were kept (`divert`).
CREATE TABLE diverted_events (
    tenant TEXT NOT NULL,
    webhook TEXT NOT NULL,
    event_locator TEXT NOT NULL,
    request_locator TEXT NOT NULL,
    failure_trigger TEXT NOT NULL,
    failure_message TEXT NOT NULL,
    failure_timestamp TEXT NOT NULL,
    PRIMARY KEY (tenant, webhook, event_locator),
    FOREIGN KEY (tenant, webhook) REFERENCES webhooks (tenant, locator) ON DELETE CASCADE
) WITHOUT ROWID;

-- The outbox: one row per delivery still to attempt. A resend of a diverted event
-- is a row with `resend = 1`; the diverted row goes when that delivery succeeds.
CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant TEXT NOT NULL,
    webhook TEXT NOT NULL,
    event_locator TEXT NOT NULL,
    attempt INTEGER NOT NULL DEFAULT 0,
    due_at_ms INTEGER NOT NULL,
    resend INTEGER NOT NULL DEFAULT 0,
    FOREIGN KEY (tenant, webhook) REFERENCES webhooks (tenant, locator) ON DELETE CASCADE
);

CREATE INDEX deliveries_by_due ON deliveries (due_at_ms);
CREATE INDEX deliveries_by_webhook ON deliveries (tenant, webhook);
