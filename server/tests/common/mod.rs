//! A reference server on a loopback port with a temporary database, for integration tests.

use std::collections::BTreeSet;

use reqwest::{Client, RequestBuilder};
use webhooks_api::TenantLocator;
use webhooks_server::db::Db;
use webhooks_server::{auth, AppState, RouterOptions};

/// A running server and what tests need to call it.
pub struct TestServer {
    pub base: String,
    pub db: Db,
    pub client: Client,
    _dir: tempfile::TempDir,
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
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
        let state = AppState::new(db.clone());
        tokio::spawn(async move {
            webhooks_server::serve(listener, state, &options, async {
                let _ = stopped.await;
            })
            .await
            .unwrap();
        });
        Self { base, db, client: Client::new(), _dir: dir, _shutdown: shutdown }
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
