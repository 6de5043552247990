//! The outbox (`deliveries`), a store module: every SQL statement of the delivery engine,
//! and nothing else. Enqueueing with the event, claiming due rows, loading what one
//! attempt sends, and recording how it ended (retry, set aside, delivered, diverted,
//! suspended) in one transaction.

use std::collections::HashMap;

use rusqlite::types::ValueRef;
use rusqlite::{params, Connection, OptionalExtension};
use webhooks_api::{
    DivertedEventResponse, EventResponse, FailureHandlingResponse, Locator, TenantLocator, WebhookResponse,
};

use crate::db::StoreError;
use crate::{store, timestamp};

/// A row of the outbox, claimed by a worker.
#[derive(Debug, Clone)]
pub(super) struct Delivery {
    pub(super) id: i64,
    pub(super) tenant: TenantLocator,
    pub(super) webhook: Locator,
    pub(super) event: Locator,
    pub(super) retries_done: i32,
    pub(super) resend: bool,
    /// The claim's end (`claimed_until_ms`): a later claim of the row has a later one, so
    /// it also says whether this worker still holds the row.
    pub(super) claim: i64,
}

/// The outbox change an attempt ends with.
pub(super) enum Finish {
    /// Due again after this many milliseconds, as the next attempt.
    RetryAfter(i64),
    /// Due again after this many milliseconds, not attempted (its host's rate was used up).
    Postpone(i64),
    /// Never due again, for this reason (the row does not decode).
    SetAside(String),
    /// The delivery is over: its row goes.
    End(Ending),
}

/// How a delivery ends, beside its row going.
pub(super) enum Ending {
    /// Delivered (a resend's diverted event goes too).
    Delivered,
    /// Nothing kept.
    Remove,
    /// Kept as a diverted event.
    Divert { trigger: String, message: String },
    /// Retries used up: diverted and suspended as the policy says.
    GiveUp { trigger: String, message: String, policy: FailureHandlingResponse },
}

