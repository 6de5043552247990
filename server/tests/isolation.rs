//! No tenant can slow another (issue #28): work per request bounded before it runs,
//! quotas on what a tenant stores, requests in flight bounded.

mod common;

use std::num::NonZeroU32;
use std::time::{Duration, Instant};

use common::{error_of, TestServer};
use reqwest::{Method, StatusCode};
use serde_json::json;
use webhooks_api::TenantLocator;
use webhooks_server::db::Db;
use webhooks_server::delivery::EngineConfig;
use webhooks_server::destination::Destinations;
use webhooks_server::limits::Limits;
use webhooks_server::receiver;
use webhooks_server::RouterOptions;

fn names(prefix: &str, count: usize) -> Vec<String> {
    (0..count).map(|i| format!("{prefix}.{i}")).collect()
}

#[tokio::test]
async fn a_megabyte_of_added_event_types_is_refused_before_it_is_applied() {
    let server = TestServer::start().await;
    let (tenant, token) = server.tenant_with_token();
    let hook = server.create(tenant, &token, json!({"name": "n", "endpoint": {"url": "https://example.com/"}})).await;
    let path = format!("/event/{tenant}/webhooks/{}", hook.locator);
    // 100,000 short names, about 1 MB: 23 s of write-connection time before the limits.
    let body = json!({"addEventTypes": names("t", 100_000)});
    let started = Instant::now();
    let response = server.call(Method::PATCH, &path, &token).json(&body).send().await.unwrap();
    let took = started.elapsed();
    let (status, error) = error_of(response).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error.field_errors["addEventTypes"], "give at most 500 (100000 given)");
    assert!(took < Duration::from_secs(1), "refused after {took:?}");
    // The most a webhook holds goes through.
    let full = json!({"addEventTypes": names("t", 500)});
    let response = server.call(Method::PATCH, &path, &token).json(&full).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

/// A server with these limits and a tenant with a token.
async fn limited(limits: Limits) -> (TestServer, TenantLocator, String) {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&dir.path().join("limits.sqlite3")).unwrap();
    let server = TestServer::start_on(dir, db, RouterOptions::default(), |state| state.with_limits(limits)).await;
    let (tenant, token) = server.tenant_with_token();
    (server, tenant, token)
}

fn webhook(name: &str) -> serde_json::Value {
    json!({"name": name, "endpoint": {"url": "https://example.com/"}})
}

#[tokio::test]
async fn a_tenant_has_at_most_its_quota_of_webhooks() {
    let (server, tenant, token) = limited(Limits { webhooks_per_tenant: 2, ..Limits::default() }).await;
    let first = server.create(tenant, &token, webhook("1")).await;
    server.create(tenant, &token, webhook("2")).await;
    let create = || server.call(Method::POST, &format!("/event/{tenant}/webhooks"), &token).json(&webhook("3"));
    let (status, error) = error_of(create().send().await.unwrap()).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(error.message.contains("has 2 webhooks, the most it may have"), "{}", error.message);
    // Another tenant has its own quota; a deleted webhook makes room.
    let (other, other_token) = server.tenant_with_token();
    server.create(other, &other_token, webhook("elsewhere")).await;
    let path = format!("/event/{tenant}/webhooks/{}", first.locator);
    assert_eq!(server.call(Method::DELETE, &path, &token).send().await.unwrap().status(), StatusCode::NO_CONTENT);
    assert_eq!(create().send().await.unwrap().status(), StatusCode::OK);
}

#[tokio::test]
async fn a_webhook_takes_at_most_64_kib_stored() {
    let server = TestServer::start().await;
    let (tenant, token) = server.tenant_with_token();
    // 300 event types of 250 characters: within the count, about 76 KB stored.
    let long: Vec<String> = (0..300).map(|i| format!("{i:0>250}")).collect();
    let body = json!({"name": "n", "endpoint": {"url": "https://example.com/"}, "eventTypes": long});
    let response = server.call(Method::POST, &format!("/event/{tenant}/webhooks"), &token).json(&body).send().await;
    let (status, error) = error_of(response.unwrap()).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(error.message.contains("a webhook takes at most 65536 (64 KiB)"), "{}", error.message);
    // The same through updates: the one that would cross the line is refused.
    let hook = server
        .create(
            tenant,
            &token,
            json!({"name": "n", "endpoint": {"url": "https://example.com/"}, "eventTypes": long[..200]}),
        )
        .await;
    let path = format!("/event/{tenant}/webhooks/{}", hook.locator);
    let more = json!({"addEventTypes": long[200..]});
    let (status, _) = error_of(server.call(Method::PATCH, &path, &token).json(&more).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
}

/// A tenant's list, given up after 5 s (a request that waits for a place must still end).
fn list_within_5s(
    server: &TestServer,
    tenant: TenantLocator,
    token: &str,
) -> impl std::future::Future<Output = reqwest::Result<reqwest::Response>> + 'static {
    server.call(Method::GET, &format!("/event/{tenant}/webhooks/list"), token).timeout(Duration::from_secs(5)).send()
}

