//! `make bench` (server part): seeds 100,000 webhooks in one tenant and 10,000 in each of
//! 10 others, then measures throughput and p50/p99 latency of the API's calls on loopback,
//! each beside `GET /healthz` in the same run. Run with `--profile server-release`.

mod common;

use std::time::Instant;

use common::{measure, print_table, Api};
use reqwest::Method;
use serde_json::json;
use webhooks_api::{Locator, TenantLocator};
use webhooks_server::db::Db;
use webhooks_server::demo;

const BIG_TENANT_WEBHOOKS: u32 = 100_000;
const OTHER_TENANTS: u32 = 10;
const OTHER_TENANT_WEBHOOKS: u32 = 10_000;
use demo::MANY_EVENT_TYPES as EVENT_TYPES;

fn seed(db: &Db, tenant: TenantLocator, count: u32, first_locator: u128) {
    db.blocking(|c| demo::seed_many(c, tenant, count, first_locator, time::OffsetDateTime::now_utc())).unwrap();
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
    let token = db.blocking(|c| demo::admin_token(c, big)).unwrap();
    println!(
        "seeded {} webhooks ({BIG_TENANT_WEBHOOKS} in the measured tenant) in {:.1} s",
        BIG_TENANT_WEBHOOKS + OTHER_TENANTS * OTHER_TENANT_WEBHOOKS,
        seeding.elapsed().as_secs_f64()
    );

    let api = Api::serve(db, token).await;
    let call = move |method: Method, path: String| api.call(method, &path);
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

    print_table(&rows, "list p99 < 20 ms, writes > 2,000/s");
}
