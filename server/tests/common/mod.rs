//! A reference server on a loopback port with a temporary database, for integration tests.
// Each test crate uses a different part of these helpers.
#![allow(dead_code)]

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use reqwest::{Client, RequestBuilder};
use webhooks_api::{DivertedEventResponse, EventResponse, TenantLocator, WebhookResponse};
use webhooks_server::db::Db;
use webhooks_server::delivery::EngineConfig;
use webhooks_server::{auth, AppState, RouterOptions};

/// A running server and what tests need to call it.
pub struct TestServer {
    pub base: String,
    pub db: Db,
    pub client: Client,
    pub dir: tempfile::TempDir,
    _shutdown: tokio::sync::oneshot::Sender<()>,
}

impl TestServer {
    /// Starts a server with default options.
    pub async fn start() -> Self {
        Self::start_with(RouterOptions::default()).await
    }

    /// Starts a server with the given router options.
    pub async fn start_with(options: RouterOptions) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("api.sqlite3")).unwrap();
        Self::start_on(dir, db, options, |state| state).await
    }

    /// Starts a server with `--dev` routes and a delivery engine.
    pub async fn start_delivering(engine: EngineConfig) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("api.sqlite3")).unwrap();
        let dev = RouterOptions { dev: true, ..Default::default() };
        Self::start_on(dir, db, dev, |state| state.with_engine(engine)).await
    }

    /// Starts a server on an open database (kept in `dir`), its state set up by `configure`.
    pub async fn start_on(
        dir: tempfile::TempDir,
        db: Db,
        options: RouterOptions,
        configure: impl FnOnce(AppState) -> AppState,
    ) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
        let state = configure(AppState::new(db.clone()));
        tokio::spawn(async move {
            webhooks_server::serve(listener, state, &options, async {
                let _ = stopped.await;
            })
            .await
            .unwrap();
        });
        Self { base, db, client: Client::new(), dir, _shutdown: shutdown }
    }

    /// Issues a token for `tenant` with these grants.
    pub fn token(&self, tenant: TenantLocator, grants: &str) -> String {
        let grants: BTreeSet<auth::Grant> = auth::parse_grants(grants).unwrap();
        self.db.blocking(|c| auth::issue(c, tenant, &grants, "test")).unwrap().1
    }

    /// A request to `path` with a bearer token.
    pub fn call(&self, method: reqwest::Method, path: &str, token: &str) -> RequestBuilder {
        self.client.request(method, format!("{}{path}", self.base)).bearer_auth(token)
    }
}

/// A new random tenant.
pub fn tenant() -> TenantLocator {
    TenantLocator::from_uuid(uuid::Uuid::new_v4())
}

/// Every grant the server knows, comma-separated.
pub const ALL_GRANTS: &str = "webhooks.read,webhooks.list,webhooks.write,diverted-events.read,diverted-events.list,diverted-events.resend,diverted-events.delete,events.read,events.list";

impl TestServer {
    /// A new tenant with an all-permissions token.
    pub fn tenant_with_token(&self) -> (TenantLocator, String) {
        let tenant = tenant();
        (tenant, self.token(tenant, ALL_GRANTS))
    }

    /// Creates a webhook from a JSON body; panics unless the server says 200.
    pub async fn create(
        &self,
        tenant: TenantLocator,
        token: &str,
        body: serde_json::Value,
    ) -> webhooks_api::WebhookResponse {
        let response = self
            .call(reqwest::Method::POST, &format!("/event/{tenant}/webhooks"), token)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), reqwest::StatusCode::OK, "create: {}", response.text().await.unwrap());
        response.json().await.unwrap()
    }

    /// GETs `path` and decodes a 200 answer.
    pub async fn get<T: serde::de::DeserializeOwned>(&self, path: &str, token: &str) -> T {
        let response = self.call(reqwest::Method::GET, path, token).send().await.unwrap();
        assert_eq!(response.status(), reqwest::StatusCode::OK, "GET {path}: {}", response.text().await.unwrap());
        response.json().await.unwrap()
    }
}

/// The delivery engine's side, for a server started with [`TestServer::start_delivering`].
impl TestServer {
    /// Raises an event of `kind` in `tenant` (the `--dev` route); the event as stored.
    pub async fn raise(&self, tenant: TenantLocator, kind: &str) -> EventResponse {
        self.raise_with(tenant, serde_json::json!({"type": kind})).await
    }

    /// Raises the event `body` describes (type, and optionally data, request, user) in
    /// `tenant` through the `--dev` route (the server's own path, `AppState::raise_event`);
    /// the event as stored.
    pub async fn raise_with(&self, tenant: TenantLocator, body: serde_json::Value) -> EventResponse {
        let response = self.intake(tenant).json(&body).send().await.unwrap();
        assert_eq!(response.status(), reqwest::StatusCode::OK, "raise: {}", response.text().await.unwrap());
        let body: serde_json::Value = response.json().await.unwrap();
        serde_json::from_value(body["event"].clone()).unwrap()
    }

    /// A `POST` to the dev intake of `tenant`, with a new token that may raise there.
    pub fn intake(&self, tenant: TenantLocator) -> RequestBuilder {
        let token = self.token(tenant, "dev.raise");
        self.client.post(format!("{}/dev/{tenant}/events", self.base)).bearer_auth(token)
    }

    /// The diverted events of `webhook`.
    pub async fn diverted(
        &self,
        tenant: TenantLocator,
        token: &str,
        webhook: &WebhookResponse,
    ) -> Vec<DivertedEventResponse> {
        self.get(&format!("/event/{tenant}/webhooks/{}/diverted", webhook.locator), token).await
    }

    /// How many deliveries the outbox holds.
    pub fn queued(&self) -> i64 {
        self.db.blocking(|c| Ok(c.query_row("SELECT count(*) FROM deliveries", [], |r| r.get(0))?)).unwrap()
    }

    /// Waits (up to 10 s) until every delivery has ended.
    pub async fn until_queue_is_empty(&self) {
        let started = Instant::now();
        while self.queued() > 0 {
            assert!(started.elapsed() < Duration::from_secs(10), "deliveries still queued after 10 s");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// The status and error body of a failed call.
pub async fn error_of(response: reqwest::Response) -> (reqwest::StatusCode, webhooks_api::ErrorBody) {
    let status = response.status();
    let text = response.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or_else(|e| panic!("error body {text:?} is not JSON: {e}"));
    (status, body)
}
