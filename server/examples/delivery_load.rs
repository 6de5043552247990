//! `make bench` (delivery part), with the destination guard on and loopback allowed:
//! 1. throughput: 10,000 deliveries (200 events × 50 webhooks) to a receiver on loopback;
//!    prints deliveries a second and the latency from raising an event to its arrival,
//!    p50 and p99;
//! 2. fairness: healthy deliveries while 8 deliveries to another webhook hang, with the
//!    per-webhook limit (2 of 8 workers) and without it (8 of 8), in the same run.
//!
//! Run with `--profile server-release`.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use webhooks_api::{CreateEndpointRequest, CreateWebhookRequest, Locator, TenantLocator};
use webhooks_server::db::Db;
use webhooks_server::delivery::EngineConfig;
use webhooks_server::destination::Destinations;
use webhooks_server::receiver::{self, Recorded};
use webhooks_server::{store, AppState};

const ENDPOINTS: u32 = 50;
const EVENTS: u32 = 200;

/// A fresh database with one tenant and a webhook per `(url, event type)`.
fn database(dir: &tempfile::TempDir, webhooks: &[(String, &str)]) -> (Db, TenantLocator) {
    let db = Db::open(&dir.path().join(format!("{}.sqlite3", ulid::Ulid::generate()))).unwrap();
    let tenant = TenantLocator::from_uuid(uuid::Uuid::new_v4());
    db.blocking(|c| {
        let transaction = c.transaction()?;
        for (n, (url, kind)) in webhooks.iter().enumerate() {
            let request = CreateWebhookRequest {
                name: format!("endpoint {n}"),
                endpoint: CreateEndpointRequest { url: url.clone(), ..Default::default() },
                event_types: vec![(*kind).into()],
                ..Default::default()
            };
            store::put_webhook(
                &transaction,
                tenant,
                &request.into_response(Locator::from_ulid(ulid::Ulid::generate())),
            )?;
        }
        Ok(transaction.commit()?)
    })
    .unwrap();
    (db, tenant)
}

/// Waits (up to 5 minutes) until the receiver has counted `total` requests.
async fn until_received(recorded: &Recorded, total: usize) {
    let started = Instant::now();
    while recorded.count() < total {
        assert!(started.elapsed() < Duration::from_secs(300), "deliveries did not finish in 5 minutes");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Raise → arrival of each request to `path`, sorted.
fn latencies(recorded: &Recorded, path: &str, raised: &HashMap<Locator, Instant>) -> Vec<Duration> {
    let mut latencies: Vec<Duration> = recorded
        .to(path)
        .iter()
        .map(|r| {
            let event: webhooks_api::EventResponse = serde_json::from_slice(&r.body).unwrap();
            r.at - raised[&event.locator]
        })
        .collect();
    latencies.sort();
    latencies
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let at = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[at].as_secs_f64() * 1000.0
}

async fn throughput(dir: &tempfile::TempDir) {
    let total = (ENDPOINTS * EVENTS) as usize;
    let (address, recorded) = receiver::start_keeping("127.0.0.1:0".parse().unwrap(), total).await.unwrap();
    let webhooks: Vec<(String, &str)> =
        (0..ENDPOINTS).map(|_| (format!("http://{address}/ok"), "bench.event")).collect();
    let (db, tenant) = database(dir, &webhooks);
    let workers = 32;
    // One tenant and one host: the engine's throughput, without the bounds between tenants.
    let engine = EngineConfig {
        workers,
        per_tenant: workers,
        per_host_per_second: std::num::NonZeroU32::MAX,
        destinations: Destinations::with_loopback(),
        ..EngineConfig::default()
    };
    let state = AppState::new(db).with_engine(engine);

    let started = Instant::now();
    let mut raised = HashMap::new();
    for _ in 0..EVENTS {
        let (event, _) =
            state.raise_event(tenant, "bench.event".into(), serde_json::Map::new(), None, None).await.unwrap();
        raised.insert(event.locator, Instant::now());
    }
    until_received(&recorded, total).await;
    let elapsed = started.elapsed();
    let latencies = latencies(&recorded, "/ok", &raised);
    println!();
    println!(
        "delivery: {total} deliveries ({EVENTS} events × {ENDPOINTS} endpoints), {workers} workers, loopback receiver, destination guard on"
    );
    println!(
        "  {:.0} deliveries/s (goal ≥ 2,000); raise → arrival p50 {:.1} ms, p99 {:.1} ms; all done in {:.2} s",
        total as f64 / elapsed.as_secs_f64(),
        percentile(&latencies, 0.50),
        percentile(&latencies, 0.99),
        elapsed.as_secs_f64()
    );
}

const HANGING: usize = 8;
const HEALTHY_WEBHOOKS: usize = 5;
const HEALTHY_EVENTS: usize = 100;

/// Healthy raise → arrival p50 and p99 (ms) while [`HANGING`] deliveries hang, with at
/// most `per_webhook` deliveries of one webhook in flight among 8 workers.
async fn while_one_endpoint_hangs(dir: &tempfile::TempDir, per_webhook: usize, timeout: Duration) -> (f64, f64) {
    let (address, recorded) = receiver::start("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let mut webhooks = vec![(format!("http://{address}/hang"), "slow.event")];
    webhooks.extend((0..HEALTHY_WEBHOOKS).map(|_| (format!("http://{address}/ok"), "fast.event")));
    let (db, tenant) = database(dir, &webhooks);
    let engine = EngineConfig {
        workers: 8,
        per_webhook,
        per_tenant: 8,
        per_host_per_second: std::num::NonZeroU32::MAX,
        timeout,
        destinations: Destinations::with_loopback(),
        ..EngineConfig::default()
    };
    let state = AppState::new(db).with_engine(engine);
    for _ in 0..HANGING {
        state.raise_event(tenant, "slow.event".into(), serde_json::Map::new(), None, None).await.unwrap();
    }
    while recorded.to("/hang").len() < per_webhook.min(HANGING) {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let mut raised = HashMap::new();
    for _ in 0..HEALTHY_EVENTS {
        let (event, _) =
            state.raise_event(tenant, "fast.event".into(), serde_json::Map::new(), None, None).await.unwrap();
        raised.insert(event.locator, Instant::now());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    while recorded.to("/ok").len() < HEALTHY_EVENTS * HEALTHY_WEBHOOKS {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let latencies = latencies(&recorded, "/ok", &raised);
    (percentile(&latencies, 0.50), percentile(&latencies, 0.99))
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    throughput(&dir).await;

    let timeout = Duration::from_secs(3);
    let (p50, p99) = while_one_endpoint_hangs(&dir, EngineConfig::default().per_webhook, timeout).await;
    let (unlimited_p50, unlimited_p99) = while_one_endpoint_hangs(&dir, 8, timeout).await;
    println!(
        "fairness: {} healthy deliveries (50 events/s to {HEALTHY_WEBHOOKS} webhooks) while {HANGING} deliveries to another hang ({} s timeout), 8 workers",
        HEALTHY_EVENTS * HEALTHY_WEBHOOKS,
        timeout.as_secs()
    );
    println!(
        "  at most {} in flight per webhook: raise → arrival p50 {p50:.1} ms, p99 {p99:.1} ms (goal p99 < 1,000 ms)",
        EngineConfig::default().per_webhook
    );
    println!(
        "  without that limit (8):      raise → arrival p50 {unlimited_p50:.1} ms, p99 {unlimited_p99:.1} ms; {:.0}× the p99",
        unlimited_p99 / p99
    );
}
