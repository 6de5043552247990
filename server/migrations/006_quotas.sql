-- Diverted events of a webhook beyond its quota are dropped, oldest first; this counts
-- them, so that the Diverted Events list can say how many went (`x-diverted-dropped`).
ALTER TABLE webhooks ADD COLUMN diverted_dropped INTEGER NOT NULL DEFAULT 0;
