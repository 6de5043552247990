//! The delivery engine: events reach endpoints, and failures are retried, alerted,
//! diverted and suspended as the contract's failure handling says.
//!
//! The queue is the `deliveries` table (an outbox in the same database), so an enqueued
//! delivery survives a restart. A worker claims a row for a while before sending; if the
//! server dies between sending and recording the outcome, the claim runs out and the event is
//! sent again: delivery is at least once. Once a success is recorded the row is
//! gone, so an event is never sent again after that.
//!
//! A hostile tenant cannot turn the engine against anyone else: every destination is
//! checked when it is sent to ([`crate::destination`]), redirects are not followed, one
//! webhook never has more than [`EngineConfig::per_webhook`] deliveries in flight, a claim
//! outlives the longest attempt and only the worker that still holds it records an
//! outcome, and a row that cannot be decoded is set aside instead of stopping the loop.

use std::collections::HashMap;
use std::error::Error;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rusqlite::types::ValueRef;
use rusqlite::{params, Connection, OptionalExtension};
use tokio::sync::{Notify, Semaphore};
use webhooks_api::{
    validate, DivertedEventResponse, EndpointResponse, EventResponse, FailureHandlingResponse, Locator, TenantLocator,
    WebhookResponse,
};

use crate::db::{Db, StoreError};
use crate::destination::{Destinations, GuardedResolver, Refused};
use crate::{signing, store, timestamp};

/// How the engine runs.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// Deliveries sent at once, at most.
    pub workers: usize,
    /// Deliveries of one webhook sent at once, at most: a webhook whose endpoint hangs
    /// holds no more workers than this.
    pub per_webhook: usize,
    /// How long an endpoint may take to answer.
    pub timeout: Duration,
    /// How often the outbox is looked at when nothing wakes the engine.
    pub poll_interval: Duration,
    /// Where deliveries and alert notices may go beyond the public internet.
    pub destinations: Destinations,
}

impl Default for EngineConfig {
    fn default() -> Self {
        Self {
            workers: 8,
            per_webhook: 2,
            timeout: Duration::from_secs(10),
            poll_interval: Duration::from_millis(100),
            destinations: Destinations::default(),
        }
    }
}

/// Room a claim leaves beyond its longest attempt, to record the outcome.
const CLAIM_MARGIN: Duration = Duration::from_secs(30);

impl EngineConfig {
    /// How long a worker holds a claim: longer than the longest attempt (the send, then
    /// the alert notice, each up to `timeout`) and its recording.
    pub fn claim_duration(&self) -> Duration {
        self.timeout * 2 + CLAIM_MARGIN
    }
}

/// What became of one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A 2xx answer.
    Delivered(u16),
    /// Any other status (a redirect too: redirects are not followed).
    Status(u16),
    /// No answer in time.
    TimedOut,
    /// No connection (refused, unknown host, reset): counts as `timeout`.
    ConnectionFailed(String),
    /// The destination is not allowed (why, in words): not sent, counts as `timeout`.
    Refused(String),
    /// The endpoint's TLS certificate was not accepted (why, in words): counts as `timeout`.
    Untrusted(String),
}

impl Outcome {
    /// What happened, in words (the diverted event's message).
    pub fn message(&self, timeout: Duration) -> String {
        match self {
            Self::Delivered(code) => format!("HTTP {code}"),
            Self::Status(code) => {
                let reason = axum::http::StatusCode::from_u16(*code).ok().and_then(|s| s.canonical_reason());
                format!("HTTP {code}{}", reason.map(|r| format!(" {r}")).unwrap_or_default())
            }
            Self::TimedOut => format!("no answer within {} ms", timeout.as_millis()),
            Self::ConnectionFailed(why) => format!("could not connect: {why}"),
            Self::Refused(why) => why.clone(),
            Self::Untrusted(why) => format!(
                "TLS certificate not accepted: {why}. Give the endpoint a certificate from a public authority, \
                 or, for a self-signed one you trust, turn off \"Verify the TLS certificate\" (secureSsl)"
            ),
        }
    }
}

/// What to do after an attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Delivered.
    Done,
    /// A failure no trigger matches: dropped without retry.
    Drop,
    /// A triggered failure with retries left: try again after this long.
    Retry {
        /// Milliseconds to wait (before [`jittered`]).
        delay_ms: i64,
    },
    /// A triggered failure with no retry left: alert, divert, suspend as the policy says.
    GiveUp {
        /// The trigger that matched (`503`, `5xx`, `timeout`).
        trigger: String,
    },
}

