//! Bounded growth: events and diverted events are kept for a while
//! (`--event-retention-days`), then swept; an event a queued delivery still names stays.

use std::time::Duration;

use rusqlite::{params, Connection};

use crate::db::{Db, StoreError};
use crate::timestamp;

/// Events deleted in one transaction, so that a sweep never holds the writer for long.
const BATCH: i64 = 1000;

/// How often the server sweeps.
pub const SWEEP_EVERY: Duration = Duration::from_secs(3600);

/// Deletes the diverted events of events raised before `cutoff_ms` (Unix milliseconds),
/// then those events that no queued delivery names; returns how many events went.
pub fn sweep(connection: &mut Connection, cutoff_ms: i64) -> Result<usize, StoreError> {
    // Locators are ULIDs: their text sorts by the time they were made.
    let cutoff = ulid::Ulid::from_parts(u64::try_from(cutoff_ms).unwrap_or(0), 0).to_string();
    loop {
        let transaction = connection.transaction()?;
        let deleted = transaction.execute(
            "DELETE FROM diverted_events WHERE (tenant, webhook, event_locator) IN (
                 SELECT tenant, webhook, event_locator FROM diverted_events WHERE event_locator < ?1 LIMIT ?2)",
            params![cutoff, BATCH],
        )?;
        transaction.commit()?;
        if (deleted as i64) < BATCH {
            break;
        }
    }
    let mut swept = 0;
    loop {
        let transaction = connection.transaction()?;
        let deleted = transaction.execute(
            "DELETE FROM events WHERE (tenant, locator) IN (
                 SELECT e.tenant, e.locator FROM events e INDEXED BY events_by_locator
                 WHERE e.locator < ?1
                   AND NOT EXISTS (SELECT 1 FROM diverted_events d WHERE d.tenant = e.tenant AND d.event_locator = e.locator)
                   AND NOT EXISTS (SELECT 1 FROM deliveries q WHERE q.tenant = e.tenant AND q.event_locator = e.locator)
                 LIMIT ?2)",
            params![cutoff, BATCH],
        )?;
        transaction.commit()?;
        swept += deleted;
        if (deleted as i64) < BATCH {
            return Ok(swept);
        }
    }
}

/// Sweeps now and every [`SWEEP_EVERY`], keeping events for `keep`.
pub async fn run(db: Db, keep: Duration) {
    loop {
        let cutoff = timestamp::unix_ms_now() - keep.as_millis() as i64;
        match db.call(move |c| sweep(c, cutoff)).await {
            Ok(0) => {}
            Ok(swept) => tracing::info!(swept, "old events swept"),
            Err(error) => tracing::error!(error = &error as &dyn std::error::Error, "cannot sweep old events"),
        }
        tokio::time::sleep(SWEEP_EVERY).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store;
    use webhooks_api::{DivertedEventResponse, Locator, TenantLocator};

    fn event_at(connection: &Connection, tenant: TenantLocator, ms: i64) -> Locator {
        let locator = Locator::from_ulid(ulid::Ulid::from_parts(ms as u64, ms as u128));
        connection
            .execute(
                "INSERT INTO events (tenant, locator, body) VALUES (?1, ?2, '{}')",
                params![tenant.to_string(), locator.to_string()],
            )
            .unwrap();
        locator
    }

    fn events(connection: &Connection) -> Vec<String> {
        let mut statement = connection.prepare("SELECT locator FROM events ORDER BY locator").unwrap();
        statement.query_map([], |row| row.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
    }

    #[test]
    fn old_events_and_diverted_events_go_unless_a_queued_delivery_names_the_event() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("r.sqlite3")).unwrap();
        let tenant: TenantLocator = "3f2c8a4e-1b7d-4c1e-9a55-0c6f1e2d3b4a".parse().unwrap();
        let day: i64 = 86_400_000;
        let now: i64 = 1_800_000_000_000;
        db.blocking(|c| {
            let webhook = webhooks_api::CreateWebhookRequest {
                name: "w".into(),
                endpoint: webhooks_api::CreateEndpointRequest { url: "https://e.com".into(), ..Default::default() },
                ..Default::default()
            }
            .into_response(Locator::from_ulid(ulid::Ulid::from_parts(1, 1)));
            store::put_webhook(c, tenant, &webhook)?;
            let batch = c.transaction()?;
            let old: Vec<Locator> = (0..2_500).map(|n| event_at(&batch, tenant, now - 40 * day + n)).collect();
            batch.commit()?;
            let diverted = event_at(c, tenant, now - 35 * day);
            let queued = event_at(c, tenant, now - 31 * day);
            let recent = event_at(c, tenant, now - 29 * day);
            for event in [diverted, recent] {
                let failure = DivertedEventResponse {
                    event_locator: event,
                    request_locator: event,
                    failure_trigger: "5xx".into(),
                    failure_message: "HTTP 500".into(),
                    failure_timestamp: "2027-01-01T00:00:00Z".into(),
                };
                store::insert_diverted(c, tenant, webhook.locator, &failure, 10)?;
            }
            store::enqueue_delivery(c, tenant, webhook.locator, queued, now, false)?;

            // More old events than one batch: all of them go, in several transactions, and
            // an old diverted event goes with its event; a recent one stays.
            assert_eq!(sweep(c, now - 30 * day)?, old.len() + 1);
            assert_eq!(events(c), [queued, recent].map(|l| l.to_string()));
            let kept: Vec<String> = c
                .prepare("SELECT event_locator FROM diverted_events")?
                .query_map([], |row| row.get(0))?
                .collect::<Result<_, _>>()?;
            assert_eq!(kept, [recent.to_string()]);
            assert_eq!(sweep(c, now - 30 * day)?, 0, "a second sweep finds nothing");

            // Once the delivery is done, its event goes too.
            c.execute("DELETE FROM deliveries", [])?;
            assert_eq!(sweep(c, now - 30 * day)?, 1);
            assert_eq!(events(c), [recent.to_string()]);
            Ok(())
        })
        .unwrap();
    }
}
