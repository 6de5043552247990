//! The numbers that keep one tenant from slowing another (issue #28), and the counter of
//! requests in flight per key (token, tenant) that enforces two of them.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

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
}

impl Default for Limits {
    fn default() -> Self {
        Self { webhooks_per_tenant: 10_000, in_flight_per_token: 16, in_flight_per_tenant: 32 }
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
        let mut held = self.held.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if held.len() > KEYS_KEPT {
            // A semaphore no permit holds (only the map does) counts nothing: forget it.
            held.retain(|_, semaphore| Arc::strong_count(semaphore) > 1);
        }
        let semaphore = held.entry(key.clone()).or_insert_with(|| Arc::new(Semaphore::new(self.max)));
        Arc::clone(semaphore).try_acquire_owned().ok()
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
