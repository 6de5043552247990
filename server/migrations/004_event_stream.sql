-- The Events API reads the stream by (tenant, locator): the primary key already orders
-- it, and a time window is a locator range (an event's timestamp is its locator's time).
-- A type filter and a request's events need their own columns and indexes.
ALTER TABLE events ADD COLUMN event_type TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN request_id TEXT NOT NULL DEFAULT '';
UPDATE events SET event_type = json_extract(body, '$.type'), request_id = json_extract(body, '$.requestId');

-- Both end in the locator (the primary key), so each serves its filter in stream order.
CREATE INDEX events_by_type ON events (tenant, event_type, locator);
CREATE INDEX events_by_request ON events (tenant, request_id, locator);