/// The trigger a failed outcome matches: an exact status first, then its class, or `timeout`.
pub fn matching_trigger(triggers: &[String], outcome: &Outcome) -> Option<String> {
    let has = |t: &str| triggers.iter().any(|trigger| trigger == t);
    match outcome {
        Outcome::Delivered(_) => None,
        Outcome::Status(code) => {
            let exact = code.to_string();
            let class = match code {
                400..=499 => "4xx",
                500..=599 => "5xx",
                _ => "",
            };
            if has(&exact) {
                Some(exact)
            } else {
                (!class.is_empty() && has(class)).then(|| class.to_owned())
            }
        }
        Outcome::TimedOut | Outcome::ConnectionFailed(_) | Outcome::Refused(_) | Outcome::Untrusted(_) => {
            has("timeout").then(|| "timeout".to_owned())
        }
    }
}

/// The policy's answer to an outcome, after `retries_done` retries.
pub fn decide(policy: &FailureHandlingResponse, retries_done: i32, outcome: &Outcome) -> Decision {
    if let Outcome::Delivered(_) = outcome {
        return Decision::Done;
    }
    let Some(trigger) = matching_trigger(&policy.triggers, outcome) else { return Decision::Drop };
    match &policy.retry_strategy {
        Some(strategy) if retries_done < strategy.attempts => {
            Decision::Retry { delay_ms: strategy.delay_before_retry_ms(retries_done + 1) }
        }
        _ => Decision::GiveUp { trigger },
    }
}

/// The largest share of a retry delay added at random.
const JITTER: f64 = 0.1;

/// A retry delay with jitter: `delay_ms` plus up to 10 % more, `unit` (0 to 1) saying how
/// much. Retries of many deliveries that failed together (an endpoint that was down)
/// spread out instead of arriving together; never earlier than the strategy says.
pub fn jittered(delay_ms: i64, unit: f64) -> i64 {
    delay_ms + (delay_ms as f64 * JITTER * unit.clamp(0.0, 1.0)) as i64
}

/// A row of the outbox, claimed by a worker.
#[derive(Debug, Clone)]
struct Delivery {
    id: i64,
    tenant: TenantLocator,
    webhook: Locator,
    event: Locator,
    retries_done: i32,
    resend: bool,
    /// The claim's end (`claimed_until_ms`): a later claim of the row has a later one, so
    /// it also says whether this worker still holds the row.
    claim: i64,
}

/// Wakes the engine when work is enqueued.
#[derive(Clone, Default)]
pub struct Wake(Arc<Notify>);

impl Wake {
    /// Tells the engine to look at the outbox now.
    pub fn now(&self) {
        self.0.notify_one();
    }
}