/// Holds every shared reader of `db` until the returned sender is dropped (also when a
/// failed assertion unwinds, so that a failing test ends).
async fn hold_readers(db: &Db) -> (tokio::sync::watch::Sender<()>, Vec<tokio::task::JoinHandle<()>>) {
    let (held_tx, mut held_rx) = tokio::sync::mpsc::channel(4);
    let (release_tx, release_rx) = tokio::sync::watch::channel(());
    let mut holders = Vec::new();
    for _ in 0..4 {
        let (held_tx, release_rx, db) = (held_tx.clone(), release_rx.clone(), db.clone());
        holders.push(tokio::spawn(async move {
            db.read(move |_| {
                held_tx.blocking_send(()).unwrap();
                while release_rx.has_changed().is_ok() {
                    std::thread::sleep(Duration::from_millis(5));
                }
                Ok(())
            })
            .await
            .unwrap()
        }));
    }
    for _ in 0..4 {
        held_rx.recv().await.unwrap();
    }
    (release_tx, holders)
}

#[tokio::test]
async fn requests_in_flight_are_bounded_per_token_and_per_tenant() {
    let limits = Limits { in_flight_per_token: 2, in_flight_per_tenant: 3, ..Limits::default() };
    let (server, tenant, token) = limited(limits).await;
    let second_token = server.token(tenant, common::ALL_GRANTS);
    let (quiet, quiet_token) = server.tenant_with_token();
    let (release, holders) = hold_readers(&server.db).await;
    let list = |tenant: TenantLocator, token: &str| list_within_5s(&server, tenant, token);
    // Two lists of the token wait for a reader; a third of the token is refused at once.
    let waiting = [tokio::spawn(list(tenant, &token)), tokio::spawn(list(tenant, &token))];
    tokio::time::sleep(Duration::from_millis(100)).await;
    let refused = list(tenant, &token).await.unwrap();
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(refused.headers()["retry-after"], "1");
    let (_, error) = error_of(refused).await;
    assert!(error.message.contains("this token: 2 requests in flight is the most"), "{}", error.message);
    // The tenant's third place goes to its other token; a fourth is refused for the tenant.
    let third = tokio::spawn(list(tenant, &second_token));
    tokio::time::sleep(Duration::from_millis(100)).await;
    let (status, error) = error_of(list(tenant, &second_token).await.unwrap()).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(error.message.contains("this tenant: 3 requests in flight is the most"), "{}", error.message);
    // Another tenant is not held back by them.
    let quiet_list = tokio::spawn(list(quiet, &quiet_token));
    tokio::time::sleep(Duration::from_millis(100)).await;
    drop(release);
    for holder in holders {
        holder.await.unwrap();
    }
    for waiting in waiting.into_iter().chain([third, quiet_list]) {
        assert_eq!(waiting.await.unwrap().unwrap().status(), StatusCode::OK);
    }
    assert_eq!(list(tenant, &token).await.unwrap().status(), StatusCode::OK, "places come back");
}

