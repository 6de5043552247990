//! `make bench` (server part, issue #28): a quiet tenant beside a hostile one on loopback.
//! The hostile tenant (20,000 webhooks) sends 1 MB PATCHes, floods slow lists from 40
//! connections and has 50 webhooks on endpoints that hang; the quiet tenant's list and
//! create p99 and its delivery delay are measured alone, then beside it. Bounded: a fixed
//! count of measured calls; the hostile tenant stops when they are done. Run with
//! `--profile server-release`.

mod common;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{measure, print_table, Api, Row};
use reqwest::{Method, RequestBuilder};
use serde_json::json;
use webhooks_api::{Locator, TenantLocator};
use webhooks_server::db::Db;
use webhooks_server::delivery::EngineConfig;
use webhooks_server::destination::Destinations;
use webhooks_server::limits::Limits;
use webhooks_server::{demo, receiver, AppState};

const HOSTILE_WEBHOOKS: u32 = 20_000;
const HANGING_WEBHOOKS: usize = 50;
const FLOOD_CONNECTIONS: usize = 40;
const MEASURED: usize = 200;
const DELIVERIES: usize = 10;

/// A tenant's calls with its token.
#[derive(Clone)]
struct Caller {
    api: Api,
    tenant: TenantLocator,
}

impl Caller {
    fn call(&self, method: Method, path: &str) -> RequestBuilder {
        self.api.call(method, &format!("/event/{}/webhooks{path}", self.tenant))
    }
}