/// Stores an event at the end of its tenant's stream (which may give it a later locator,
/// and sets its timestamp: `stream::append`) and enqueues one delivery for each enabled
/// webhook of the tenant that subscribes to its type (suspended ones too: the engine
/// diverts for them). Returns how many deliveries were enqueued.
pub fn raise_event(
    connection: &mut Connection,
    tenant: TenantLocator,
    event: &mut EventResponse,
) -> Result<usize, StoreError> {
    let transaction = connection.transaction()?;
    crate::stream::append(&transaction, tenant, event)?;
    let webhooks: Vec<String> = transaction
        .prepare_cached(
            "SELECT locator FROM webhooks WHERE tenant = ?1 AND enabled = 1 AND instr(event_types, ?2) > 0 ORDER BY locator",
        )?
        .query_map(params![tenant.to_string(), format!("\n{}\n", event.kind)], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    let now = timestamp::unix_ms_now();
    for webhook in &webhooks {
        transaction.execute(
            "INSERT INTO deliveries (tenant, webhook, event_locator, due_at_ms) VALUES (?1, ?2, ?3, ?4)",
            params![tenant.to_string(), webhook, event.locator.to_string(), now],
        )?;
    }
    transaction.commit()?;
    Ok(webhooks.len())
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

/// Claims up to `limit` due deliveries until `claim_until_ms`, at most `per_webhook` in
/// flight for any webhook. A due row that does not decode is set aside (never due again,
/// `set_aside` says why) and logged; it never stops the others.
fn claim_due(
    connection: &mut Connection,
    limit: usize,
    per_webhook: usize,
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
    // Webhooks at their limit are left out in SQL, so that their rows do not fill the window.
    // The claimed rows are few: both queries read them through their index, never the outbox.
    let candidates: Vec<(i64, (String, String), rusqlite::Result<Delivery>)> = transaction
        .prepare_cached(
            "SELECT id, tenant, webhook, event_locator, attempt, resend FROM deliveries
             WHERE due_at_ms <= ?1 AND claimed_until_ms <= ?1
               AND (tenant, webhook) NOT IN (SELECT tenant, webhook FROM deliveries INDEXED BY deliveries_by_claim
                                             WHERE claimed_until_ms > ?1 GROUP BY tenant, webhook HAVING count(*) >= ?3)
             ORDER BY due_at_ms, id LIMIT ?2",
        )?
        .query_map(params![now_ms, (limit * CANDIDATES_PER_WORKER) as i64, per_webhook as i64], |row| {
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
        })?
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
        let busy = in_flight.entry(webhook).or_default();
        if claimed.len() == limit || *busy >= per_webhook {
            continue;
        }
        *busy += 1;
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

/// The engine's HTTP clients, alike but for TLS: an endpoint is sent to by the one its
/// `secureSsl` says. Each has its own connection pool, so a connection opened without
/// checking the certificate never carries a request to an endpoint that verifies.
struct Clients {
    /// Verifies the certificate (`secureSsl` true or absent).
    verifying: reqwest::Client,
    /// Takes any certificate, self-signed, expired or for another name (`secureSsl: false`).
    any_certificate: reqwest::Client,
}

impl Clients {
    fn new(config: &EngineConfig) -> Self {
        // Both clients' resolvers share one copy of the allowances.
        let destinations = Arc::new(config.destinations.clone());
        let client = |verify_tls: bool| {
            reqwest::Client::builder()
                .timeout(config.timeout)
                .connect_timeout(config.timeout)
                // A 3xx is an answer like any other: following it would reach a place unchecked.
                .redirect(reqwest::redirect::Policy::none())
                // A proxy would connect where the resolver cannot see.
                .no_proxy()
                .dns_resolver(Arc::new(GuardedResolver(Arc::clone(&destinations))))
                .danger_accept_invalid_certs(!verify_tls)
                .build()
                .expect("an HTTP client with a timeout builds")
        };
        Self { verifying: client(true), any_certificate: client(false) }
    }

    /// The client for `endpoint`. Either sends `http://` as plain HTTP.
    fn for_endpoint(&self, endpoint: &EndpointResponse) -> &reqwest::Client {
        if endpoint.security.verifies_tls() {
            &self.verifying
        } else {
            &self.any_certificate
        }
    }
}

/// Starts the engine on the runtime; enqueuers wake it through the returned [`Wake`].
pub fn start(db: Db, config: EngineConfig) -> Wake {
    let wake = Wake::default();
    let engine = Arc::new(Engine {
        db,
        http: Clients::new(&config),
        permits: Arc::new(Semaphore::new(config.workers.max(1))),
        config,
        wake: wake.clone(),
    });
    tokio::spawn(async move { engine.run().await });
    wake
}

struct Engine {
    db: Db,
    http: Clients,
    permits: Arc<Semaphore>,
    config: EngineConfig,
    wake: Wake,
}

impl Engine {
    async fn run(self: Arc<Self>) {
        loop {
            let free = self.permits.available_permits();
            let claimed = if free == 0 {
                Vec::new()
            } else {
                let now = timestamp::unix_ms_now();
                let until = now + self.config.claim_duration().as_millis() as i64;
                let per_webhook = self.config.per_webhook.max(1);
                match self.db.call(move |c| claim_due(c, free, per_webhook, now, until)).await {
                    Ok(claimed) => claimed,
                    Err(error) => {
                        tracing::error!(error = &error as &dyn Error, "delivery engine cannot read its outbox");
                        Vec::new()
                    }
                }
            };
            let busy = !claimed.is_empty();
            for delivery in claimed {
                let permit = Arc::clone(&self.permits).acquire_owned().await.expect("the semaphore is never closed");
                let engine = Arc::clone(&self);
                tokio::spawn(async move {
                    engine.attempt(delivery).await;
                    drop(permit);
                    // A webhook at its limit may have rows waiting for this one to end.
                    engine.wake.now();
                });
            }
            if !busy {
                tokio::select! {
                    () = self.wake.0.notified() => {}
                    () = tokio::time::sleep(self.config.poll_interval) => {}
                }
            } else if self.permits.available_permits() == 0 {
                // Every worker is busy: wait for one before claiming more.
                drop(self.permits.acquire().await);
            }
        }
    }

    async fn attempt(&self, delivery: Delivery) {
        let (tenant, webhook, event) = (delivery.tenant, delivery.webhook, delivery.event);
        let loaded = self
            .db
            .read(move |c| {
                let hook = store::get_webhook(c, tenant, webhook)?;
                let body: Option<String> = c
                    .query_row(
                        "SELECT body FROM events WHERE tenant = ?1 AND locator = ?2",
                        params![tenant.to_string(), event.to_string()],
                        |r| r.get(0),
                    )
                    .optional()?;
                Ok((hook, body))
            })
            .await;
        let (hook, body) = match loaded {
            Ok((Some(hook), Some(body))) => (hook, body),
            Ok(_) => {
                return self
                    .finish(delivery, Finish::End(Ending::Remove), "dropped: the webhook or the event is gone")
                    .await
            }
            Err(StoreError::Json(error)) => {
                let why = format!("the webhook's stored body does not decode: {error}");
                return self.finish(delivery, Finish::SetAside(why.clone()), &why).await;
            }
            Err(error) => {
                return tracing::error!(error = &error as &dyn Error, "delivery engine cannot load a delivery")
            }
        };
        if !hook.enabled {
            return self.finish(delivery, Finish::End(Ending::Remove), "dropped: the webhook is disabled").await;
        }
        if hook.suspended {
            let ending = if hook.failure_handling.divert {
                Ending::Divert { trigger: "suspended".into(), message: "not sent: the webhook is suspended".into() }
            } else {
                Ending::Remove
            };
            return self.finish(delivery, Finish::End(ending), "not sent: the webhook is suspended").await;
        }
        let started = Instant::now();
        let outcome = self.send(&hook.endpoint, &event.to_string(), body).await;
        let message = outcome.message(self.config.timeout);
        tracing::info!(
            webhook = %webhook,
            event = %event,
            attempt = delivery.retries_done + 1,
            outcome = %message,
            duration_ms = started.elapsed().as_millis() as u64,
            "delivery attempt"
        );
        let finish = match decide(&hook.failure_handling, delivery.retries_done, &outcome) {
            Decision::Done => Finish::End(Ending::Delivered),
            Decision::Drop => Finish::End(Ending::Remove),
            Decision::Retry { delay_ms } => Finish::RetryAfter(jittered(delay_ms, fastrand::f64())),
            Decision::GiveUp { trigger } => {
                if let Some(alert) = &hook.failure_handling.alert_endpoint {
                    self.alert(alert, &hook, event, &trigger, &message, delivery.retries_done + 1).await;
                }
                Finish::End(Ending::GiveUp { trigger, message: message.clone(), policy: hook.failure_handling.clone() })
            }
        };
        self.finish(delivery, finish, &message).await;
    }

    /// POSTs `body` to `endpoint` with its headers, if the destination is allowed; signed
    /// as message `id` if the endpoint signs, over these very bytes, at this moment (each
    /// attempt has its own timestamp).
    async fn send(&self, endpoint: &EndpointResponse, id: &str, body: String) -> Outcome {
        let url = &endpoint.url;
        let target = match validate::sender::url(url) {
            Ok(target) => target,
            Err(why) => return Outcome::Refused(format!("destination {url:?} cannot be sent to: {why}")),
        };
        if let Err(refused) = self.config.destinations.check_url(&target) {
            return Outcome::Refused(refused.to_string());
        }
        let signature = signing::sign(&endpoint.security, id, timestamp::unix_ms_now() / 1000, body.as_bytes());
        let mut request =
            self.http.for_endpoint(endpoint).post(target).header("Content-Type", "application/json").body(body);
        for (name, values) in &endpoint.headers {
            // A webhook stored before the rule may hold one: HTTP's own headers are the sender's.
            // When signing, the signature's headers are the signature's: one value each.
            if validate::controlled_by_http(name) || (signature.is_some() && signing::owns(name)) {
                continue;
            }
            for value in values {
                request = request.header(name.as_str(), value.as_str());
            }
        }
        if let Some(signature) = signature {
            request = request.headers(signature);
        }
        match request.send().await {
            Ok(response) if response.status().is_success() => Outcome::Delivered(response.status().as_u16()),
            Ok(response) => Outcome::Status(response.status().as_u16()),
            Err(error) => {
                if let Some(refused) = cause::<Refused>(&error) {
                    Outcome::Refused(refused.to_string())
                } else if let Some(rustls::Error::InvalidCertificate(why)) = cause::<rustls::Error>(&error) {
                    Outcome::Untrusted(match why {
                        rustls::CertificateError::UnknownIssuer => {
                            "no trusted authority issued it (self-signed?)".into()
                        }
                        other => other.to_string(),
                    })
                } else if error.is_timeout() {
                    Outcome::TimedOut
                } else {
                    Outcome::ConnectionFailed(root_cause(&error))
                }
            }
        }
    }

    /// Tells the alert endpoint about a failure that used up its retries (best effort).
    async fn alert(
        &self,
        alert: &EndpointResponse,
        hook: &WebhookResponse,
        event: Locator,
        trigger: &str,
        message: &str,
        attempts: i32,
    ) {
        let notice = serde_json::json!({
            "webhookLocator": hook.locator,
            "webhookName": hook.name,
            "eventLocator": event,
            "failureTrigger": trigger,
            "failureMessage": message,
            "attempts": attempts,
            "timestamp": timestamp::now(),
        });
        // A notice is a message of its own: a receiver that drops repeated ids keeps every one.
        let id = format!("alert_{}", ulid::Ulid::generate());
        let outcome = self.send(alert, &id, notice.to_string()).await;
        if !matches!(outcome, Outcome::Delivered(_)) {
            tracing::warn!(webhook = %hook.locator, outcome = %outcome.message(self.config.timeout), "alert endpoint not reached");
        }
    }

    async fn finish(&self, delivery: Delivery, finish: Finish, log: &str) {
        let id = delivery.id;
        match self.db.call(move |c| record(c, &delivery, finish)).await {
            Ok(true) => {}
            Ok(false) => tracing::warn!(
                delivery = id,
                outcome = log,
                "delivery outcome not recorded: the claim ran out and another worker holds the delivery"
            ),
            // The claim runs out and the delivery is attempted again.
            Err(error) => tracing::error!(
                error = &error as &dyn Error,
                delivery = id,
                outcome = log,
                "delivery outcome not recorded"
            ),
        }
    }
}

/// The outbox change an attempt ends with.
enum Finish {
    /// Due again after this many milliseconds.
    RetryAfter(i64),
    /// Never due again, for this reason (the row does not decode).
    SetAside(String),
    /// The delivery is over: its row goes.
    End(Ending),
}

/// How a delivery ends, beside its row going.
enum Ending {
    Delivered,
    Remove,
    Divert { trigger: String, message: String },
    GiveUp { trigger: String, message: String, policy: FailureHandlingResponse },
}

/// The error of type `T` behind a failed send (a refused destination, a TLS error), if
/// that is why it failed.
fn cause<'a, T: Error + 'static>(error: &'a (dyn Error + 'static)) -> Option<&'a T> {
    let mut cause = Some(error);
    while let Some(current) = cause {
        if let Some(found) = current.downcast_ref::<T>() {
            return Some(found);
        }
        // An io::Error's `source` skips the error it wraps (TLS errors come wrapped, twice).
        cause = match current.downcast_ref::<std::io::Error>().and_then(std::io::Error::get_ref) {
            Some(wrapped) => Some(wrapped),
            None => current.source(),
        };
    }
    None
}

/// Error chains of reqwest say "error sending request"; the cause says what happened.
fn root_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = error;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

/// Records an attempt's outcome if the worker still holds the delivery's claim; false
/// (and nothing changed) when the claim ran out and the delivery was claimed again.
fn record(connection: &mut Connection, delivery: &Delivery, finish: Finish) -> Result<bool, StoreError> {
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
        Finish::RetryAfter(delay_ms) => {
            transaction.execute(
                "UPDATE deliveries SET attempt = attempt + 1, due_at_ms = ?2, claimed_until_ms = 0 WHERE id = ?1",
                params![delivery.id, timestamp::unix_ms_now() + delay_ms],
            )?;
        }
        Finish::SetAside(why) => set_aside(&transaction, delivery.id, &why)?,
        Finish::End(ending) => {
            end(&transaction, delivery, ending)?;
            transaction.execute("DELETE FROM deliveries WHERE id = ?1", params![delivery.id])?;
        }
    }
    transaction.commit()?;
    Ok(true)
}

