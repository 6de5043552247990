//! `make bench` (events part): seeds 1,000,000 events over 30 days in one tenant (and
//! 100,000 in each of 4 others, interleaved), then measures throughput and p50/p99 latency
//! of the Events API on loopback beside `GET /healthz`: pages of 100 from the start and
//! deep in the stream (by token), filtered by type, by a time window, by both, the poll
//! at the end of the stream, one event, a request's events. Run with `--profile server-release`.

mod common;

use std::time::Instant;

use common::{measure, print_table, Api};
use reqwest::Method;
use serde_json::json;
use ulid::Ulid;
use webhooks_api::{EventResponse, Locator, TenantLocator};
use webhooks_server::db::Db;
use webhooks_server::stream::{self, Position};
use webhooks_server::{demo, timestamp};

const BIG_TENANT_EVENTS: u64 = 1_000_000;
const OTHER_TENANTS: u64 = 4;
const OTHER_TENANT_EVENTS: u64 = 100_000;
/// The stream spans 30 days: one event of the big tenant every 2.592 s.
const SPAN_MS: u64 = 30 * 24 * 3600 * 1000;
/// One event in this many is of a rare type.
const RARE_EVERY: u64 = 1000;
const RARE_TYPE: &str = "policy.quote.refuse";
const START_MS: u64 = 1_780_000_000_000;

/// Event `n` of `count` in a stream over [`SPAN_MS`]: every third starts a request of three.
fn event(n: u64, count: u64, salt: u128) -> EventResponse {
    let ms = |n: u64| START_MS + n * SPAN_MS / count;
    let kind = if n % RARE_EVERY == RARE_EVERY - 1 { RARE_TYPE } else { demo::MANY_EVENT_TYPES[(n % 6) as usize] };
    let locator = |n: u64| Locator::from_ulid(Ulid::from_parts(ms(n), salt << 64 | u128::from(n)));
    EventResponse {
        locator: locator(n),
        user_locator: uuid::Uuid::from_u128(salt),
        request_id: Locator::from_ulid(Ulid::from_parts(ms(n - n % 3), salt << 64 | 1 << 63 | u128::from(n - n % 3))),
        timestamp: String::new(),
        kind: kind.to_owned(),
        data: serde_json::from_value(json!({
            "invoiceLocator": locator(n).to_string(),
            "policyLocators": {"items": [locator(n / 7).to_string()], "listCompleted": true},
        }))
        .unwrap(),
    }
}

/// Appends a tenant's `count` events in one transaction, through the stream's own `append`.
fn seed(db: &Db, tenant: TenantLocator, count: u64, salt: u128) {
    db.blocking(|c| {
        let transaction = c.transaction()?;
        for n in 0..count {
            stream::append(&transaction, tenant, &mut event(n, count, salt))?;
        }
        Ok(transaction.commit()?)
    })
    .unwrap();
}

/// `startTimestamp=…&endTimestamp=…` for `hours` from event `n` of the big tenant on.
fn window(n: u64, hours: u64) -> String {
    let from = START_MS + n * SPAN_MS / BIG_TENANT_EVENTS;
    let until = from + hours * 3600 * 1000;
    format!("startTimestamp={}&endTimestamp={}", timestamp::format_unix_ms(from), timestamp::format_unix_ms(until))
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&dir.path().join("events.sqlite3")).unwrap();
    let big = TenantLocator::from_uuid(uuid::Uuid::new_v4());
    let seeding = Instant::now();
    seed(&db, big, BIG_TENANT_EVENTS, 1);
    for t in 0..OTHER_TENANTS {
        seed(&db, TenantLocator::from_uuid(uuid::Uuid::new_v4()), OTHER_TENANT_EVENTS, 2 + u128::from(t));
    }
    let token = db.blocking(|c| demo::admin_token(c, big)).unwrap();
    println!(
        "seeded {} events ({BIG_TENANT_EVENTS} in the measured tenant, one transaction each tenant) in {:.1} s",
        BIG_TENANT_EVENTS + OTHER_TENANTS * OTHER_TENANT_EVENTS,
        seeding.elapsed().as_secs_f64()
    );

    let api = Api::serve(db, token).await;
    let call = move |path: String| api.call(Method::GET, &path);
    let events = format!("/event/{big}/events");
    // Event `i`'s place deep in the stream, spread over all of it.
    let deep = |i: usize| (i as u64 * 7919) % (BIG_TENANT_EVENTS - 1000);
    let token_at = move |i: usize| Position::after(event(deep(i), BIG_TENANT_EVENTS, 1).locator).token();

    let mut rows = Vec::new();
    let c = call.clone();
    rows.push(measure("GET /healthz (reference)", 4000, move |_| c("/healthz".into())).await);
    let list = format!("{events}/list?pageSize=100");
    let (c, l) = (call.clone(), list.clone());
    rows.push(measure("list 100, first page", 1000, move |_| c(l.clone())).await);
    let (c, l) = (call.clone(), list.clone());
    rows.push(measure("list 100, deep (token)", 1000, move |i| c(format!("{l}&pagingToken={}", token_at(i)))).await);
    let (c, l) = (call.clone(), list.clone());
    rows.push(
        measure("list 100, type (1 in 6), deep", 1000, move |i| {
            c(format!("{l}&type={}&pagingToken={}", demo::MANY_EVENT_TYPES[i % 6], token_at(i)))
        })
        .await,
    );
    let (c, l) = (call.clone(), list.clone());
    rows.push(
        measure("list 100, type (1 in 1,000), deep", 1000, move |i| {
            c(format!("{l}&type={RARE_TYPE}&pagingToken={}", token_at(i)))
        })
        .await,
    );
    let (c, l) = (call.clone(), list.clone());
    rows.push(measure("list 100, 1-hour window", 1000, move |i| c(format!("{l}&{}", window(deep(i), 1)))).await);
    let (c, l) = (call.clone(), list.clone());
    rows.push(
        measure("list 100, type + 1-day window", 1000, move |i| {
            c(format!("{l}&type={}&{}", demo::MANY_EVENT_TYPES[i % 6], window(deep(i), 24)))
        })
        .await,
    );
    let (c, l) = (call.clone(), list.clone());
    let end = Position::after(event(BIG_TENANT_EVENTS - 1, BIG_TENANT_EVENTS, 1).locator).token();
    rows.push(measure("poll at the end (empty page)", 2000, move |_| c(format!("{l}&pagingToken={end}"))).await);
    let (c, e) = (call.clone(), events.clone());
    rows.push(
        measure("fetch one", 4000, move |i| c(format!("{e}/{}", event(deep(i), BIG_TENANT_EVENTS, 1).locator))).await,
    );
    let (c, e) = (call.clone(), events.clone());
    rows.push(
        measure("events of a request (3)", 4000, move |i| {
            c(format!("{e}/request/{}", event(deep(i), BIG_TENANT_EVENTS, 1).request_id))
        })
        .await,
    );

    print_table(&rows, "every list p99 < 20 ms at 1,000,000 events");
}
