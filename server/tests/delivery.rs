//! The delivery engine against a receiver on loopback: success, retries and their
//! spacing, indifference, timeouts, refused connections, divert, suspend, unsuspend,
//! resend, alerts, headers, and a restart with deliveries still queued.

mod common;

use std::time::{Duration, Instant};

use common::TestServer;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use webhooks_api::{DivertedEventResponse, EventResponse, TenantLocator, WebhookResponse};
use webhooks_server::delivery::EngineConfig;
use webhooks_server::destination::Destinations;
use webhooks_server::receiver::{self, Recorded};

/// An engine that may reach this machine's loopback receivers, without the bounds between
/// tenants and hosts (`isolation.rs` tests those): one tenant, one host, short retries.
fn engine(timeout_ms: u64) -> EngineConfig {
    EngineConfig {
        workers: 4,
        per_tenant: 8,
        timeout: Duration::from_millis(timeout_ms),
        poll_interval: Duration::from_millis(10),
        destinations: Destinations::with_loopback(),
        min_retry_interval: Duration::ZERO,
        per_host_per_second: std::num::NonZeroU32::MAX,
        ..EngineConfig::default()
    }
}

/// A server with an engine, a receiver, and a tenant with a token.
struct Setup {
    server: TestServer,
    receiver: String,
    recorded: Recorded,
    tenant: TenantLocator,
    token: String,
}