/// Stores an event at the end of its tenant's stream (which may give it a later locator,
/// and sets its timestamp: `stream::append`) and enqueues one delivery for each enabled
/// webhook of the tenant that subscribes to its type (suspended ones too: the engine
/// diverts for them), as long as the tenant has fewer than `max_queued` queued; the
/// deliveries beyond are not queued (logged). Returns how many deliveries were enqueued.
pub fn raise_event(
    connection: &mut Connection,
    tenant: TenantLocator,
    event: &mut EventResponse,
    max_queued: usize,
) -> Result<usize, StoreError> {
    let transaction = connection.transaction()?;
    crate::stream::append(&transaction, tenant, event)?;
    let webhooks: Vec<String> = transaction
        .prepare_cached(
            "SELECT locator FROM webhooks WHERE tenant = ?1 AND enabled = 1 AND instr(event_types, ?2) > 0 ORDER BY locator",
        )?
        .query_map(params![tenant.to_string(), format!("\n{}\n", event.kind)], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    let queued: usize = if webhooks.is_empty() {
        0
    } else {
        // Counted through `deliveries_once` (tenant first), up to the bound only.
        transaction
            .prepare_cached("SELECT count(*) FROM (SELECT 1 FROM deliveries WHERE tenant = ?1 LIMIT ?2)")?
            .query_row(params![tenant.to_string(), max_queued as i64], |row| row.get(0))?
    };
    let room = max_queued.saturating_sub(queued).min(webhooks.len());
    if room < webhooks.len() {
        tracing::warn!(
            tenant = %tenant, event = %event.locator, not_queued = webhooks.len() - room, max_queued,
            "the tenant's delivery queue is full: deliveries of this event not queued"
        );
    }
    let now = timestamp::unix_ms_now();
    for webhook in &webhooks[..room] {
        transaction.execute(
            "INSERT INTO deliveries (tenant, webhook, event_locator, due_at_ms) VALUES (?1, ?2, ?3, ?4)",
            params![tenant.to_string(), webhook, event.locator.to_string(), now],
        )?;
    }
    transaction.commit()?;
    Ok(room)
}

/// A column as text, whatever it holds (a corrupt row's webhook is still a key).
fn raw_text(row: &rusqlite::Row<'_>, index: usize) -> rusqlite::Result<String> {
    Ok(match row.get_ref(index)? {
        ValueRef::Text(text) => String::from_utf8_lossy(text).into_owned(),
        other => format!("{other:?}"),
    })
}

/// Due rows looked at per free worker, so that a window of one busy webhook's rows still
/// leaves others to claim.
const CANDIDATES_PER_WORKER: usize = 4;

/// The most deliveries in flight at once for one webhook and for one tenant.
#[derive(Debug, Clone, Copy)]
pub(super) struct Caps {
    pub(super) per_webhook: usize,
    pub(super) per_tenant: usize,
}

/// Claims up to `limit` due deliveries until `claim_until_ms`, within `caps` of what is in
/// flight. A due row that does not decode is set aside (never due again, `set_aside` says
/// why) and logged; it never stops the others.
pub(super) fn claim_due(
    connection: &mut Connection,
    limit: usize,
    caps: Caps,
    now_ms: i64,
    claim_until_ms: i64,
) -> Result<Vec<Delivery>, StoreError> {
    let transaction = connection.transaction()?;
    let mut in_flight: HashMap<(String, String), usize> = transaction
        .prepare_cached(
            "SELECT tenant, webhook, count(*) FROM deliveries INDEXED BY deliveries_by_claim
             WHERE claimed_until_ms > ?1 GROUP BY tenant, webhook",
        )?
        .query_map([now_ms], |row| Ok(((raw_text(row, 0)?, raw_text(row, 1)?), row.get::<_, usize>(2)?)))?
        .collect::<Result<_, _>>()?;
    let mut tenant_in_flight: HashMap<String, usize> = HashMap::new();
    for ((tenant, _), count) in &in_flight {
        *tenant_in_flight.entry(tenant.clone()).or_default() += count;
    }
    // Webhooks and tenants at their limit are left out in SQL, so that their rows do not
    // fill the window. The claimed rows are few: the queries read them through their
    // index, never the outbox.
    let candidates: Vec<(i64, (String, String), rusqlite::Result<Delivery>)> = transaction
        .prepare_cached(
            "SELECT id, tenant, webhook, event_locator, attempt, resend FROM deliveries
             WHERE due_at_ms <= ?1 AND claimed_until_ms <= ?1
               AND (tenant, webhook) NOT IN (SELECT tenant, webhook FROM deliveries INDEXED BY deliveries_by_claim
                                             WHERE claimed_until_ms > ?1 GROUP BY tenant, webhook HAVING count(*) >= ?3)
               AND tenant NOT IN (SELECT tenant FROM deliveries INDEXED BY deliveries_by_claim
                                  WHERE claimed_until_ms > ?1 GROUP BY tenant HAVING count(*) >= ?4)
             ORDER BY due_at_ms, id LIMIT ?2",
        )?
        .query_map(
            params![now_ms, (limit * CANDIDATES_PER_WORKER) as i64, caps.per_webhook as i64, caps.per_tenant as i64],
            |row| {
                let id: i64 = row.get(0)?;
                let decoded = (|| {
                    Ok(Delivery {
                        id,
                        tenant: store::locator_column(row, 1)?,
                        webhook: store::locator_column(row, 2)?,
                        event: store::locator_column(row, 3)?,
                        retries_done: row.get(4)?,
                        resend: row.get(5)?,
                        claim: claim_until_ms,
                    })
                })();
                Ok((id, (raw_text(row, 1)?, raw_text(row, 2)?), decoded))
            },
        )?
        .collect::<Result<_, _>>()?;
    let mut claimed = Vec::new();
    for (id, webhook, decoded) in candidates {
        let delivery = match decoded {
            Ok(delivery) => delivery,
            Err(error) => {
                set_aside(&transaction, id, &format!("the row does not decode: {error}"))?;
                continue;
            }
        };
        let tenant_busy = tenant_in_flight.entry(webhook.0.clone()).or_default();
        if claimed.len() == limit || *tenant_busy >= caps.per_tenant {
            continue;
        }
        let busy = in_flight.entry(webhook).or_default();
        if *busy >= caps.per_webhook {
            continue;
        }
        *busy += 1;
        *tenant_busy += 1;
        transaction.execute(
            "UPDATE deliveries SET claimed_until_ms = ?2 WHERE id = ?1",
            params![delivery.id, claim_until_ms],
        )?;
        claimed.push(delivery);
    }
    transaction.commit()?;
    Ok(claimed)
}

/// Takes a delivery out of the loop for good, saying why (column `set_aside`).
fn set_aside(connection: &Connection, id: i64, why: &str) -> Result<(), StoreError> {
    tracing::error!(delivery = id, reason = why, "delivery set aside: see deliveries.set_aside");
    connection.execute(
        "UPDATE deliveries SET due_at_ms = ?2, claimed_until_ms = 0, set_aside = ?3 WHERE id = ?1",
        params![id, i64::MAX, why],
    )?;
    Ok(())
}

/// An event's body as stored: the bytes a delivery sends.
fn event_body(connection: &Connection, tenant: TenantLocator, event: Locator) -> Result<Option<String>, StoreError> {
    store::text_body(connection, "SELECT body FROM events WHERE tenant = ?1 AND locator = ?2", tenant, event)
}

/// What one attempt needs: the webhook as it is now and the event's body (either may be gone).
pub(super) fn load(
    connection: &Connection,
    delivery: &Delivery,
) -> Result<(Option<WebhookResponse>, Option<String>), StoreError> {
    let hook = store::get_webhook(connection, delivery.tenant, delivery.webhook)?;
    Ok((hook, event_body(connection, delivery.tenant, delivery.event)?))
}

/// Records an attempt's outcome if the worker still holds the delivery's claim; false
/// (and nothing changed) when the claim ran out and the delivery was claimed again. A
/// webhook keeps its newest `keep_diverted` diverted events.
pub(super) fn record(
    connection: &mut Connection,
    delivery: &Delivery,
    finish: Finish,
    keep_diverted: usize,
) -> Result<bool, StoreError> {
    let transaction = connection.transaction()?;
    let held = transaction
        .query_row(
            "SELECT 1 FROM deliveries WHERE id = ?1 AND claimed_until_ms = ?2",
            params![delivery.id, delivery.claim],
            |_| Ok(()),
        )
        .optional()?
        .is_some();
    if !held {
        return Ok(false);
    }
    match finish {
        Finish::RetryAfter(delay_ms) | Finish::Postpone(delay_ms) => {
            let attempted = i64::from(matches!(finish, Finish::RetryAfter(_)));
            transaction.execute(
                "UPDATE deliveries SET attempt = attempt + ?3, due_at_ms = ?2, claimed_until_ms = 0 WHERE id = ?1",
                params![delivery.id, timestamp::unix_ms_now() + delay_ms, attempted],
            )?;
        }
        Finish::SetAside(why) => set_aside(&transaction, delivery.id, &why)?,
        Finish::End(ending) => {
            end(&transaction, delivery, ending, keep_diverted)?;
            transaction.execute("DELETE FROM deliveries WHERE id = ?1", params![delivery.id])?;
        }
    }
    transaction.commit()?;
    Ok(true)
}

/// What a delivery's end changes beside its row: the diverted event, the suspension.
fn end(
    transaction: &rusqlite::Transaction<'_>,
    delivery: &Delivery,
    ending: Ending,
    keep_diverted: usize,
) -> Result<(), StoreError> {
    let (tenant, webhook, event) = (delivery.tenant, delivery.webhook, delivery.event);
    let divert = |trigger: String, message: String| -> Result<(), StoreError> {
        let request_locator = event_body(transaction, tenant, event)?
            .and_then(|body| serde_json::from_str::<EventResponse>(&body).ok())
            .map_or(event, |e| e.request_id);
        let diverted = DivertedEventResponse {
            event_locator: event,
            request_locator,
            failure_trigger: trigger,
            failure_message: message,
            failure_timestamp: timestamp::now(),
        };
        let dropped = store::insert_diverted(transaction, tenant, webhook, &diverted, keep_diverted)?;
        if dropped > 0 {
            tracing::warn!(webhook = %webhook, dropped, keep = keep_diverted, "oldest diverted events dropped");
        }
        Ok(())
    };
    match ending {
        Ending::Delivered if delivery.resend => {
            store::delete_diverted(transaction, tenant, webhook, event)?;
        }
        Ending::Delivered | Ending::Remove => {}
        Ending::Divert { trigger, message } => divert(trigger, message)?,
        Ending::GiveUp { trigger, message, policy } => {
            if policy.divert {
                divert(trigger, message)?;
            }
            if policy.suspend {
                if let Some(mut current) = store::get_webhook(transaction, tenant, webhook)? {
                    if !current.suspended {
                        current.suspended = true;
                        current.suspended_at = Some(timestamp::now());
                        store::put_webhook(transaction, tenant, &current)?;
                    }
                }
            }
        }
    }
    Ok(())
}