/// What a delivery's end changes beside its row: the diverted event, the suspension.
fn end(transaction: &rusqlite::Transaction<'_>, delivery: &Delivery, ending: Ending) -> Result<(), StoreError> {
    let (tenant, webhook, event) = (delivery.tenant, delivery.webhook, delivery.event);
    let divert = |trigger: String, message: String| -> Result<(), StoreError> {
        let request_locator = transaction
            .query_row(
                "SELECT body FROM events WHERE tenant = ?1 AND locator = ?2",
                params![tenant.to_string(), event.to_string()],
                |r| r.get::<_, String>(0),
            )
            .optional()?
            .and_then(|body| serde_json::from_str::<EventResponse>(&body).ok())
            .map_or(event, |e| e.request_id);
        let diverted = DivertedEventResponse {
            event_locator: event,
            request_locator,
            failure_trigger: trigger,
            failure_message: message,
            failure_timestamp: timestamp::now(),
        };
        store::insert_diverted(transaction, tenant, webhook, &diverted)
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

#[cfg(test)]
mod tests {
    use super::*;
    use webhooks_api::{RetryStrategy, RetryType};

    fn policy(triggers: &[&str], retry: Option<(RetryType, i64, i32)>) -> FailureHandlingResponse {
        FailureHandlingResponse {
            triggers: triggers.iter().map(|t| (*t).to_owned()).collect(),
            retry_strategy: retry.map(|(kind, interval, attempts)| RetryStrategy { kind, interval, attempts }),
            ..FailureHandlingResponse::default()
        }
    }

    #[test]
    fn triggers_match_exact_code_then_class_then_timeout() {
        let triggers: Vec<String> = ["503", "5xx", "timeout"].map(String::from).to_vec();
        assert_eq!(matching_trigger(&triggers, &Outcome::Status(503)), Some("503".into()));
        assert_eq!(matching_trigger(&triggers, &Outcome::Status(500)), Some("5xx".into()));
        assert_eq!(matching_trigger(&triggers, &Outcome::Status(404)), None);
        assert_eq!(matching_trigger(&triggers, &Outcome::TimedOut), Some("timeout".into()));
        assert_eq!(matching_trigger(&triggers, &Outcome::ConnectionFailed("refused".into())), Some("timeout".into()));
        assert_eq!(matching_trigger(&["4xx".to_owned()], &Outcome::Status(429)), Some("4xx".into()));
        assert_eq!(matching_trigger(&["4xx".to_owned()], &Outcome::Status(302)), None);
    }

    #[test]
    fn retry_delays() {
        let linear = RetryStrategy { kind: RetryType::Linear, interval: 200, attempts: 3 };
        let exponential = RetryStrategy { kind: RetryType::Exponential, interval: 200, attempts: 3 };
        assert_eq!((1..=3).map(|n| linear.delay_before_retry_ms(n)).collect::<Vec<_>>(), [200, 200, 200]);
        assert_eq!((1..=4).map(|n| exponential.delay_before_retry_ms(n)).collect::<Vec<_>>(), [200, 400, 800, 1600]);
    }

    #[test]
    fn decisions_follow_the_policy() {
        let retrying = policy(&["5xx"], Some((RetryType::Linear, 100, 2)));
        assert_eq!(decide(&retrying, 0, &Outcome::Delivered(204)), Decision::Done);
        assert_eq!(decide(&retrying, 0, &Outcome::Status(500)), Decision::Retry { delay_ms: 100 });
        assert_eq!(decide(&retrying, 1, &Outcome::Status(500)), Decision::Retry { delay_ms: 100 });
        assert_eq!(decide(&retrying, 2, &Outcome::Status(500)), Decision::GiveUp { trigger: "5xx".into() });
        assert_eq!(decide(&retrying, 0, &Outcome::Status(404)), Decision::Drop, "indifference: no trigger, no retry");
        assert_eq!(decide(&retrying, 0, &Outcome::TimedOut), Decision::Drop);
        let default = FailureHandlingResponse::default();
        assert_eq!(decide(&default, 0, &Outcome::TimedOut), Decision::GiveUp { trigger: "timeout".into() });
    }

    #[test]
    fn messages_say_what_happened() {
        let timeout = Duration::from_millis(1500);
        assert_eq!(Outcome::Status(503).message(timeout), "HTTP 503 Service Unavailable");
        assert_eq!(Outcome::TimedOut.message(timeout), "no answer within 1500 ms");
        assert!(Outcome::ConnectionFailed("Connection refused".into()).message(timeout).contains("refused"));
        let untrusted = Outcome::Untrusted("expired".into());
        assert!(untrusted.message(timeout).starts_with("TLS certificate not accepted: expired. "));
        assert_eq!(matching_trigger(&["timeout".to_owned()], &untrusted), Some("timeout".into()));
    }
}
