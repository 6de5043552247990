//! `make bench` (delivery part): 10,000 deliveries (200 events × 50 webhooks) to a
//! receiver on loopback, with the destination guard on and loopback allowed; prints throughput and the latency from raising an event to its
//! arrival, p50 and p99. Run with `--profile server-release`.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use webhooks_api::{CreateEndpointRequest, CreateWebhookRequest, Locator, TenantLocator};
use webhooks_server::db::Db;
use webhooks_server::delivery::EngineConfig;
use webhooks_server::destination::Destinations;
use webhooks_server::{receiver, store, AppState};

const ENDPOINTS: u32 = 50;
const EVENTS: u32 = 200;

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&dir.path().join("delivery.sqlite3")).unwrap();
    let (address, recorded) = receiver::start("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let tenant = TenantLocator::from_uuid(uuid::Uuid::new_v4());
    db.blocking(|c| {
        let transaction = c.transaction()?;
        for n in 0..ENDPOINTS {
            let request = CreateWebhookRequest {
                name: format!("endpoint {n}"),
                endpoint: CreateEndpointRequest { url: format!("http://{address}/ok"), ..Default::default() },
                event_types: vec!["bench.event".into()],
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
    let workers = 32;
    let state = AppState::new(db).with_engine(EngineConfig {
        workers,
        destinations: Destinations::with_loopback(),
        ..EngineConfig::default()
    });

    let started = Instant::now();
    let mut raised = HashMap::new();
    for _ in 0..EVENTS {
        let (event, _) = state.raise_event(tenant, "bench.event".into(), serde_json::Map::new()).await.unwrap();
        raised.insert(event.locator, Instant::now());
    }
    let total = (ENDPOINTS * EVENTS) as usize;
    while recorded.all().len() < total {
        assert!(started.elapsed() < Duration::from_secs(300), "deliveries did not finish in 5 minutes");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let elapsed = started.elapsed();
    let mut latencies: Vec<Duration> = recorded
        .all()
        .iter()
        .map(|r| {
            let event: webhooks_api::EventResponse = serde_json::from_slice(&r.body).unwrap();
            r.at - raised[&event.locator]
        })
        .collect();
    latencies.sort();
    let at = |p: f64| latencies[((latencies.len() as f64 * p).ceil() as usize).clamp(1, latencies.len()) - 1];
    println!();
    println!(
        "delivery: {total} deliveries ({EVENTS} events × {ENDPOINTS} endpoints), {workers} workers, loopback receiver, destination guard on"
    );
    println!(
        "  {:.0} deliveries/s; raise → arrival p50 {:.1} ms, p99 {:.1} ms; all done in {:.2} s",
        total as f64 / elapsed.as_secs_f64(),
        at(0.50).as_secs_f64() * 1000.0,
        at(0.99).as_secs_f64() * 1000.0,
        elapsed.as_secs_f64()
    );
}
