//! The HTTP surface: the state handlers share, the router and its middleware.
//!
//! Each resource is a file of handlers (`webhooks.rs`, `diverted.rs`, `events.rs`) whose
//! `#[utoipa::path]` attributes give both the routes and their OpenAPI entries, so
//! `/openapi.json` cannot drift from what is served; each `routes()` is merged by `api()`
//! here, so a new resource is a new file and a line there. `extract.rs` holds what the
//! handlers share (the caller, the path and query parsers, the body), and the error
//! answers they document are `crate::error`'s `Failures`, `NotFound` and `BodyFailures`.

mod dev;
mod diverted;
mod events;
mod extract;
pub(crate) use extract::address_key;
mod static_files;
mod webhooks;

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use webhooks_api::{ErrorBody, EventResponse, Locator, TenantLocator};

use crate::db::{Db, StoreError};
use crate::delivery::{self, EngineConfig, Wake};
use crate::error::ApiFailure;
use crate::limits::{Bounds, Limits};

/// Largest request body accepted (larger: 413).
pub const BODY_LIMIT_BYTES: usize = 1024 * 1024;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    db: Db,
    // Monotonic within the process, so that list order is creation order.
    locators: Arc<Mutex<ulid::Generator>>,
    // Wakes the delivery engine when deliveries are enqueued (none: no engine runs).
    engine: Option<Wake>,
    // Requests per token (429 with Retry-After beyond it); none: unlimited.
    limiter: Option<Arc<TokenLimiter>>,
    // Requests without a valid token, per client address; none: unlimited.
    address_limiter: Option<Arc<AddressLimiter>>,
    // Quotas, in-flight bounds and admission (issue #28).
    bounds: Arc<Bounds>,
    // Deliveries a tenant may have queued (the engine's `queued_per_tenant`).
    queued_per_tenant: usize,
}

/// A rate limiter keyed by token id.
type TokenLimiter = governor::DefaultKeyedRateLimiter<String>;

/// A rate limiter keyed by client address (an IPv6 client by its /64, which one host
/// holds); requests without a known address share one key.
type AddressLimiter = governor::DefaultKeyedRateLimiter<Option<IpAddr>>;

/// Client addresses the address limiter keeps before it forgets those whose quota is full again.
const ADDRESSES_KEPT: usize = 4096;

fn quota(per_second: NonZeroU32, burst: NonZeroU32) -> governor::Quota {
    governor::Quota::per_second(per_second).allow_burst(burst)
}

impl AppState {
    /// State over an open database, with no delivery engine and the default [`Limits`].
    pub fn new(db: Db) -> Self {
        Self {
            db,
            locators: Arc::new(Mutex::new(ulid::Generator::new())),
            engine: None,
            limiter: None,
            address_limiter: None,
            bounds: Arc::new(Bounds::new(Limits::default())),
            queued_per_tenant: EngineConfig::default().queued_per_tenant,
        }
    }

    /// The same state with other quotas, in-flight bounds and admission.
    pub fn with_limits(self, limits: Limits) -> Self {
        Self { bounds: Arc::new(Bounds::new(limits)), ..self }
    }

    /// Limits each token to `per_second` requests a second on average, `burst` at once.
    pub fn with_rate_limit(self, per_second: NonZeroU32, burst: NonZeroU32) -> Self {
        Self { limiter: Some(Arc::new(governor::RateLimiter::keyed(quota(per_second, burst)))), ..self }
    }

    /// Limits the requests without a valid token from each client address to `per_second`
    /// a second on average, `burst` at once (beyond: 429 instead of 401).
    pub fn with_unauthenticated_rate_limit(self, per_second: NonZeroU32, burst: NonZeroU32) -> Self {
        Self { address_limiter: Some(Arc::new(governor::RateLimiter::keyed(quota(per_second, burst)))), ..self }
    }

    /// Starts the delivery engine on this database (needs a Tokio runtime).
    pub fn with_engine(self, config: EngineConfig) -> Self {
        let queued_per_tenant = config.queued_per_tenant;
        let engine = Some(delivery::start(self.db.clone(), config));
        Self { engine, queued_per_tenant, ..self }
    }

    /// The database.
    pub fn db(&self) -> &Db {
        &self.db
    }

    fn wake_engine(&self) {
        if let Some(engine) = &self.engine {
            engine.now();
        }
    }

