//! The delivery engine: events reach endpoints, and failures are retried, alerted,
//! diverted and suspended as the contract's failure handling says.
//!
//! The queue is the `deliveries` table (an outbox in the same database), so an enqueued
//! delivery survives a restart. A worker claims a row for a while before sending; if the
//! server dies between sending and recording the outcome, the claim runs out and the
//! event is sent again: delivery is at least once. Once a success is recorded the row is
//! gone, so an event is never sent again after that.
//!
//! A tenant chooses where it sends, so every destination is checked when it is sent to
//! ([`crate::destination`]), and redirects are not followed.

use std::error::Error;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rusqlite::{params, Connection, OptionalExtension};
use tokio::sync::{Notify, Semaphore};
use webhooks_api::{
    validate, DivertedEventResponse, EventResponse, FailureHandlingResponse, Locator, TenantLocator, WebhookResponse,
};

use crate::db::{Db, StoreError};
use crate::destination::{Destinations, GuardedResolver, Refused};
use crate::{store, timestamp};

/// How the engine runs.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// Deliveries sent at once, at most.
    pub workers: usize,
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
            timeout: Duration::from_secs(10),
            poll_interval: Duration::from_millis(100),
            destinations: Destinations::default(),
        }
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
        /// Milliseconds to wait.
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
        Outcome::TimedOut | Outcome::ConnectionFailed(_) | Outcome::Refused(_) => {
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

/// A row of the outbox, claimed by a worker.
#[derive(Debug, Clone)]
struct Delivery {
    id: i64,
    tenant: TenantLocator,
    webhook: Locator,
    event: Locator,
    retries_done: i32,
    resend: bool,
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

/// Stores an event and enqueues one delivery for each enabled webhook of the tenant that
/// subscribes to its type (suspended ones too: the engine diverts for them). Returns how
/// many deliveries were enqueued.
pub fn raise_event(
    connection: &mut Connection,
    tenant: TenantLocator,
    event: &EventResponse,
) -> Result<usize, StoreError> {
    let transaction = connection.transaction()?;
    transaction.execute(
        "INSERT INTO events (tenant, locator, body) VALUES (?1, ?2, ?3)",
        params![tenant.to_string(), event.locator.to_string(), serde_json::to_string(event)?],
    )?;
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

/// Claims up to `limit` due deliveries until `claim_until_ms`.
fn claim_due(
    connection: &mut Connection,
    limit: usize,
    now_ms: i64,
    claim_until_ms: i64,
) -> Result<Vec<Delivery>, StoreError> {
    let transaction = connection.transaction()?;
    let due: Vec<Delivery> = transaction
        .prepare_cached(
            "SELECT id, tenant, webhook, event_locator, attempt, resend FROM deliveries
             WHERE due_at_ms <= ?1 AND claimed_until_ms <= ?1 ORDER BY due_at_ms, id LIMIT ?2",
        )?
        .query_map(params![now_ms, limit as i64], |row| {
            Ok(Delivery {
                id: row.get(0)?,
                tenant: store::locator_column(row, 1)?,
                webhook: store::locator_column(row, 2)?,
                event: store::locator_column(row, 3)?,
                retries_done: row.get(4)?,
                resend: row.get(5)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    for delivery in &due {
        transaction.execute(
            "UPDATE deliveries SET claimed_until_ms = ?2 WHERE id = ?1",
            params![delivery.id, claim_until_ms],
        )?;
    }
    transaction.commit()?;
    Ok(due)
}

/// Starts the engine on the runtime; enqueuers wake it through the returned [`Wake`].
pub fn start(db: Db, config: EngineConfig) -> Wake {
    let wake = Wake::default();
    let destinations = Arc::new(config.destinations.clone());
    let engine = Arc::new(Engine {
        db,
        http: reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout)
            // A 3xx is an answer like any other: following it would reach a place unchecked.
            .redirect(reqwest::redirect::Policy::none())
            // A proxy would connect where the resolver cannot see.
            .no_proxy()
            .dns_resolver(Arc::new(GuardedResolver(Arc::clone(&destinations))))
            .build()
            .expect("an HTTP client with a timeout builds"),
        destinations,
        permits: Arc::new(Semaphore::new(config.workers.max(1))),
        config,
    });
    let notified = wake.clone();
    tokio::spawn(async move { engine.run(notified).await });
    wake
}

struct Engine {
    db: Db,
    http: reqwest::Client,
    destinations: Arc<Destinations>,
    permits: Arc<Semaphore>,
    config: EngineConfig,
}

impl Engine {
    async fn run(self: Arc<Self>, wake: Wake) {
        loop {
            let free = self.permits.available_permits();
            let claimed = if free == 0 {
                Vec::new()
            } else {
                let now = timestamp::unix_ms_now();
                // A claim outlives the attempt (timeout) with room to record the outcome.
                let until = now + self.config.timeout.as_millis() as i64 + 30_000;
                match self.db.call(move |c| claim_due(c, free, now, until)).await {
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
                });
            }
            if !busy {
                tokio::select! {
                    () = wake.0.notified() => {}
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
            Ok(_) => return self.finish(delivery, Finish::Remove, "dropped: the webhook or the event is gone").await,
            Err(error) => {
                return tracing::error!(error = &error as &dyn Error, "delivery engine cannot load a delivery")
            }
        };
        if !hook.enabled {
            return self.finish(delivery, Finish::Remove, "dropped: the webhook is disabled").await;
        }
        if hook.suspended {
            let outcome = if hook.failure_handling.divert {
                Finish::Divert { trigger: "suspended".into(), message: "not sent: the webhook is suspended".into() }
            } else {
                Finish::Remove
            };
            return self.finish(delivery, outcome, "not sent: the webhook is suspended").await;
        }
        let started = Instant::now();
        let outcome = self.send(&hook.endpoint.url, &hook.endpoint.headers, body).await;
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
            Decision::Done => Finish::Delivered,
            Decision::Drop => Finish::Remove,
            Decision::Retry { delay_ms } => Finish::RetryAfter(delay_ms),
            Decision::GiveUp { trigger } => {
                if let Some(alert) = &hook.failure_handling.alert_endpoint {
                    self.alert(alert, &hook, event, &trigger, &message, delivery.retries_done + 1).await;
                }
                Finish::GiveUp { trigger, message: message.clone(), policy: hook.failure_handling.clone() }
            }
        };
        self.finish(delivery, finish, &message).await;
    }

    /// POSTs `body` to `url` with `headers`, if the destination is allowed.
    async fn send(&self, url: &str, headers: &webhooks_api::Headers, body: String) -> Outcome {
        let target = match validate::sender::url(url) {
            Ok(target) => target,
            Err(why) => return Outcome::Refused(format!("destination {url:?} cannot be sent to: {why}")),
        };
        if let Err(refused) = self.destinations.check_url(&target) {
            return Outcome::Refused(refused.to_string());
        }
        let mut request = self.http.post(target).header("Content-Type", "application/json").body(body);
        for (name, values) in headers {
            // A webhook stored before the rule may hold one: HTTP's own headers are the sender's.
            if validate::controlled_by_http(name) {
                continue;
            }
            for value in values {
                request = request.header(name.as_str(), value.as_str());
            }
        }
        match request.send().await {
            Ok(response) if response.status().is_success() => Outcome::Delivered(response.status().as_u16()),
            Ok(response) => Outcome::Status(response.status().as_u16()),
            Err(error) => match refusal(&error) {
                Some(refused) => Outcome::Refused(refused.to_string()),
                None if error.is_timeout() => Outcome::TimedOut,
                None => Outcome::ConnectionFailed(root_cause(&error)),
            },
        }
    }

    /// Tells the alert endpoint about a failure that used up its retries (best effort).
    async fn alert(
        &self,
        alert: &webhooks_api::EndpointResponse,
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
        let outcome = self.send(&alert.url, &alert.headers, notice.to_string()).await;
        if !matches!(outcome, Outcome::Delivered(_)) {
            tracing::warn!(webhook = %hook.locator, outcome = %outcome.message(self.config.timeout), "alert endpoint not reached");
        }
    }

    async fn finish(&self, delivery: Delivery, finish: Finish, log: &str) {
        let id = delivery.id;
        let result = self.db.call(move |c| record(c, &delivery, finish)).await;
        if let Err(error) = result {
            // The claim runs out and the delivery is attempted again.
            tracing::error!(
                error = &error as &dyn Error,
                delivery = id,
                outcome = log,
                "delivery outcome not recorded"
            );
        }
    }
}

/// The outbox change an attempt ends with.
enum Finish {
    Delivered,
    Remove,
    RetryAfter(i64),
    Divert { trigger: String, message: String },
    GiveUp { trigger: String, message: String, policy: FailureHandlingResponse },
}

/// The refused destination behind a failed send, if that is why it failed.
fn refusal<'a>(error: &'a (dyn Error + 'static)) -> Option<&'a Refused> {
    let mut cause = Some(error);
    while let Some(current) = cause {
        if let Some(refused) = current.downcast_ref::<Refused>() {
            return Some(refused);
        }
        cause = current.source();
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

fn record(connection: &mut Connection, delivery: &Delivery, finish: Finish) -> Result<(), StoreError> {
    let transaction = connection.transaction()?;
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
        store::insert_diverted(&transaction, tenant, webhook, &diverted)
    };
    // Every outcome but a retry ends the delivery: its row goes in the same transaction.
    if let Finish::RetryAfter(delay_ms) = finish {
        transaction.execute(
            "UPDATE deliveries SET attempt = attempt + 1, due_at_ms = ?2, claimed_until_ms = 0 WHERE id = ?1",
            params![delivery.id, timestamp::unix_ms_now() + delay_ms],
        )?;
        transaction.commit()?;
        return Ok(());
    }
    match finish {
        Finish::RetryAfter(_) => {}
        Finish::Delivered => {
            if delivery.resend {
                store::delete_diverted(&transaction, tenant, webhook, event)?;
            }
        }
        Finish::Remove => {}
        Finish::Divert { trigger, message } => divert(trigger, message)?,
        Finish::GiveUp { trigger, message, policy } => {
            if policy.divert {
                divert(trigger, message)?;
            }
            if policy.suspend {
                if let Some(mut current) = store::get_webhook(&transaction, tenant, webhook)? {
                    if !current.suspended {
                        current.suspended = true;
                        current.suspended_at = Some(timestamp::now());
                        store::put_webhook(&transaction, tenant, &current)?;
                    }
                }
            }
        }
    }
    transaction.execute("DELETE FROM deliveries WHERE id = ?1", params![delivery.id])?;
    transaction.commit()?;
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
    }
}
