-- Deliveries in flight are the claimed ones: found by claim, counted per webhook, so that
-- one webhook never holds more than its share of the workers.
CREATE INDEX deliveries_by_claim ON deliveries (claimed_until_ms);

-- One queued delivery per event and webhook: resending a diverted event that is already
-- queued adds nothing. Duplicates queued before this rule keep their oldest row.
DELETE FROM deliveries WHERE id NOT IN (SELECT min(id) FROM deliveries GROUP BY tenant, event_locator, webhook);
CREATE UNIQUE INDEX deliveries_once ON deliveries (tenant, event_locator, webhook);

-- Why a delivery that could not be decoded was set aside (it is then never due again).
ALTER TABLE deliveries ADD COLUMN set_aside TEXT;

-- Retention: old events are found in locator (time) order, and an event is kept while a
-- diverted event or a queued delivery names it.
CREATE INDEX events_by_locator ON events (locator);
CREATE INDEX diverted_events_by_event ON diverted_events (tenant, event_locator);