async fn setup(timeout_ms: u64) -> Setup {
    let server = TestServer::start_delivering(engine(timeout_ms)).await;
    let (address, recorded) = receiver::start("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let (tenant, token) = server.tenant_with_token();
    Setup { server, receiver: format!("http://{address}"), recorded, tenant, token }
}

impl Setup {
    async fn webhook(&self, path: &str, failure_handling: Value) -> WebhookResponse {
        let body = json!({
            "name": format!("to {path}"),
            "endpoint": {"url": format!("{}{path}", self.receiver), "headers": {"X-Key": ["k1", "k2"], "Authorization": ["Bearer r"]}},
            "failureHandling": failure_handling,
            "eventTypes": ["billing.invoice.generate"],
        });
        self.server.create(self.tenant, &self.token, body).await
    }

    async fn raise(&self, kind: &str) -> (EventResponse, u64) {
        let response =
            self.server.intake(self.tenant).json(&json!({"type": kind, "data": {"invoice": 42}})).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().await.unwrap();
        (serde_json::from_value(body["event"].clone()).unwrap(), body["deliveries"].as_u64().unwrap())
    }

    async fn diverted(&self, webhook: &WebhookResponse) -> Vec<DivertedEventResponse> {
        self.server.diverted(self.tenant, &self.token, webhook).await
    }

    async fn fetch(&self, webhook: &WebhookResponse) -> WebhookResponse {
        self.server.get(&format!("/event/{}/webhooks/{}", self.tenant, webhook.locator), &self.token).await
    }

    fn queued(&self) -> i64 {
        self.server.queued()
    }
}

/// Waits (up to 10 s) until `done` holds.
async fn until<F: AsyncFnMut() -> bool>(what: &str, mut done: F) {
    let started = Instant::now();
    while !done().await {
        assert!(started.elapsed() < Duration::from_secs(10), "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn gaps(times: &[Instant]) -> Vec<u128> {
    times.windows(2).map(|w| (w[1] - w[0]).as_millis()).collect()
}

#[tokio::test]
async fn delivers_the_event_with_the_endpoint_headers_once() {
    let s = setup(2_000).await;
    s.webhook("/ok", json!({})).await;
    let (event, deliveries) = s.raise("billing.invoice.generate").await;
    assert_eq!(deliveries, 1);
    until("delivered", async || s.recorded.to("/ok").len() == 1 && s.queued() == 0).await;
    let received = &s.recorded.to("/ok")[0];
    assert_eq!(received.headers.get_all("x-key").iter().collect::<Vec<_>>(), ["k1", "k2"]);
    assert_eq!(received.headers["authorization"], "Bearer r");
    assert_eq!(received.headers["content-type"], "application/json");
    let body: EventResponse = serde_json::from_slice(&received.body).unwrap();
    assert_eq!(body, event);
    assert_eq!(body.data["invoice"], 42);
    let (_, none) = s.raise("claim.fnol.create").await;
    assert_eq!(none, 0, "only subscribed webhooks get deliveries");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(s.recorded.to("/ok").len(), 1, "no event is delivered twice");
}

#[tokio::test]
async fn a_500_with_two_linear_retries_is_tried_three_times_then_diverted() {
    let s = setup(2_000).await;
    let hook = s.webhook("/status/500", json!({"triggers": ["5xx"], "retryStrategy": {"type": "linear", "interval": 150, "attempts": 2}, "divert": true})).await;
    let (event, _) = s.raise("billing.invoice.generate").await;
    until("given up", async || s.queued() == 0 && s.recorded.to("/status/500").len() == 3).await;
    let times: Vec<Instant> = s.recorded.to("/status/500").iter().map(|r| r.at).collect();
    for gap in gaps(&times) {
        assert!((150..600).contains(&gap), "linear gap of {gap} ms, 150 ms configured");
    }
    let diverted = s.diverted(&hook).await;
    assert_eq!(diverted.len(), 1);
    assert_eq!(diverted[0].event_locator, event.locator);
    assert_eq!(diverted[0].request_locator, event.request_id);
    assert_eq!(diverted[0].failure_trigger, "5xx");
    assert_eq!(diverted[0].failure_message, "HTTP 500 Internal Server Error");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(s.recorded.to("/status/500").len(), 3, "exactly three requests");
    assert!(!s.fetch(&hook).await.suspended, "suspend is off");
}

#[tokio::test]
async fn exponential_retries_double_the_wait() {
    let s = setup(2_000).await;
    s.webhook(
        "/status/503",
        json!({"triggers": ["503"], "retryStrategy": {"type": "exponential", "interval": 100, "attempts": 3}}),
    )
    .await;
    s.raise("billing.invoice.generate").await;
    until("four tries", async || s.recorded.to("/status/503").len() == 4 && s.queued() == 0).await;
    let times: Vec<Instant> = s.recorded.to("/status/503").iter().map(|r| r.at).collect();
    let spacing = gaps(&times);
    for (gap, expected) in spacing.iter().zip([100u128, 200, 400]) {
        assert!(*gap >= expected && *gap < expected + 350, "gaps {spacing:?}, expected about 100, 200, 400");
    }
}

#[tokio::test]
async fn a_404_without_a_4xx_trigger_is_dropped_after_one_try() {
    let s = setup(2_000).await;
    let hook = s.webhook("/status/404", json!({"triggers": ["5xx"], "retryStrategy": {"type": "linear", "interval": 50, "attempts": 3}, "divert": true, "suspend": true})).await;
    s.raise("billing.invoice.generate").await;
    until("tried", async || s.recorded.to("/status/404").len() == 1 && s.queued() == 0).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(s.recorded.to("/status/404").len(), 1);
    assert!(s.diverted(&hook).await.is_empty(), "indifference: neither diverted");
    assert!(!s.fetch(&hook).await.suspended, "nor suspended");
}

#[tokio::test]
async fn timeouts_and_refused_connections_trigger_timeout() {
    let s = setup(300).await;
    let hanging = s.webhook("/hang", json!({"triggers": ["timeout"], "divert": true})).await;
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let refused = s
        .server
        .create(s.tenant, &s.token, json!({"name": "refused", "endpoint": {"url": format!("http://{closed}/x")}, "failureHandling": {"triggers": ["timeout"], "divert": true}, "eventTypes": ["billing.invoice.generate"]}))
        .await;
    s.raise("billing.invoice.generate").await;
    until("both diverted", async || s.queued() == 0).await;
    let timed_out = s.diverted(&hanging).await;
    assert_eq!(timed_out[0].failure_trigger, "timeout");
    assert_eq!(timed_out[0].failure_message, "no answer within 300 ms");
    let not_connected = s.diverted(&refused).await;
    assert_eq!(not_connected[0].failure_trigger, "timeout");
    assert!(not_connected[0].failure_message.starts_with("could not connect"), "{}", not_connected[0].failure_message);
}

#[tokio::test]
async fn suspension_stops_sends_diverts_and_unsuspend_resend_resume() {
    let s = setup(2_000).await;
    let alert = format!("{}/alert", s.receiver);
    let hook = s.webhook("/status/502", json!({"triggers": ["5xx"], "divert": true, "suspend": true, "alertEndpoint": {"url": alert, "headers": {"X-Team": ["ops"]}}})).await;
    let (first, _) = s.raise("billing.invoice.generate").await;
    until("suspended", async || s.fetch(&hook).await.suspended).await;
    let suspended = s.fetch(&hook).await;
    assert!(suspended.suspended_at.is_some());

    until("alerted", async || s.recorded.to("/alert").len() == 1).await;
    let notice: Value = serde_json::from_slice(&s.recorded.to("/alert")[0].body).unwrap();
    assert_eq!(notice["failureTrigger"], "5xx");
    assert_eq!(notice["eventLocator"], first.locator.to_string());
    assert_eq!(s.recorded.to("/alert")[0].headers["x-team"], "ops");

    let (second, _) = s.raise("billing.invoice.generate").await;
    until("second diverted", async || s.diverted(&hook).await.len() == 2).await;
    assert_eq!(s.recorded.to("/status/502").len(), 1, "nothing is sent while suspended");
    let second_diverted = s.diverted(&hook).await.into_iter().find(|d| d.event_locator == second.locator).unwrap();
    assert_eq!(second_diverted.failure_trigger, "suspended");

    // Fix the endpoint, unsuspend, resend the first event: it arrives and leaves the diverted list.
    let path = format!("/event/{}/webhooks/{}", s.tenant, hook.locator);
    let fixed = json!({"endpoint": {"url": format!("{}/ok", s.receiver)}});
    assert_eq!(
        s.server.call(Method::PATCH, &path, &s.token).json(&fixed).send().await.unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(
        s.server.call(Method::PATCH, &format!("{path}/unsuspend"), &s.token).send().await.unwrap().status(),
        StatusCode::NO_CONTENT
    );
    let resend = format!("{path}/diverted/{}/resend", first.locator);
    assert_eq!(s.server.call(Method::POST, &resend, &s.token).send().await.unwrap().status(), StatusCode::OK);
    until("resent", async || s.recorded.to("/ok").len() == 1 && s.diverted(&hook).await.len() == 1).await;
    let resent: EventResponse = serde_json::from_slice(&s.recorded.to("/ok")[0].body).unwrap();
    assert_eq!(resent.locator, first.locator);

    let (third, _) = s.raise("billing.invoice.generate").await;
    until("delivered again", async || s.recorded.to("/ok").len() == 2).await;
    let delivered: EventResponse = serde_json::from_slice(&s.recorded.to("/ok")[1].body).unwrap();
    assert_eq!(delivered.locator, third.locator);
}

#[tokio::test]
async fn queued_deliveries_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let db = webhooks_server::db::Db::open(&dir.path().join("queue.sqlite3")).unwrap();
    let (address, recorded) = receiver::start("127.0.0.1:0".parse().unwrap()).await.unwrap();
    // First a server without an engine: events are only enqueued.
    let without =
        TestServer::start_on(dir, db, webhooks_server::RouterOptions { dev: true, ..Default::default() }, |state| {
            state
        })
        .await;
    let (tenant, token) = without.tenant_with_token();
    without
        .create(
            tenant,
            &token,
            json!({"name": "later", "endpoint": {"url": format!("http://{address}/ok")}, "eventTypes": ["a.b"]}),
        )
        .await;
    for _ in 0..5 {
        let response = without.intake(tenant).json(&json!({"type": "a.b"})).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(recorded.all().is_empty());
    let (dir, db) = (without.dir, without.db);
    // Then the same database with an engine: every queued delivery goes out, once.
    let with = TestServer::start_on(dir, db, webhooks_server::RouterOptions::default(), |state| {
        state.with_engine(engine(2_000))
    })
    .await;
    until("all five delivered", async || recorded.to("/ok").len() == 5).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(recorded.to("/ok").len(), 5);
    let left: i64 =
        with.db.blocking(|c| Ok(c.query_row("SELECT count(*) FROM deliveries", [], |r| r.get(0))?)).unwrap();
    assert_eq!(left, 0);
}

#[tokio::test]
async fn the_dev_intake_exists_only_with_dev() {
    let server = TestServer::start().await;
    let response = server.intake(common::tenant()).json(&json!({"type": "a.b"})).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_hanging_endpoint_holds_no_more_than_its_share_of_the_workers() {
    // Eight workers, two per webhook, and an endpoint that never answers (5 s timeout).
    let config = EngineConfig { workers: 8, per_webhook: 2, ..engine(5_000) };
    let server = TestServer::start_delivering(config).await;
    let (address, recorded) = receiver::start("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let (tenant, token) = server.tenant_with_token();
    for (path, kind) in [("/hang", "slow.type"), ("/ok", "fast.type")] {
        let url = format!("http://{address}{path}");
        server.create(tenant, &token, json!({"name": path, "endpoint": {"url": url}, "eventTypes": [kind]})).await;
    }
    for _ in 0..8 {
        server.raise(tenant, "slow.type").await;
    }
    until("the hanging endpoint is called", async || recorded.to("/hang").len() == 2).await;
    let started = Instant::now();
    for _ in 0..20 {
        server.raise(tenant, "fast.type").await;
    }
    until("the healthy endpoint has every event", async || recorded.to("/ok").len() == 20).await;
    assert!(started.elapsed() < Duration::from_secs(4), "the healthy deliveries waited for the hanging ones");
    assert_eq!(recorded.to("/hang").len(), 2, "two of the eight hanging deliveries are in flight, no more");
}

#[tokio::test]
async fn retries_that_failed_together_are_spread_by_jitter() {
    let s = setup(2_000).await;
    // Twelve webhooks failing at once, each on its own path (500 to 511) to tell them apart.
    let paths: Vec<String> = (500..512).map(|code| format!("/status/{code}")).collect();
    for path in &paths {
        s.webhook(
            path,
            json!({"triggers": ["5xx"], "retryStrategy": {"type": "linear", "interval": 2000, "attempts": 1}}),
        )
        .await;
    }
    s.raise("billing.invoice.generate").await;
    until("each tried twice", async || paths.iter().all(|path| s.recorded.to(path).len() == 2) && s.queued() == 0)
        .await;
    let waits: Vec<u128> =
        paths.iter().map(|path| gaps(&s.recorded.to(path).iter().map(|r| r.at).collect::<Vec<_>>())[0]).collect();
    for wait in &waits {
        assert!((2000..2600).contains(wait), "waits {waits:?}: 2,000 ms configured, jitter adds up to 10 %");
    }
    let spread = waits.iter().max().unwrap() - waits.iter().min().unwrap();
    assert!(spread >= 60, "waits {waits:?} spread over {spread} ms only: no jitter");
}

#[tokio::test]
async fn two_resends_of_a_diverted_event_deliver_it_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = webhooks_server::db::Db::open(&dir.path().join("resend.sqlite3")).unwrap();
    let (address, recorded) = receiver::start("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let dev = webhooks_server::RouterOptions { dev: true, ..Default::default() };
    // First without an engine: the resends only queue.
    let without = TestServer::start_on(dir, db, dev, |state| state).await;
    let (tenant, token) = without.tenant_with_token();
    let body = json!({"name": "fixed", "endpoint": {"url": format!("http://{address}/ok")}, "eventTypes": ["a.b"]});
    let hook = without.create(tenant, &token, body).await;
    // An event the webhook does not subscribe to, diverted as if it had failed.
    let event = without.raise(tenant, "c.d").await;
    let diverted = DivertedEventResponse {
        event_locator: event.locator,
        request_locator: event.request_id,
        failure_trigger: "5xx".into(),
        failure_message: "HTTP 500".into(),
        failure_timestamp: "2027-01-01T00:00:00Z".into(),
    };
    without.db.blocking(|c| webhooks_server::store::insert_diverted(c, tenant, hook.locator, &diverted, 10)).unwrap();
    let resend = format!("/event/{tenant}/webhooks/{}/diverted/{}/resend", hook.locator, event.locator);
    for _ in 0..2 {
        let response = without.call(Method::POST, &resend, &token).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "a resend of a queued event still answers 200");
    }
    let pending = without.db.blocking(|c| webhooks_server::store::pending_deliveries(c, tenant, hook.locator)).unwrap();
    assert_eq!(pending, [(event.locator.to_string(), true)], "the second resend added nothing");
    // Then with an engine: one delivery, and the diverted event is gone.
    let (dir, db) = (without.dir, without.db);
    let with = TestServer::start_on(dir, db, webhooks_server::RouterOptions::default(), |state| {
        state.with_engine(engine(2_000))
    })
    .await;
    until("resent", async || recorded.to("/ok").len() == 1).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(recorded.to("/ok").len(), 1);
    let left = with.diverted(tenant, &token, &hook).await;
    assert!(left.is_empty());
}

#[tokio::test]
async fn a_claim_lost_mid_send_records_one_outcome() {
    let s = setup(2_000).await;
    // Answers 500 after 400 ms; the one retry allowed is far away.
    s.webhook(
        "/slow/400/500",
        json!({"triggers": ["5xx"], "retryStrategy": {"type": "linear", "interval": 60000, "attempts": 5}}),
    )
    .await;
    s.raise("billing.invoice.generate").await;
    until("the first send is under way", async || s.recorded.to("/slow/400/500").len() == 1).await;
    // The claim is lost while the endpoint thinks: another worker claims the delivery again.
    s.server.db.blocking(|c| Ok(c.execute("UPDATE deliveries SET claimed_until_ms = 1", [])?)).unwrap();
    until("sent again", async || s.recorded.to("/slow/400/500").len() == 2).await;
    let outcome = || {
        s.server
            .db
            .blocking(|c| {
                Ok(c.query_row("SELECT attempt, claimed_until_ms FROM deliveries", [], |r| Ok((r.get(0)?, r.get(1)?)))?)
            })
            .unwrap()
    };
    until("a retry is recorded", async || outcome().1 == 0).await;
    // Both sends are over by now; only the worker holding the claim recorded its outcome.
    tokio::time::sleep(Duration::from_millis(600)).await;
    let (attempt, _): (i64, i64) = outcome();
    assert_eq!(attempt, 1, "one failed attempt recorded, not two");
}

#[tokio::test]
async fn rows_that_do_not_decode_are_set_aside_and_the_others_go_on() {
    let s = setup(2_000).await;
    s.webhook("/ok", json!({})).await;
    let good = s
        .server
        .db
        .blocking(|c| Ok(c.query_row("SELECT locator FROM webhooks", [], |r| r.get::<_, String>(0))?))
        .unwrap();
    let tenant = s.tenant.to_string();
    let corrupt_webhook = ulid::Ulid::generate().to_string();
    s.server
        .db
        .blocking(|c| {
            // A webhook whose stored body no longer decodes, subscribed to the same type.
            c.execute(
                "INSERT INTO webhooks (tenant, locator, name, enabled, suspended, event_types, body)
                 VALUES (?1, ?2, 'corrupt', 1, 0, char(10) || 'billing.invoice.generate' || char(10), '{\"broken\":')",
                rusqlite::params![tenant, corrupt_webhook],
            )?;
            // Outbox rows with a bad tenant, a bad event locator and a webhook that is a number.
            c.pragma_update(None, "foreign_keys", "OFF")?;
            for (row_tenant, webhook, event) in [
                (
                    rusqlite::types::Value::from("not-a-uuid".to_owned()),
                    rusqlite::types::Value::from(good.clone()),
                    "01JD8Z6Q4V3N5K7M9P1R2S3T4V",
                ),
                (rusqlite::types::Value::from(tenant.clone()), rusqlite::types::Value::from(good.clone()), "bad"),
                (
                    rusqlite::types::Value::from(tenant.clone()),
                    rusqlite::types::Value::Integer(7),
                    "01JD8Z6Q4V3N5K7M9P1R2S3T4V",
                ),
            ] {
                c.execute(
                    "INSERT INTO deliveries (tenant, webhook, event_locator, due_at_ms) VALUES (?1, ?2, ?3, 0)",
                    rusqlite::params![row_tenant, webhook, event],
                )?;
            }
            c.pragma_update(None, "foreign_keys", "ON")?;
            Ok(())
        })
        .unwrap();
    for n in 1..=2 {
        s.raise("billing.invoice.generate").await;
        until("delivered past the poison rows", async || s.recorded.to("/ok").len() == n).await;
    }
    let set_aside = || {
        s.server
            .db
            .blocking(|c| {
                let mut statement =
                    c.prepare("SELECT set_aside FROM deliveries WHERE set_aside IS NOT NULL ORDER BY id")?;
                let reasons = statement.query_map([], |r| r.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?;
                Ok(reasons)
            })
            .unwrap()
    };
    until("every poison row is set aside", async || set_aside().len() == 5).await;
    let reasons = set_aside();
    assert!(reasons[..3].iter().all(|why| why.starts_with("the row does not decode")), "{reasons:?}");
    assert!(reasons[3..].iter().all(|why| why.starts_with("the webhook's stored body does not decode")), "{reasons:?}");
    assert_eq!(s.queued(), 5, "the set-aside rows stay for a look, never due again");
}
