//! The numbers that keep one tenant from slowing another (issue #28), the counter of
//! requests per key (token, tenant) that enforces those in flight, and [`Admission`].

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use webhooks_api::TenantLocator;

/// Most bytes a webhook takes stored (its JSON body); beyond, a create or update is a 413.
pub const MAX_WEBHOOK_BYTES: usize = 64 * 1024;

/// What a tenant may hold and send at once. Defaults in [`Limits::default`]; each has a
/// flag of `serve`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Webhooks one tenant may have (beyond: 409 on create).
    pub webhooks_per_tenant: usize,
    /// Requests one token may have in flight (beyond: 429 with `Retry-After`).
    pub in_flight_per_token: usize,
    /// Requests one tenant's tokens may have in flight together (beyond: 429).
    pub in_flight_per_tenant: usize,
    /// Requests of one tenant that run at once (past admission); the rest of its requests
    /// in flight wait for one of these places, at most [`Limits::admission_wait`].
    pub running_per_tenant: usize,
    /// Reads (GET) of all tenants that run at once (beyond: 503 with `Retry-After`).
    pub reads_running: usize,
    /// Writes (any other method) of all tenants that run at once (beyond: 503).
    pub writes_running: usize,
    /// How long a request waits for its tenant's place to run (beyond: 503).
    pub admission_wait: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            webhooks_per_tenant: 10_000,
            in_flight_per_token: 16,
            in_flight_per_tenant: 32,
            // Half the shared readers: one tenant never holds them all.
            running_per_tenant: 2,
            reads_running: 32,
            writes_running: 32,
            admission_wait: Duration::from_secs(5),
        }
    }
}

/// Keys whose counters are kept before those with nothing in flight are forgotten.
const KEYS_KEPT: usize = 4096;

/// Requests in flight per key, at most `max` each: a semaphore per key, a permit per request.
pub struct InFlight<K> {
    max: usize,
    held: Mutex<HashMap<K, Arc<Semaphore>>>,
}

impl<K: Hash + Eq + Clone> InFlight<K> {
    /// At most `max` in flight for each key.
    pub fn new(max: usize) -> Self {
        Self { max, held: Mutex::new(HashMap::new()) }
    }

    /// The most in flight for one key.
    pub fn max(&self) -> usize {
        self.max
    }

    /// A permit for one more request of `key` (held until dropped), or none when `key`
    /// already has `max` in flight.
    pub fn try_enter(&self, key: &K) -> Option<OwnedSemaphorePermit> {
        self.semaphore(key).try_acquire_owned().ok()
    }

    /// A permit for one more request of `key`, waiting for one at most `wait`.
    pub async fn enter(&self, key: &K, wait: Duration) -> Option<OwnedSemaphorePermit> {
        tokio::time::timeout(wait, self.semaphore(key).acquire_owned()).await.ok()?.ok()
    }

    fn semaphore(&self, key: &K) -> Arc<Semaphore> {
        let mut held = self.held.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if held.len() > KEYS_KEPT {
            // A semaphore that no permit or waiter holds (only the map does) counts
            // nothing: forget it.
            held.retain(|_, semaphore| Arc::strong_count(semaphore) > 1);
        }
        Arc::clone(held.entry(key.clone()).or_insert_with(|| Arc::new(Semaphore::new(self.max))))
    }
}

/// The limits with what enforces them, as the API's state holds them.
pub struct Bounds {
    /// The numbers.
    pub limits: Limits,
    /// Requests in flight per token.
    pub token_in_flight: InFlight<String>,
    /// Requests in flight per tenant.
    pub tenant_in_flight: InFlight<TenantLocator>,
    /// Places to run.
    pub admission: Admission,
}

impl Bounds {
    /// What enforces `limits`.
    pub fn new(limits: Limits) -> Self {
        Self {
            limits,
            token_in_flight: InFlight::new(limits.in_flight_per_token),
            tenant_in_flight: InFlight::new(limits.in_flight_per_tenant),
            admission: Admission::new(&limits),
        }
    }
}

/// Where a request waits before it runs: its tenant's places first (a bounded wait, so
/// that a tenant's burst queues behind itself only), then a place among all reads or all
/// writes (taken at once or refused).
pub struct Admission {
    running: InFlight<TenantLocator>,
    reads: Arc<Semaphore>,
    writes: Arc<Semaphore>,
    wait: Duration,
}

/// Why a request was not admitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Its tenant's places stayed taken for the whole wait.
    Tenant(Duration),
    /// Every place of its kind (reads, writes) is taken.
    Server,
}

impl Admission {
    /// Admission as `limits` say.
    pub fn new(limits: &Limits) -> Self {
        Self {
            running: InFlight::new(limits.running_per_tenant),
            reads: Arc::new(Semaphore::new(limits.reads_running)),
            writes: Arc::new(Semaphore::new(limits.writes_running)),
            wait: limits.admission_wait,
        }
    }

    /// The two places a request of `tenant` runs in (held until dropped), or why not.
    pub async fn admit(&self, tenant: TenantLocator, read: bool) -> Result<[OwnedSemaphorePermit; 2], Refusal> {
        let tenant = self.running.enter(&tenant, self.wait).await.ok_or(Refusal::Tenant(self.wait))?;
        let kind = if read { &self.reads } else { &self.writes };
        let server = Arc::clone(kind).try_acquire_owned().map_err(|_| Refusal::Server)?;
        Ok([tenant, server])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_key_has_its_own_count_and_a_permit_dropped_makes_room() {
        let in_flight = InFlight::new(2);
        let first = in_flight.try_enter(&"a").unwrap();
        let _second = in_flight.try_enter(&"a").unwrap();
        assert!(in_flight.try_enter(&"a").is_none(), "a third for the same key is refused");
        assert!(in_flight.try_enter(&"b").is_some(), "another key is not held back");
        drop(first);
        assert!(in_flight.try_enter(&"a").is_some());
    }

    #[test]
    fn forgetting_idle_keys_never_forgets_one_in_flight() {
        let in_flight = InFlight::new(1);
        let busy = in_flight.try_enter(&0).unwrap();
        for key in 1..=KEYS_KEPT + 1 {
            drop(in_flight.try_enter(&key));
        }
        assert!(in_flight.try_enter(&0).is_none(), "the key still in flight kept its count");
        drop(busy);
        assert!(in_flight.try_enter(&0).is_some());
    }
}
