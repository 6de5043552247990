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
//!
//! Modules: `outbox` (a store module: all the engine's SQL), `policy` (the failure
//! policy as pure decisions), `send` (destination guard, signing, the HTTP clients);
//! this file is the loop that ties them together.

mod outbox;
mod policy;
mod send;

use std::error::Error;
use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::{Notify, Semaphore};

pub use outbox::raise_event;
use outbox::{Delivery, Ending, Finish};
pub use policy::{decide, jittered, matching_trigger, Decision, Outcome};
use send::Sender;

use crate::db::{Db, StoreError};
use crate::destination::Destinations;
use crate::timestamp;

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
    /// Diverted events one webhook keeps; beyond, the oldest are dropped (and counted).
    pub diverted_per_webhook: usize,
    /// Deliveries of one tenant sent at once, at most: a tenant whose endpoints hang holds
    /// no more workers than this.
    pub per_tenant: usize,
    /// Deliveries one tenant may have queued; beyond, an event is stored but not queued.
    pub queued_per_tenant: usize,
    /// How long an alert endpoint may take to answer (shorter: a notice is best effort).
    pub alert_timeout: Duration,
    /// The shortest wait before a retry, whatever the strategy says.
    pub min_retry_interval: Duration,
    /// Requests a second sent to one destination host, at most (the rest wait their turn,
    /// not counted as attempts).
    pub per_host_per_second: NonZeroU32,
    /// The server's own listen address: never a destination, whatever is allowed (a
    /// webhook pointed at the dev intake would raise its own events without end).
    pub own_address: Option<SocketAddr>,
}

impl Default for EngineConfig {
    fn default() -> Self {
        Self {
            workers: 8,
            per_webhook: 2,
            timeout: Duration::from_secs(10),
            poll_interval: Duration::from_millis(100),
            destinations: Destinations::default(),
            diverted_per_webhook: 10_000,
            per_tenant: 4,
            queued_per_tenant: 10_000,
            alert_timeout: Duration::from_secs(2),
            min_retry_interval: Duration::from_secs(1),
            per_host_per_second: NonZeroU32::new(20).expect("non-zero"),
            own_address: None,
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

/// Wakes the engine when work is enqueued.
#[derive(Clone, Default)]
pub struct Wake(Arc<Notify>);

impl Wake {
    /// Tells the engine to look at the outbox now.
    pub fn now(&self) {
        self.0.notify_one();
    }
}

/// Starts the engine on the runtime; enqueuers wake it through the returned [`Wake`].
pub fn start(db: Db, config: EngineConfig) -> Wake {
    let wake = Wake::default();
    let engine = Arc::new(Engine {
        db,
        sender: Sender::new(&config),
        permits: Arc::new(Semaphore::new(config.workers.max(1))),
        config,
        wake: wake.clone(),
    });
    tokio::spawn(async move { engine.run().await });
    wake
}

struct Engine {
    db: Db,
    sender: Sender,
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
                let caps = outbox::Caps {
                    per_webhook: self.config.per_webhook.max(1),
                    per_tenant: self.config.per_tenant.max(1),
                };
                match self.db.call(move |c| outbox::claim_due(c, free, caps, now, until)).await {
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
        let (webhook, event) = (delivery.webhook, delivery.event);
        let loading = delivery.clone();
        let loaded = self.db.read(move |c| outbox::load(c, &loading)).await;
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
        if let Err(wait) = self.sender.take_turn(&hook.endpoint) {
            // Not an attempt: the delivery is due again once its host has room.
            let wait_ms = wait.as_millis() as i64 + 1;
            return self.finish(delivery, Finish::Postpone(wait_ms), "postponed: its host's rate is used up").await;
        }
        let started = Instant::now();
        let outcome = self.sender.send(&hook.endpoint, &event.to_string(), body, self.config.timeout).await;
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
            Decision::Retry { delay_ms } => {
                let delay_ms = delay_ms.max(self.config.min_retry_interval.as_millis() as i64);
                Finish::RetryAfter(jittered(delay_ms, fastrand::f64()))
            }
            Decision::GiveUp { trigger } => {
                if let Some(alert) = &hook.failure_handling.alert_endpoint {
                    self.sender.alert(alert, &hook, event, &trigger, &message, delivery.retries_done + 1).await;
                }
                Finish::End(Ending::GiveUp { trigger, message: message.clone(), policy: hook.failure_handling.clone() })
            }
        };
        self.finish(delivery, finish, &message).await;
    }

    async fn finish(&self, delivery: Delivery, finish: Finish, log: &str) {
        let (id, keep) = (delivery.id, self.config.diverted_per_webhook);
        match self.db.call(move |c| outbox::record(c, &delivery, finish, keep)).await {
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