#[tokio::test]
async fn a_webhook_keeps_its_newest_diverted_events_and_counts_those_dropped() {
    let engine = EngineConfig {
        poll_interval: Duration::from_millis(10),
        destinations: Destinations::with_loopback(),
        diverted_per_webhook: 2,
        ..EngineConfig::default()
    };
    let server = TestServer::start_delivering(engine).await;
    let (tenant, token) = server.tenant_with_token();
    // A port nothing listens on: every delivery fails at once and is diverted.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let hook = server
        .create(
            tenant,
            &token,
            json!({"name": "down", "endpoint": {"url": format!("http://{closed}/")},
                   "failureHandling": {"divert": true}, "eventTypes": ["billing.invoice.generate"]}),
        )
        .await;
    let mut raised = Vec::new();
    for _ in 0..5 {
        raised.push(server.raise(tenant, "billing.invoice.generate").await.locator);
        server.until_queue_is_empty().await;
    }
    let path = format!("/event/{tenant}/webhooks/{}/diverted", hook.locator);
    let response = server.call(Method::GET, &path, &token).send().await.unwrap();
    assert_eq!(response.headers()["x-diverted-dropped"], "3");
    let kept: Vec<webhooks_api::DivertedEventResponse> = response.json().await.unwrap();
    assert_eq!(kept.iter().map(|d| d.event_locator).collect::<Vec<_>>(), raised[3..], "the newest two are kept");
}

