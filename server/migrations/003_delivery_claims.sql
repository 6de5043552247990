-- A worker claims a delivery until this time (Unix ms). A claim that a crash left behind
-- runs out, and the delivery is attempted again: delivery is at least once.
ALTER TABLE deliveries ADD COLUMN claimed_until_ms INTEGER NOT NULL DEFAULT 0;