/// The quiet tenant's figures in one scenario: list, create, delivery delay (p99).
async fn quiet_figures(
    quiet: &Caller,
    state: &AppState,
    recorded: &receiver::Recorded,
    names: [&'static str; 2],
) -> (Row, Row, Duration) {
    let lister = quiet.clone();
    let list = measure(names[0], MEASURED, move |_| lister.call(Method::GET, "/list?count=100")).await;
    let creator = quiet.clone();
    let create = measure(names[1], MEASURED, move |i| {
        creator.call(Method::POST, "").json(&json!({"name": format!("q{i}"), "endpoint": {"url": "https://e.com/"}}))
    })
    .await;
    let mut delays = Vec::new();
    for _ in 0..DELIVERIES {
        let before = recorded.to("/ok").len();
        let raised = Instant::now();
        state.raise_event(quiet.tenant, "quiet.event".into(), serde_json::Map::new(), None, None).await.unwrap();
        loop {
            if let Some(received) = recorded.to("/ok").get(before) {
                delays.push(received.at - raised);
                break;
            }
            assert!(raised.elapsed() < Duration::from_secs(30), "a quiet delivery never came");
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    }
    delays.sort();
    (list, create, delays[delays.len() - 1])
}

/// The hostile tenant until `stop`: 1 MB PATCHes (the slowest answer kept in `patch_ms`),
/// 40 connections of deep, filtered lists, events for its hanging endpoints.
fn hostile(
    caller: &Caller,
    state: &AppState,
    target: Locator,
    stop: &Arc<AtomicBool>,
    refused: &Arc<AtomicUsize>,
) -> (Vec<tokio::task::JoinHandle<()>>, tokio::task::JoinHandle<Duration>) {
    let types: Vec<String> = (0..100).map(|i| format!("t.{i}")).collect();
    let slow = format!("/list?offset=99999&eventTypes={}", types.join(","));
    let mut tasks = Vec::new();
    for _ in 0..FLOOD_CONNECTIONS {
        let (caller, slow, stop, refused) = (caller.clone(), slow.clone(), Arc::clone(stop), Arc::clone(refused));
        tasks.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                if let Ok(response) = caller.call(Method::GET, &slow).send().await {
                    if !response.status().is_success() {
                        refused.fetch_add(1, Ordering::Relaxed);
                    }
                    let _ = response.bytes().await;
                }
            }
        }));
    }
    let (raiser, stopping, tenant) = (state.clone(), Arc::clone(stop), caller.tenant);
    tasks.push(tokio::spawn(async move {
        while !stopping.load(Ordering::Relaxed) {
            let _ = raiser.raise_event(tenant, "hostile.event".into(), serde_json::Map::new(), None, None).await;
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }));
    let names: Vec<String> = (0..100_000).map(|i| format!("n.{i}")).collect();
    let body = serde_json::to_vec(&json!({"addEventTypes": names})).unwrap();
    let (patcher, stopping) = (caller.clone(), Arc::clone(stop));
    let patches = tokio::spawn(async move {
        let mut slowest = Duration::ZERO;
        while !stopping.load(Ordering::Relaxed) {
            let started = Instant::now();
            let sent = patcher
                .call(Method::PATCH, &format!("/{target}"))
                .header("Content-Type", "application/json")
                .body(body.clone())
                .send()
                .await;
            if let Ok(response) = sent {
                let _ = response.bytes().await;
            }
            slowest = slowest.max(started.elapsed());
        }
        slowest
    });
    (tasks, patches)
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&dir.path().join("isolation.sqlite3")).unwrap();
    let (receiver, recorded) = receiver::start("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let (quiet, hostile_tenant) =
        (TenantLocator::from_uuid(uuid::Uuid::new_v4()), TenantLocator::from_uuid(uuid::Uuid::new_v4()));
    let now = time::OffsetDateTime::now_utc();
    db.blocking(|c| demo::seed_many(c, hostile_tenant, HOSTILE_WEBHOOKS, 1 << 100, now)).unwrap();
    db.blocking(|c| demo::seed_many(c, quiet, 100, 2 << 100, now)).unwrap();
    let tokens = db.blocking(|c| Ok((demo::admin_token(c, quiet)?, demo::admin_token(c, hostile_tenant)?))).unwrap();
    let engine = EngineConfig { destinations: Destinations::with_loopback(), ..EngineConfig::default() };
    // The hostile tenant has 20,000 webhooks: twice the default quota.
    let limits = Limits { webhooks_per_tenant: 2 * HOSTILE_WEBHOOKS as usize, ..Limits::default() };
    let state = AppState::new(db).with_engine(engine).with_limits(limits);
    let api = Api::serve_state(state.clone(), tokens.0).await;
    let hostile_caller = Caller { api: api.with_token(tokens.1), tenant: hostile_tenant };
    let quiet = Caller { api, tenant: quiet };
    let hook = |name: &str, url: String, kind: &str| json!({"name": name, "endpoint": {"url": url}, "eventTypes": [kind], "failureHandling": {"triggers": []}});
    quiet
        .call(Method::POST, "")
        .json(&hook("quiet", format!("http://{receiver}/ok"), "quiet.event"))
        .send()
        .await
        .unwrap();
    let mut target = None;
    for i in 0..HANGING_WEBHOOKS {
        let body = hook(&format!("hang {i}"), format!("http://{receiver}/hang"), "hostile.event");
        let created: webhooks_api::WebhookResponse =
            hostile_caller.call(Method::POST, "").json(&body).send().await.unwrap().json().await.unwrap();
        target.get_or_insert(created.locator);
    }

    let alone = quiet_figures(&quiet, &state, &recorded, ["quiet list (100), alone", "quiet create, alone"]).await;
    let (stop, refused) = (Arc::new(AtomicBool::new(false)), Arc::new(AtomicUsize::new(0)));
    let (flood, patches) = hostile(&hostile_caller, &state, target.unwrap(), &stop, &refused);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let names = ["quiet list (100), hostile running", "quiet create, hostile running"];
    let beside = quiet_figures(&quiet, &state, &recorded, names).await;
    stop.store(true, Ordering::Relaxed);
    let slowest_patch = patches.await.unwrap();
    for task in flood {
        task.abort();
    }

    let (alone_list, alone_create, alone_delay) = alone;
    let (beside_list, beside_create, beside_delay) = beside;
    println!("isolation: a quiet tenant alone, then beside a hostile one (issue #28)");
    print_table(&[alone_list, alone_create, beside_list, beside_create], "rows 3 and 4 (hostile running): p99 < 50 ms");
    println!(
        "quiet delivery delay p99: alone {:.1} ms, beside the hostile tenant {:.1} ms (goal: < 1000 ms)",
        alone_delay.as_secs_f64() * 1000.0,
        beside_delay.as_secs_f64() * 1000.0
    );
    println!(
        "hostile 1 MB PATCH: slowest answer {:.1} ms, refused before the write connection (goal: < 100 ms of it); \
         hostile requests refused (429/503): {}",
        slowest_patch.as_secs_f64() * 1000.0,
        refused.load(Ordering::Relaxed)
    );
}