#[tokio::test]
async fn a_tenant_runs_few_requests_at_once_and_the_server_few_reads() {
    let limits = Limits {
        running_per_tenant: 1,
        reads_running: 2,
        admission_wait: Duration::from_millis(200),
        ..Limits::default()
    };
    let (server, tenant, token) = limited(limits).await;
    let (second, second_token) = server.tenant_with_token();
    let (third, third_token) = server.tenant_with_token();
    let (release, holders) = hold_readers(&server.db).await;
    let list = |tenant: TenantLocator, token: &str| list_within_5s(&server, tenant, token);
    // The tenant's one place runs a list (it waits for a reader); its next waits for the
    // place, then is refused.
    let running = tokio::spawn(list(tenant, &token));
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = Instant::now();
    let refused = list(tenant, &token).await.unwrap();
    assert_eq!(refused.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(refused.headers()["retry-after"], "1");
    assert!(started.elapsed() < Duration::from_secs(1), "waited {:?}", started.elapsed());
    // Another tenant runs beside it: the server's second read place.
    let beside = tokio::spawn(list(second, &second_token));
    tokio::time::sleep(Duration::from_millis(100)).await;
    // Every read place is taken: a third tenant's read is refused at once, its write runs.
    let started = Instant::now();
    let (status, error) = error_of(list(third, &third_token).await.unwrap()).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(error.message.contains("as many reads as it may"), "{}", error.message);
    assert!(started.elapsed() < Duration::from_millis(150), "waited {:?}", started.elapsed());
    let created = server.call(Method::POST, &format!("/event/{third}/webhooks"), &third_token).json(&webhook("w"));
    assert_eq!(created.send().await.unwrap().status(), StatusCode::OK);
    // Authentication has its own place: a bad token is still a 401, not a 503.
    assert_eq!(list(third, "whk_wrong").await.unwrap().status(), StatusCode::UNAUTHORIZED);
    drop(release);
    for holder in holders {
        holder.await.unwrap();
    }
    for waiting in [running, beside] {
        assert_eq!(waiting.await.unwrap().unwrap().status(), StatusCode::OK);
    }
}

/// A server with this engine (loopback allowed), a receiver, and two tenants with tokens.
struct Delivering {
    server: TestServer,
    receiver: String,
    recorded: receiver::Recorded,
}

async fn delivering(engine: EngineConfig) -> Delivering {
    let engine = EngineConfig {
        poll_interval: Duration::from_millis(10),
        destinations: Destinations::with_loopback(),
        ..engine
    };
    let server = TestServer::start_delivering(engine).await;
    let (address, recorded) = receiver::start("127.0.0.1:0".parse().unwrap()).await.unwrap();
    Delivering { server, receiver: format!("http://{address}"), recorded }
}

impl Delivering {
    /// A webhook of `tenant` on `path` of the receiver, for `billing.invoice.generate`.
    async fn webhook(&self, tenant: TenantLocator, token: &str, path: &str, failure_handling: serde_json::Value) {
        let body = json!({"name": path, "endpoint": {"url": format!("{}{path}", self.receiver)},
                          "failureHandling": failure_handling, "eventTypes": ["billing.invoice.generate"]});
        self.server.create(tenant, token, body).await;
    }

    async fn raise(&self, tenant: TenantLocator) -> Instant {
        self.server.raise(tenant, "billing.invoice.generate").await;
        Instant::now()
    }

    /// When the receiver got its first request to `path`, waiting up to 5 s.
    async fn first_to(&self, path: &str) -> Instant {
        let started = Instant::now();
        loop {
            if let Some(received) = self.recorded.to(path).first() {
                return received.at;
            }
            assert!(started.elapsed() < Duration::from_secs(5), "nothing reached {path}");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

#[tokio::test]
async fn a_tenant_whose_endpoints_hang_holds_at_most_its_share_of_the_workers() {
    let s = delivering(EngineConfig {
        workers: 3,
        per_tenant: 2,
        timeout: Duration::from_secs(4),
        ..EngineConfig::default()
    })
    .await;
    let (hostile, hostile_token) = s.server.tenant_with_token();
    for _ in 0..3 {
        s.webhook(hostile, &hostile_token, "/hang", json!({})).await;
    }
    s.raise(hostile).await;
    let (quiet, quiet_token) = s.server.tenant_with_token();
    s.webhook(quiet, &quiet_token, "/ok", json!({})).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(s.recorded.to("/hang").len(), 2, "the hostile tenant holds two workers, not three");
    let raised = s.raise(quiet).await;
    let delay = s.first_to("/ok").await - raised;
    assert!(delay < Duration::from_secs(1), "the quiet tenant's delivery started after {delay:?}");
}

#[tokio::test]
async fn an_alert_endpoint_that_hangs_holds_a_worker_for_the_alert_timeout_only() {
    let s = delivering(EngineConfig {
        timeout: Duration::from_secs(4),
        alert_timeout: Duration::from_millis(200),
        ..EngineConfig::default()
    })
    .await;
    let (tenant, token) = s.server.tenant_with_token();
    let alert = json!({"alertEndpoint": {"url": format!("{}/hang", s.receiver)}});
    s.webhook(tenant, &token, "/status/500", alert).await;
    let raised = s.raise(tenant).await;
    s.server.until_queue_is_empty().await;
    assert_eq!(s.recorded.to("/hang").len(), 1, "the notice was sent");
    assert!(raised.elapsed() < Duration::from_secs(2), "the delivery ended after {:?}", raised.elapsed());
}

#[tokio::test]
async fn retries_wait_at_least_the_minimum_interval() {
    let s =
        delivering(EngineConfig { min_retry_interval: Duration::from_millis(300), ..EngineConfig::default() }).await;
    let (tenant, token) = s.server.tenant_with_token();
    let retry = json!({"triggers": ["5xx"], "retryStrategy": {"type": "linear", "interval": 1, "attempts": 2}});
    s.webhook(tenant, &token, "/status/500", retry).await;
    s.raise(tenant).await;
    s.server.until_queue_is_empty().await;
    let times: Vec<Instant> = s.recorded.to("/status/500").iter().map(|r| r.at).collect();
    assert_eq!(times.len(), 3);
    for gap in times.windows(2).map(|w| w[1] - w[0]) {
        assert!(gap >= Duration::from_millis(300), "a retry after {gap:?}");
    }
}

#[tokio::test]
async fn one_destination_host_gets_at_most_its_rate_and_waiting_is_no_attempt() {
    let s =
        delivering(EngineConfig { per_host_per_second: NonZeroU32::new(2).unwrap(), ..EngineConfig::default() }).await;
    let (tenant, token) = s.server.tenant_with_token();
    // No retries: a delivery counted as a failed attempt would be dropped.
    s.webhook(tenant, &token, "/ok", json!({"triggers": []})).await;
    for _ in 0..4 {
        s.raise(tenant).await;
    }
    s.server.until_queue_is_empty().await;
    let times: Vec<Instant> = s.recorded.to("/ok").iter().map(|r| r.at).collect();
    assert_eq!(times.len(), 4, "every delivery was sent once");
    let spread = times[3] - times[0];
    assert!(spread >= Duration::from_millis(900), "four deliveries at 2 a second took {spread:?}");
}

#[tokio::test]
async fn a_tenant_queues_at_most_its_depth_of_deliveries() {
    let s = delivering(EngineConfig { queued_per_tenant: 2, ..EngineConfig::default() }).await;
    let (tenant, token) = s.server.tenant_with_token();
    for _ in 0..3 {
        s.webhook(tenant, &token, "/hang", json!({})).await;
    }
    let raised = |tenant: TenantLocator| {
        let response = s.server.intake(tenant);
        async move {
            let body: serde_json::Value =
                response.json(&json!({"type": "billing.invoice.generate"})).send().await.unwrap().json().await.unwrap();
            body["deliveries"].as_u64().unwrap()
        }
    };
    assert_eq!(raised(tenant).await, 2, "two of three queued");
    let (quiet, quiet_token) = s.server.tenant_with_token();
    s.webhook(quiet, &quiet_token, "/ok", json!({})).await;
    assert_eq!(raised(quiet).await, 1, "another tenant's queue is its own");
}

#[tokio::test]
async fn the_dev_intake_needs_a_token_of_the_tenant_that_may_raise() {
    let server = TestServer::start_delivering(EngineConfig::default()).await;
    let (tenant, all_api_grants) = server.tenant_with_token();
    let path = format!("{}/dev/{tenant}/events", server.base);
    let event = json!({"type": "a.b"});
    let anonymous = server.client.post(&path).json(&event).send().await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let other_tenant = server.token(common::tenant(), "dev.raise");
    for token in [all_api_grants, other_tenant] {
        let response = server.client.post(&path).bearer_auth(token).json(&event).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
    }
    assert_eq!(server.intake(tenant).json(&event).send().await.unwrap().status(), StatusCode::OK);
}

#[tokio::test]
async fn dev_routes_are_served_on_loopback_only() {
    // Bound, never accepted on: serve refuses before it accepts a connection.
    let everywhere = tokio::net::TcpListener::bind("0.0.0.0:0").await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let state = webhooks_server::AppState::new(Db::open(&dir.path().join("dev.sqlite3")).unwrap());
    let dev = RouterOptions { dev: true, ..RouterOptions::default() };
    let served =
        tokio::time::timeout(Duration::from_secs(2), webhooks_server::serve(everywhere, state, &dev, async {}))
            .await
            .expect("refused at once");
    assert!(served.unwrap_err().to_string().contains("--dev needs a loopback --listen address"));
}

#[tokio::test]
async fn the_engine_never_sends_to_the_servers_own_address() {
    let (address, recorded) = receiver::start("127.0.0.1:0".parse().unwrap()).await.unwrap();
    // The receiver stands for the server itself; `localhost` reaches it too.
    let s = delivering(EngineConfig { own_address: Some(address), ..EngineConfig::default() }).await;
    let (tenant, token) = s.server.tenant_with_token();
    for url in [format!("http://{address}/ok"), format!("http://localhost:{}/ok", address.port())] {
        let body = json!({"name": "self", "endpoint": {"url": url}, "failureHandling": {"divert": true},
                          "eventTypes": ["billing.invoice.generate"]});
        let hook = s.server.create(tenant, &token, body).await;
        s.raise(tenant).await;
        s.server.until_queue_is_empty().await;
        let diverted = s.server.diverted(tenant, &token, &hook).await;
        assert!(diverted[0].failure_message.contains("is this server itself; not allowed"), "{diverted:?}");
        let path = format!("/event/{tenant}/webhooks/{}", hook.locator);
        s.server.call(Method::DELETE, &path, &token).send().await.unwrap();
    }
    assert!(recorded.all().is_empty(), "nothing reached the server's own address");
}

#[tokio::test]
async fn a_backslash_in_a_urls_authority_is_refused_with_its_field_path() {
    let server = TestServer::start().await;
    let (tenant, token) = server.tenant_with_token();
    let two_hosts = "http://127.0.0.1\\@example.com/";
    let body = json!({"name": "n", "endpoint": {"url": two_hosts}});
    let response = server.call(Method::POST, &format!("/event/{tenant}/webhooks"), &token).json(&body).send().await;
    let (status, error) = error_of(response.unwrap()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(error.field_errors["endpoint.url"].contains("backslash"), "{:?}", error.field_errors);
    let hook = server.create(tenant, &token, webhook("n")).await;
    let update = json!({"failureHandling": {"alertEndpoint": {"url": two_hosts}}});
    let path = format!("/event/{tenant}/webhooks/{}", hook.locator);
    let (status, error) = error_of(server.call(Method::PATCH, &path, &token).json(&update).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(error.field_errors.contains_key("failureHandling.alertEndpoint.url"), "{:?}", error.field_errors);
}
