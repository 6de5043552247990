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

/// An engine that may reach this machine's loopback receivers.
fn engine(timeout_ms: u64) -> EngineConfig {
    EngineConfig {
        workers: 4,
        timeout: Duration::from_millis(timeout_ms),
        poll_interval: Duration::from_millis(10),
        destinations: Destinations::with_loopback(),
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
        let response = self
            .server
            .client
            .post(format!("{}/dev/{}/events", self.server.base, self.tenant))
            .json(&json!({"type": kind, "data": {"invoice": 42}}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().await.unwrap();
        (serde_json::from_value(body["event"].clone()).unwrap(), body["deliveries"].as_u64().unwrap())
    }

    async fn diverted(&self, webhook: &WebhookResponse) -> Vec<DivertedEventResponse> {
        self.server.get(&format!("/event/{}/webhooks/{}/diverted", self.tenant, webhook.locator), &self.token).await
    }

    async fn fetch(&self, webhook: &WebhookResponse) -> WebhookResponse {
        self.server.get(&format!("/event/{}/webhooks/{}", self.tenant, webhook.locator), &self.token).await
    }

    fn queued(&self) -> i64 {
        self.server.db.blocking(|c| Ok(c.query_row("SELECT count(*) FROM deliveries", [], |r| r.get(0))?)).unwrap()
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
        let response = without
            .client
            .post(format!("{}/dev/{tenant}/events", without.base))
            .json(&json!({"type": "a.b"}))
            .send()
            .await
            .unwrap();
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
    let response = server
        .client
        .post(format!("{}/dev/{}/events", server.base, common::tenant()))
        .json(&json!({"type": "a.b"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}
