//! `make bench` (server part): seeds 100,000 webhooks in one tenant and 10,000 in each of
//! 10 others, then measures throughput and p50/p99 latency of the API's calls on loopback,
//! each beside `GET /healthz` in the same run. Run with `--profile server-release`.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::{Client, Method};
use serde_json::json;
use webhooks_api::{Locator, TenantLocator};
use webhooks_server::db::Db;
use webhooks_server::{auth, demo, AppState, RouterOptions};

const BIG_TENANT_WEBHOOKS: u32 = 100_000;
const OTHER_TENANTS: u32 = 10;
const OTHER_TENANT_WEBHOOKS: u32 = 10_000;
const CONCURRENCY: usize = 2;
use demo::MANY_EVENT_TYPES as EVENT_TYPES;

fn seed(db: &Db, tenant: TenantLocator, count: u32, first_locator: u128) {
    db.blocking(|c| demo::seed_many(c, tenant, count, first_locator, time::OffsetDateTime::now_utc())).unwrap();
}

/// One measured scenario.
struct Row {
    name: &'static str,
    requests: usize,
    per_second: f64,
    p50: Duration,
    p99: Duration,
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1]
}

/// Sends `total` requests made by `make(i)`, `CONCURRENCY` at a time.
async fn measure<F>(name: &'static str, total: usize, make: F) -> Row
where
    F: Fn(usize) -> reqwest::RequestBuilder + Send + Sync + 'static,
{
    let make = Arc::new(make);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for worker in 0..CONCURRENCY {
        let make = Arc::clone(&make);
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            for i in (worker..total).step_by(CONCURRENCY) {
                let start = Instant::now();
                let response = make(i).send().await.expect("request sent");
                let status = response.status();
                response.bytes().await.expect("body read");
                assert!(status.is_success(), "{name}: {status}");
                latencies.push(start.elapsed());
            }
            latencies
        }));
    }
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await.unwrap());
    }
    let elapsed = started.elapsed();
    latencies.sort();
    Row {
        name,
        requests: total,
        per_second: total as f64 / elapsed.as_secs_f64(),
        p50: percentile(&latencies, 0.50),
        p99: percentile(&latencies, 0.99),
    }
}

fn ms(duration: Duration) -> String {
    format!("{:.2}", duration.as_secs_f64() * 1000.0)
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&dir.path().join("bench.sqlite3")).unwrap();
    let big = TenantLocator::from_uuid(uuid::Uuid::new_v4());
    let seeding = Instant::now();
    seed(&db, big, BIG_TENANT_WEBHOOKS, 1 << 100);
    for t in 0..OTHER_TENANTS {
        seed(&db, TenantLocator::from_uuid(uuid::Uuid::new_v4()), OTHER_TENANT_WEBHOOKS, (2 + u128::from(t)) << 100);
    }
    let grants: BTreeSet<auth::Grant> = auth::ALL_GRANTS.iter().map(|g| g.parse().unwrap()).collect();
    let token = db.blocking(|c| auth::issue(c, big, &grants, "bench")).unwrap().1;
    println!(
        "seeded {} webhooks ({BIG_TENANT_WEBHOOKS} in the measured tenant) in {:.1} s",
        BIG_TENANT_WEBHOOKS + OTHER_TENANTS * OTHER_TENANT_WEBHOOKS,
        seeding.elapsed().as_secs_f64()
    );

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let state = AppState::new(db.clone());
    tokio::spawn(async move {
        webhooks_server::serve(listener, state, &RouterOptions::default(), std::future::pending()).await.unwrap();
    });
    let client = Client::builder().pool_max_idle_per_host(CONCURRENCY).build().unwrap();
    let call = {
        let client = client.clone();
        let token = token.clone();
        let base = base.clone();
        move |method: Method, path: String| client.request(method, format!("{base}{path}")).bearer_auth(&token)
    };
    let webhooks = format!("/event/{big}/webhooks");
    let some_locator =
        |i: usize| Locator::from_ulid(ulid::Ulid((1 << 100) + (i * 7919 % BIG_TENANT_WEBHOOKS as usize) as u128));

    let mut rows = Vec::new();
    let c = call.clone();
    rows.push(measure("GET /healthz (reference)", 4000, move |_| c(Method::GET, "/healthz".into())).await);
    let (c, w) = (call.clone(), webhooks.clone());
    rows.push(measure("fetch one", 4000, move |i| c(Method::GET, format!("{w}/{}", some_locator(i)))).await);
    let (c, w) = (call.clone(), webhooks.clone());
    rows.push(
        measure("list 100, unfiltered", 1000, move |i| {
            c(Method::GET, format!("{w}/list?count=100&offset={}", i * 100 % 90_000))
        })
        .await,
    );
    let (c, w) = (call.clone(), webhooks.clone());
    rows.push(
        measure("list 100, name substring", 500, move |i| {
            c(Method::GET, format!("{w}/list?count=100&name={}", ["ledger", "crm%20in", "audit", "#12"][i % 4]))
        })
        .await,
    );
    let (c, w) = (call.clone(), webhooks.clone());
    rows.push(
        measure("list 100, eventTypes", 1000, move |i| {
            c(Method::GET, format!("{w}/list?count=100&eventTypes={}&offset={}", EVENT_TYPES[i % 6], i % 50 * 100))
        })
        .await,
    );
    let (c, w) = (call.clone(), webhooks.clone());
    rows.push(
        measure("list 100, active=true", 1000, move |i| {
            c(Method::GET, format!("{w}/list?count=100&active=true&offset={}", i % 50 * 100))
        })
        .await,
    );
    let (c, w) = (call.clone(), webhooks.clone());
    rows.push(
        measure("create", 3000, move |i| {
            c(Method::POST, w.clone()).json(&json!({"name": format!("bench {i}"), "endpoint": {"url": "https://e.example.com/"}, "eventTypes": ["billing.invoice.generate"]}))
        })
        .await,
    );
    let (c, w) = (call.clone(), webhooks.clone());
    rows.push(
        measure("update", 3000, move |i| {
            c(Method::PATCH, format!("{w}/{}", some_locator(i)))
                .json(&json!({"name": format!("renamed {i}"), "addEventTypes": ["contact.created"]}))
        })
        .await,
    );

    let reference = &rows[0];
    println!();
    println!(
        "{:<28} {:>8} {:>10} {:>9} {:>9} {:>12} {:>12}",
        "call", "requests", "req/s", "p50 ms", "p99 ms", "p50/healthz", "req/s ratio"
    );
    for row in &rows {
        println!(
            "{:<28} {:>8} {:>10.0} {:>9} {:>9} {:>11.1}x {:>11.2}x",
            row.name,
            row.requests,
            row.per_second,
            ms(row.p50),
            ms(row.p99),
            row.p50.as_secs_f64() / reference.p50.as_secs_f64(),
            row.per_second / reference.per_second
        );
    }
    println!("(concurrency {CONCURRENCY}, loopback, one run; goals: list p99 < 20 ms, writes > 2,000/s)");
}