    /// Raises an event in a tenant: stores it and enqueues its deliveries (the dev intake
    /// and the demo's event generator). Without a request, the event is its own request;
    /// without a user, the user is the nil UUID.
    pub async fn raise_event(
        &self,
        tenant: TenantLocator,
        kind: String,
        data: serde_json::Map<String, serde_json::Value>,
        request: Option<Locator>,
        user: Option<uuid::Uuid>,
    ) -> Result<(EventResponse, usize), StoreError> {
        let mut event = EventResponse {
            locator: self.next_locator(),
            user_locator: user.unwrap_or_default(),
            request_id: request.unwrap_or_else(|| self.next_locator()),
            timestamp: String::new(), // the stream sets it with the final locator
            kind,
            data: serde_json::Value::Object(data),
        };
        let max_queued = self.queued_per_tenant;
        let (event, enqueued) = self
            .db
            .call(move |c| {
                let enqueued = delivery::raise_event(c, tenant, &mut event, max_queued)?;
                Ok((event, enqueued))
            })
            .await?;
        self.wake_engine();
        Ok((event, enqueued))
    }

    /// A new, time-ordered locator.
    fn next_locator(&self) -> Locator {
        let mut generator = self.locators.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        // Overflow needs 2^80 locators in one millisecond: move on to the next one.
        Locator::from_ulid(generator.generate().unwrap_or_else(ulid::Overflow::commit_overflow_increment))
    }
}

/// How the router is put together beyond the API itself.
#[derive(Debug, Clone)]
pub struct RouterOptions {
    /// Browser origins allowed to call the API (CORS); none: same origin only.
    pub cors_origins: Vec<HeaderValue>,
    /// A built dashboard (`dist/`) to serve as a static host would (`static_files.rs`).
    pub static_dir: Option<PathBuf>,
    /// Development routes: `POST /dev/{tenantLocator}/events` raises an event.
    pub dev: bool,
    /// How long an API request may take, body included (beyond: 408).
    pub request_timeout: Duration,
    /// How long a connection may take to send a request's headers, also while it is idle
    /// between requests (beyond: closed).
    pub header_read_timeout: Duration,
    /// How long one write of an answer may wait for the client to read (beyond: closed).
    pub write_timeout: Duration,
    /// Connections open at once, at most (beyond: closed at once).
    pub max_connections: usize,
    /// Connections open at once from one client address (an IPv6 client by its /64).
    pub max_connections_per_address: usize,
}

impl Default for RouterOptions {
    fn default() -> Self {
        Self {
            cors_origins: Vec::new(),
            static_dir: None,
            dev: false,
            request_timeout: Duration::from_secs(30),
            header_read_timeout: Duration::from_secs(10),
            write_timeout: Duration::from_secs(30),
            max_connections: 4096,
            max_connections_per_address: 64,
        }
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Socotra EC Webhooks API (reference server)", description = "The Webhooks, Diverted Events and Events API of Socotra Enterprise Core, as this project's contract describes it."),
    components(schemas(ErrorBody)),
    modifiers(&BearerAuth),
    security(("bearer" = []))
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The API's routes with their OpenAPI document: one line per resource file.
fn api() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let event = OpenApiRouter::new().merge(webhooks::routes()).merge(diverted::routes()).merge(events::routes());
    OpenApiRouter::with_openapi(ApiDoc::openapi()).nest("/event", event).split_for_parts()
}

/// The OpenAPI document of what the server serves.
pub fn openapi() -> utoipa::openapi::OpenApi {
    api().1
}

/// The whole HTTP application.
pub fn router(state: AppState, options: &RouterOptions) -> Router {
    let (api, document) = api();
    let document = Arc::new(document);
    let api = if options.dev { api.merge(dev::routes()) } else { api };
    let api = api
        .fallback(unknown_api_path)
        .route("/openapi.json", get(move || async move { Json(document.as_ref().clone()) }))
        .route("/healthz", get(|| async { "ok" }))
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, options.request_timeout));
    let api = if options.cors_origins.is_empty() {
        api
    } else {
        api.layer(
            CorsLayer::new()
                .allow_origin(AllowOrigin::list(options.cors_origins.clone()))
                .allow_methods([Method::GET, Method::POST, Method::PATCH, Method::DELETE])
                .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
                .expose_headers([
                    header::HeaderName::from_static(REQUEST_ID),
                    header::HeaderName::from_static(diverted::DIVERTED_DROPPED),
                    header::RETRY_AFTER,
                ])
                .max_age(Duration::from_secs(600)),
        )
    };
    // Answers carry secret header values: no cache (browser, proxy) may keep one.
    let api =
        api.layer(SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, HeaderValue::from_static("no-store")));
    let app = match &options.static_dir {
        Some(dir) => static_files::serve(api, dir, options.request_timeout),
        None => api,
    };
    app.layer(middleware::from_fn(log_request)).with_state(state)
}

