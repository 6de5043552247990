//! Runs one action over many webhooks, a few at a time, and reports each outcome.

use futures::stream::{self, StreamExt};

/// At most this many requests of a bulk action are in flight at once.
pub const BULK_CONCURRENCY: usize = 4;

/// What became of each item of a bulk action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkReport<K> {
    /// Items that succeeded, in the order they finished.
    pub succeeded: Vec<K>,
    /// Items that failed, with the reason in words.
    pub failed: Vec<(K, String)>,
}

impl<K> Default for BulkReport<K> {
    fn default() -> Self {
        Self { succeeded: Vec::new(), failed: Vec::new() }
    }
}

impl<K> BulkReport<K> {
    /// How many items are done, either way.
    pub fn done(&self) -> usize {
        self.succeeded.len() + self.failed.len()
    }
}

/// Runs `action` on every key, at most `limit` at once; `on_progress` sees the report
/// after each item.
pub async fn run_bulk<K, F, Fut, E>(
    keys: Vec<K>,
    limit: usize,
    action: F,
    mut on_progress: impl FnMut(&BulkReport<K>),
) -> BulkReport<K>
where
    K: Clone,
    F: Fn(K) -> Fut,
    Fut: std::future::Future<Output = Result<(), E>>,
    E: std::fmt::Display,
{
    let mut report = BulkReport::default();
    let mut results = stream::iter(keys)
        .map(|key| {
            let run = action(key.clone());
            async move { (key, run.await) }
        })
        .buffer_unordered(limit.max(1));
    while let Some((key, result)) = results.next().await {
        match result {
            Ok(()) => report.succeeded.push(key),
            Err(error) => report.failed.push((key, error.to_string())),
        }
        on_progress(&report);
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;
    use std::future::Future;
    use std::pin::Pin;
    use std::rc::Rc;
    use std::task::{Context, Poll};

    /// Yields to the executor `n` times, so that tasks overlap.
    struct YieldTimes(u32);

    impl Future for YieldTimes {
        type Output = ();
        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
            if self.0 == 0 {
                Poll::Ready(())
            } else {
                self.0 -= 1;
                cx.waker().wake_by_ref();
                Poll::Pending
            }
        }
    }

    #[test]
    fn never_more_than_the_limit_in_flight_and_every_item_reported() {
        let in_flight = Rc::new(Cell::new(0usize));
        let most = Rc::new(Cell::new(0usize));
        let mut progress = Vec::new();
        let report = futures::executor::block_on(run_bulk(
            (0..30u32).collect(),
            BULK_CONCURRENCY,
            |n| {
                let (in_flight, most) = (Rc::clone(&in_flight), Rc::clone(&most));
                async move {
                    in_flight.set(in_flight.get() + 1);
                    most.set(most.get().max(in_flight.get()));
                    YieldTimes(n % 5 + 1).await;
                    in_flight.set(in_flight.get() - 1);
                    if n == 7 {
                        Err(format!("webhook {n}: HTTP 500"))
                    } else {
                        Ok(())
                    }
                }
            },
            |report| progress.push(report.done()),
        ));
        assert_eq!(most.get(), BULK_CONCURRENCY, "ran {BULK_CONCURRENCY} at once, never more");
        assert_eq!(report.succeeded.len(), 29);
        assert_eq!(report.failed, [(7, "webhook 7: HTTP 500".to_owned())]);
        assert_eq!(progress, (1..=30).collect::<Vec<_>>());
    }

    #[test]
    fn nothing_to_do_is_an_empty_report() {
        let report =
            futures::executor::block_on(run_bulk(Vec::<u8>::new(), 4, |_| async { Ok::<(), String>(()) }, |_| {}));
        assert_eq!(report, BulkReport::default());
    }
}