const REQUEST_ID: &str = "x-request-id";

/// Gives each request an id (or keeps the caller's), and logs one line per request:
/// id, method, path, status, duration. Headers (and so tokens) are never logged.
async fn log_request(mut request: Request, next: Next) -> Response {
    let id = request
        .headers()
        .get(REQUEST_ID)
        .and_then(|value| value.to_str().ok())
        .filter(|value| !value.is_empty() && value.len() <= 64 && value.chars().all(|c| c.is_ascii_graphic()))
        .map_or_else(|| ulid::Ulid::generate().to_string(), str::to_owned);
    let value = HeaderValue::from_str(&id).expect("a request id is visible ASCII");
    request.headers_mut().insert(REQUEST_ID, value.clone());
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let started = Instant::now();
    let mut response = next.run(request).await;
    response.headers_mut().insert(REQUEST_ID, value);
    tracing::info!(
        request_id = %id,
        method = %method,
        path = %path,
        status = response.status().as_u16(),
        duration_ms = started.elapsed().as_secs_f64() * 1000.0,
        "request"
    );
    response
}

async fn unknown_api_path() -> ApiFailure {
    ApiFailure::not_found("no such API path")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openapi_describes_every_route() {
        let document = openapi();
        let paths: Vec<&str> = document.paths.paths.keys().map(String::as_str).collect();
        assert_eq!(
            paths,
            [
                "/event/{tenantLocator}/events/list",
                "/event/{tenantLocator}/events/request/{requestLocator}",
                "/event/{tenantLocator}/events/{eventLocator}",
                "/event/{tenantLocator}/webhooks",
                "/event/{tenantLocator}/webhooks/list",
                "/event/{tenantLocator}/webhooks/{webhookLocator}",
                "/event/{tenantLocator}/webhooks/{webhookLocator}/diverted",
                "/event/{tenantLocator}/webhooks/{webhookLocator}/diverted/{eventLocator}",
                "/event/{tenantLocator}/webhooks/{webhookLocator}/diverted/{eventLocator}/resend",
                "/event/{tenantLocator}/webhooks/{webhookLocator}/unsuspend",
            ]
        );
    }

    #[test]
    fn openapi_lists_only_the_failures_a_route_can_give() {
        let document = serde_json::to_value(openapi()).unwrap();
        let statuses = |method: &str, path: &str| {
            let responses = document["paths"][format!("/event/{{tenantLocator}}/webhooks{path}")][method]["responses"]
                .as_object()
                .unwrap_or_else(|| panic!("{method} {path} is documented"));
            for (status, response) in responses.iter().filter(|(status, _)| status.as_str() >= "400") {
                let schema = &response["content"]["application/json"]["schema"]["$ref"];
                assert_eq!(schema, "#/components/schemas/ErrorBody", "{method} {path} {status}");
            }
            responses.keys().map(String::as_str).collect::<Vec<_>>().join(" ")
        };
        assert_eq!(statuses("get", "/list"), "200 400 401 403 429 500 503");
        assert_eq!(statuses("post", ""), "200 400 401 403 409 413 415 429 500 503");
        assert_eq!(statuses("get", "/{webhookLocator}"), "200 400 401 403 404 429 500 503");
        assert_eq!(statuses("patch", "/{webhookLocator}"), "200 400 401 403 404 413 415 429 500 503");
        assert_eq!(statuses("delete", "/{webhookLocator}"), "204 400 401 403 404 429 500 503");
        assert_eq!(statuses("get", "/{webhookLocator}/diverted"), "200 400 401 403 404 429 500 503");
        let retry_after =
            &document["paths"]["/event/{tenantLocator}/webhooks/list"]["get"]["responses"]["429"]["headers"];
        assert!(retry_after["Retry-After"].is_object(), "a 429 documents its Retry-After");
    }
}
