//! The HTTP surface: routes, authentication, and the handlers of the Webhooks and
//! Diverted Events API. Routes and their OpenAPI description come from the same
//! `#[utoipa::path]` attributes, so `/openapi.json` cannot drift from what is served.

use std::collections::BTreeMap;
use std::num::NonZeroU32;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::rejection::JsonRejection;
use axum::extract::{DefaultBodyLimit, FromRequestParts, Path, RawQuery, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use tower::ServiceExt;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::services::{ServeDir, ServeFile};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use webhooks_api::{
    apply, CreateWebhookRequest, DivertedEventResponse, ErrorBody, EventResponse, Locator, TenantLocator,
    UpdateWebhookRequest, WebhookResponse,
};

use crate::auth::{self, Principal};
use crate::db::{Db, StoreError};
use crate::delivery::{self, EngineConfig, Wake};
use crate::error::ApiFailure;
use crate::store::{self, Page, WebhookFilter};

/// Largest request body accepted (larger: 413).
pub const BODY_LIMIT_BYTES: usize = 1024 * 1024;
/// Largest `count` accepted.
pub const MAX_PAGE_SIZE: u32 = 1000;

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
}

/// A rate limiter keyed by token id.
type TokenLimiter = governor::DefaultKeyedRateLimiter<String>;

impl AppState {
    /// State over an open database, with no delivery engine.
    pub fn new(db: Db) -> Self {
        Self { db, locators: Arc::new(Mutex::new(ulid::Generator::new())), engine: None, limiter: None }
    }

    /// Limits each token to `per_second` requests a second on average, `burst` at once.
    pub fn with_rate_limit(self, per_second: NonZeroU32, burst: NonZeroU32) -> Self {
        let quota = governor::Quota::per_second(per_second).allow_burst(burst);
        Self { limiter: Some(Arc::new(governor::RateLimiter::keyed(quota))), ..self }
    }

    /// Starts the delivery engine on this database (needs a Tokio runtime).
    pub fn with_engine(self, config: EngineConfig) -> Self {
        let engine = Some(delivery::start(self.db.clone(), config));
        Self { engine, ..self }
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
    /// and the demo's event generator).
    pub async fn raise_event(
        &self,
        tenant: TenantLocator,
        kind: String,
        data: serde_json::Map<String, serde_json::Value>,
    ) -> Result<(EventResponse, usize), StoreError> {
        let event = EventResponse {
            locator: self.next_locator(),
            user_locator: uuid::Uuid::nil(),
            request_id: self.next_locator(),
            timestamp: crate::timestamp::now(),
            kind,
            data,
        };
        let stored = event.clone();
        let enqueued = self.db.call(move |c| delivery::raise_event(c, tenant, &stored)).await?;
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
#[derive(Debug, Clone, Default)]
pub struct RouterOptions {
    /// Browser origins allowed to call the API (CORS); none: same origin only.
    pub cors_origins: Vec<HeaderValue>,
    /// A built dashboard (`dist/`) to serve, with `index.html` for unknown paths.
    pub static_dir: Option<PathBuf>,
    /// Development routes: `POST /dev/{tenantLocator}/events` raises an event.
    pub dev: bool,
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Socotra EC Webhooks API (reference server)", description = "The Webhooks and Diverted Events API of Socotra Enterprise Core, as this project's contract describes it."),
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

/// The API's routes with their OpenAPI document.
fn api() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let event = OpenApiRouter::new()
        .routes(routes!(list_webhooks))
        .routes(routes!(create_webhook))
        .routes(routes!(fetch_webhook, update_webhook, delete_webhook))
        .routes(routes!(unsuspend_webhook))
        .routes(routes!(list_diverted))
        .routes(routes!(fetch_diverted, delete_diverted))
        .routes(routes!(resend_diverted));
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
    let api = if options.dev { api.route("/dev/{tenant}/events", axum::routing::post(raise_event)) } else { api };
    let api = api
        .fallback(unknown_api_path)
        .route("/openapi.json", get(move || async move { Json(document.as_ref().clone()) }))
        .route("/healthz", get(|| async { "ok" }))
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES));
    let api = if options.cors_origins.is_empty() {
        api
    } else {
        api.layer(
            CorsLayer::new()
                .allow_origin(AllowOrigin::list(options.cors_origins.clone()))
                .allow_methods([Method::GET, Method::POST, Method::PATCH, Method::DELETE])
                .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
                .expose_headers([header::HeaderName::from_static(REQUEST_ID), header::RETRY_AFTER])
                .max_age(Duration::from_secs(600)),
        )
    };
    let app = match &options.static_dir {
        Some(dir) => {
            let files = ServeDir::new(dir).fallback(ServeFile::new(dir.join("index.html")));
            api.fallback(move |request: Request| {
                let files = files.clone();
                async move {
                    // Unknown API paths still answer JSON 404s; any other path is the app.
                    if request.uri().path().starts_with("/event/") {
                        return unknown_api_path().await.into_response();
                    }
                    match files.oneshot(request).await {
                        Ok(response) => response.into_response(),
                        Err(never) => match never {},
                    }
                }
            })
        }
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

/// The authenticated caller of a request.
pub struct Caller(Principal);

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiFailure;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim().to_owned())
            .filter(|token| !token.is_empty())
            .ok_or_else(ApiFailure::unauthenticated)?;
        let principal = state
            .db
            .read(move |connection| auth::authenticate(connection, &token))
            .await?
            .ok_or_else(ApiFailure::unauthenticated)?;
        if let Some(limiter) = &state.limiter {
            if let Err(not_until) = limiter.check_key(&principal.token_id) {
                let wait = not_until.wait_time_from(governor::clock::Clock::now(limiter.clock()));
                return Err(ApiFailure::rate_limited(wait.as_secs() + 1));
            }
        }
        Ok(Caller(principal))
    }
}

/// A path locator that does not parse: 400 naming the parameter.
fn bad_path(parameter: &str, error: webhooks_api::LocatorError) -> ApiFailure {
    ApiFailure::invalid(error.to_string(), BTreeMap::from([(parameter.to_owned(), error.to_string())]))
}

/// Parses a webhook or event locator of the path.
fn locator(parameter: &str, text: &str) -> Result<Locator, ApiFailure> {
    text.parse().map_err(|error| bad_path(parameter, error))
}

impl Caller {
    /// Parses the path's tenant (400), then checks the token's tenant and grants (403).
    fn authorize(&self, tenant: &str, needs: &[&str]) -> Result<TenantLocator, ApiFailure> {
        let tenant: TenantLocator = tenant.parse().map_err(|error| bad_path("tenantLocator", error))?;
        if tenant != self.0.tenant {
            return Err(ApiFailure::new(StatusCode::FORBIDDEN, format!("this token has no access to tenant {tenant}")));
        }
        if let Some(missing) = needs.iter().find(|need| !self.0.grants.iter().any(|grant| grant.as_str() == **need)) {
            return Err(ApiFailure::new(StatusCode::FORBIDDEN, format!("this token lacks the permission {missing}")));
        }
        Ok(tenant)
    }
}

fn parse_number(key: &str, value: &str, max: u32, errors: &mut BTreeMap<String, String>) -> Option<u32> {
    match value.parse::<u32>() {
        Ok(n) if n <= max => Some(n),
        _ => {
            errors.insert(key.to_owned(), format!("must be a whole number from 0 to {max}"));
            None
        }
    }
}

fn parse_boolean(key: &str, value: &str, errors: &mut BTreeMap<String, String>) -> Option<bool> {
    match value {
        "true" => Some(true),
        "false" => Some(false),
        _ => {
            errors.insert(key.to_owned(), "must be true or false".to_owned());
            None
        }
    }
}

/// Reads `offset` and `count` into `page`; true when `key` was one of them.
fn parse_page_parameter(page: &mut Page, key: &str, value: &str, errors: &mut BTreeMap<String, String>) -> bool {
    match key {
        "offset" => page.offset = parse_number(key, value, u32::MAX, errors).unwrap_or(0),
        "count" => page.count = parse_number(key, value, MAX_PAGE_SIZE, errors).unwrap_or(0),
        _ => return false,
    }
    true
}

fn invalid_parameters(errors: BTreeMap<String, String>) -> Result<(), ApiFailure> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiFailure::invalid("invalid query parameters: see fieldErrors", errors))
    }
}

/// Parses a query with only `offset` and `count`.
pub fn parse_page(query: &str) -> Result<Page, ApiFailure> {
    let mut page = Page::default();
    let mut errors = BTreeMap::new();
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        parse_page_parameter(&mut page, &key, &value, &mut errors);
    }
    invalid_parameters(errors).map(|()| page)
}

/// Parses the list endpoint's query string into a filter, naming each bad parameter.
pub fn parse_filter(query: &str) -> Result<WebhookFilter, ApiFailure> {
    let mut filter = WebhookFilter::default();
    let mut errors = BTreeMap::new();
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        if parse_page_parameter(&mut filter.page, &key, &value, &mut errors) {
            continue;
        }
        match &*key {
            "name" => filter.name = Some(value.into_owned()).filter(|name| !name.is_empty()),
            "enabled" => filter.enabled = parse_boolean("enabled", &value, &mut errors),
            "suspended" => filter.suspended = parse_boolean("suspended", &value, &mut errors),
            "active" => filter.active = parse_boolean("active", &value, &mut errors),
            "eventTypes" => {
                filter.event_types.extend(value.split(',').map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned))
            }
            _ => {} // EC has more parameters (e.g. `extended`); unknown ones are ignored.
        }
    }
    invalid_parameters(errors).map(|()| filter)
}

fn webhook_not_found(locator: Locator) -> ApiFailure {
    ApiFailure::not_found(format!("no webhook {locator} in this tenant"))
}

/// 204 when the webhook was there, else 404.
fn no_content_if_found(found: bool, webhook: Locator) -> Result<StatusCode, ApiFailure> {
    if found {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(webhook_not_found(webhook))
    }
}

/// Loads a webhook of the tenant, or answers 404.
async fn existing_webhook(
    state: &AppState,
    tenant: TenantLocator,
    webhook: Locator,
) -> Result<WebhookResponse, ApiFailure> {
    state.db.read(move |c| store::get_webhook(c, tenant, webhook)).await?.ok_or_else(|| webhook_not_found(webhook))
}

/// Fetches one webhook.
#[utoipa::path(get, path = "/{tenantLocator}/webhooks/{webhookLocator}", tag = "webhooks",
    params(("tenantLocator" = String, Path, format = "uuid"), ("webhookLocator" = String, Path, format = "ulid")),
    responses((status = 200, body = WebhookResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn fetch_webhook(
    State(state): State<AppState>,
    caller: Caller,
    Path((tenant, webhook)): Path<(String, String)>,
) -> Result<Json<WebhookResponse>, ApiFailure> {
    let tenant = caller.authorize(&tenant, &["webhooks.read"])?;
    let webhook = locator("webhookLocator", &webhook)?;
    Ok(Json(existing_webhook(&state, tenant, webhook).await?))
}

/// Lists a tenant's webhooks, filtered, in creation order.
#[utoipa::path(get, path = "/{tenantLocator}/webhooks/list", tag = "webhooks",
    params(("tenantLocator" = String, Path, format = "uuid"),
        ("offset" = Option<u32>, Query), ("count" = Option<u32>, Query, maximum = 1000),
        ("name" = Option<String>, Query, description = "case-insensitive substring"),
        ("enabled" = Option<bool>, Query), ("suspended" = Option<bool>, Query),
        ("active" = Option<bool>, Query, description = "enabled and not suspended"),
        ("eventTypes" = Option<Vec<String>>, Query, description = "repeated or comma-separated; any of them")),
    responses((status = 200, body = Vec<WebhookResponse>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn list_webhooks(
    State(state): State<AppState>,
    caller: Caller,
    Path(tenant): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Json<Vec<WebhookResponse>>, ApiFailure> {
    let tenant = caller.authorize(&tenant, &["webhooks.read", "webhooks.list"])?;
    let filter = parse_filter(query.as_deref().unwrap_or(""))?;
    let page = state.db.read(move |c| store::list_webhooks(c, tenant, &filter)).await?;
    Ok(Json(page))
}

/// Creates a webhook.
#[utoipa::path(post, path = "/{tenantLocator}/webhooks", tag = "webhooks",
    params(("tenantLocator" = String, Path, format = "uuid")),
    request_body = CreateWebhookRequest,
    responses((status = 200, body = WebhookResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody)))]
async fn create_webhook(
    State(state): State<AppState>,
    caller: Caller,
    Path(tenant): Path<String>,
    body: Result<Json<CreateWebhookRequest>, JsonRejection>,
) -> Result<Json<WebhookResponse>, ApiFailure> {
    let tenant = caller.authorize(&tenant, &["webhooks.write"])?;
    let Json(request) = body?;
    let webhook = request.into_valid_webhook(state.next_locator())?;
    let stored = webhook.clone();
    state
        .db
        .call(move |c| {
            let transaction = c.transaction()?;
            store::put_webhook(&transaction, tenant, &stored)?;
            Ok(transaction.commit()?)
        })
        .await?;
    Ok(Json(webhook))
}

/// Updates a webhook with EC's add/remove semantics (removals first).
#[utoipa::path(patch, path = "/{tenantLocator}/webhooks/{webhookLocator}", tag = "webhooks",
    params(("tenantLocator" = String, Path, format = "uuid"), ("webhookLocator" = String, Path, format = "ulid")),
    request_body = UpdateWebhookRequest,
    responses((status = 200, body = WebhookResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody)))]
async fn update_webhook(
    State(state): State<AppState>,
    caller: Caller,
    Path((tenant, webhook)): Path<(String, String)>,
    body: Result<Json<UpdateWebhookRequest>, JsonRejection>,
) -> Result<Json<WebhookResponse>, ApiFailure> {
    let tenant = caller.authorize(&tenant, &["webhooks.write"])?;
    let webhook = locator("webhookLocator", &webhook)?;
    let Json(update) = body?;
    let updated = state
        .db
        .call(move |c| {
            let transaction = c.transaction()?;
            let Some(current) = store::get_webhook(&transaction, tenant, webhook)? else {
                return Ok(Err(webhook_not_found(webhook)));
            };
            let next = match apply(&current, &update) {
                Ok(next) => next,
                Err(errors) => return Ok(Err(errors.into())),
            };
            store::put_webhook(&transaction, tenant, &next)?;
            transaction.commit()?;
            Ok(Ok(next))
        })
        .await??;
    Ok(Json(updated))
}

/// Clears a webhook's suspension (idempotent).
#[utoipa::path(patch, path = "/{tenantLocator}/webhooks/{webhookLocator}/unsuspend", tag = "webhooks",
    params(("tenantLocator" = String, Path, format = "uuid"), ("webhookLocator" = String, Path, format = "ulid")),
    responses((status = 204), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn unsuspend_webhook(
    State(state): State<AppState>,
    caller: Caller,
    Path((tenant, webhook)): Path<(String, String)>,
) -> Result<StatusCode, ApiFailure> {
    let tenant = caller.authorize(&tenant, &["webhooks.write"])?;
    let webhook = locator("webhookLocator", &webhook)?;
    let found = state
        .db
        .call(move |c| {
            let transaction = c.transaction()?;
            let Some(mut current) = store::get_webhook(&transaction, tenant, webhook)? else { return Ok(false) };
            if current.suspended {
                current.suspended = false;
                current.suspended_at = None;
                store::put_webhook(&transaction, tenant, &current)?;
                transaction.commit()?;
            }
            Ok(true)
        })
        .await?;
    no_content_if_found(found, webhook)
}

/// Deletes a webhook, its diverted events and its pending deliveries.
#[utoipa::path(delete, path = "/{tenantLocator}/webhooks/{webhookLocator}", tag = "webhooks",
    params(("tenantLocator" = String, Path, format = "uuid"), ("webhookLocator" = String, Path, format = "ulid")),
    responses((status = 204), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn delete_webhook(
    State(state): State<AppState>,
    caller: Caller,
    Path((tenant, webhook)): Path<(String, String)>,
) -> Result<StatusCode, ApiFailure> {
    let tenant = caller.authorize(&tenant, &["webhooks.write"])?;
    let webhook = locator("webhookLocator", &webhook)?;
    let found = state.db.call(move |c| store::delete_webhook(c, tenant, webhook)).await?;
    no_content_if_found(found, webhook)
}

/// Checks a diverted-events call: the grants, the path's locators, and that the webhook exists.
async fn diverted_target(
    state: &AppState,
    caller: &Caller,
    needs: &[&str],
    tenant: &str,
    webhook: &str,
) -> Result<(TenantLocator, Locator), ApiFailure> {
    let tenant = caller.authorize(tenant, needs)?;
    let webhook = locator("webhookLocator", webhook)?;
    existing_webhook(state, tenant, webhook).await?;
    Ok((tenant, webhook))
}

fn diverted_not_found(event: Locator) -> ApiFailure {
    ApiFailure::not_found(format!("no diverted event {event} for this webhook"))
}

/// Lists a webhook's diverted events, oldest first.
#[utoipa::path(get, path = "/{tenantLocator}/webhooks/{webhookLocator}/diverted", tag = "diverted-events",
    params(("tenantLocator" = String, Path, format = "uuid"), ("webhookLocator" = String, Path, format = "ulid"),
        ("offset" = Option<u32>, Query), ("count" = Option<u32>, Query, maximum = 1000)),
    responses((status = 200, body = Vec<DivertedEventResponse>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn list_diverted(
    State(state): State<AppState>,
    caller: Caller,
    Path((tenant, webhook)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> Result<Json<Vec<DivertedEventResponse>>, ApiFailure> {
    let (tenant, webhook) =
        diverted_target(&state, &caller, &["diverted-events.read", "diverted-events.list"], &tenant, &webhook).await?;
    let page = parse_page(query.as_deref().unwrap_or(""))?;
    Ok(Json(state.db.read(move |c| store::list_diverted(c, tenant, webhook, page)).await?))
}

/// Fetches one diverted event.
#[utoipa::path(get, path = "/{tenantLocator}/webhooks/{webhookLocator}/diverted/{eventLocator}", tag = "diverted-events",
    params(("tenantLocator" = String, Path, format = "uuid"), ("webhookLocator" = String, Path, format = "ulid"), ("eventLocator" = String, Path, format = "ulid")),
    responses((status = 200, body = DivertedEventResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn fetch_diverted(
    State(state): State<AppState>,
    caller: Caller,
    Path((tenant, webhook, event)): Path<(String, String, String)>,
) -> Result<Json<DivertedEventResponse>, ApiFailure> {
    let (tenant, webhook) = diverted_target(&state, &caller, &["diverted-events.read"], &tenant, &webhook).await?;
    let event = locator("eventLocator", &event)?;
    state
        .db
        .read(move |c| store::get_diverted(c, tenant, webhook, event))
        .await?
        .map(Json)
        .ok_or_else(|| diverted_not_found(event))
}

/// Sends a diverted event again; the diverted row goes once the delivery succeeds.
#[utoipa::path(post, path = "/{tenantLocator}/webhooks/{webhookLocator}/diverted/{eventLocator}/resend", tag = "diverted-events",
    params(("tenantLocator" = String, Path, format = "uuid"), ("webhookLocator" = String, Path, format = "ulid"), ("eventLocator" = String, Path, format = "ulid")),
    responses((status = 200, description = "queued for delivery: {}"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn resend_diverted(
    State(state): State<AppState>,
    caller: Caller,
    Path((tenant, webhook, event)): Path<(String, String, String)>,
) -> Result<Json<serde_json::Value>, ApiFailure> {
    let (tenant, webhook) = diverted_target(&state, &caller, &["diverted-events.resend"], &tenant, &webhook).await?;
    let event = locator("eventLocator", &event)?;
    let queued = state
        .db
        .call(move |c| {
            if store::get_diverted(c, tenant, webhook, event)?.is_none() {
                return Ok(false);
            }
            store::enqueue_delivery(c, tenant, webhook, event, crate::timestamp::unix_ms_now(), true)?;
            Ok(true)
        })
        .await?;
    state.wake_engine();
    if queued {
        Ok(Json(serde_json::json!({})))
    } else {
        Err(diverted_not_found(event))
    }
}

/// Deletes a diverted event for good.
#[utoipa::path(delete, path = "/{tenantLocator}/webhooks/{webhookLocator}/diverted/{eventLocator}", tag = "diverted-events",
    params(("tenantLocator" = String, Path, format = "uuid"), ("webhookLocator" = String, Path, format = "ulid"), ("eventLocator" = String, Path, format = "ulid")),
    responses((status = 200, description = "deleted: {}"), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn delete_diverted(
    State(state): State<AppState>,
    caller: Caller,
    Path((tenant, webhook, event)): Path<(String, String, String)>,
) -> Result<Json<serde_json::Value>, ApiFailure> {
    let (tenant, webhook) = diverted_target(&state, &caller, &["diverted-events.delete"], &tenant, &webhook).await?;
    let event = locator("eventLocator", &event)?;
    if state.db.call(move |c| store::delete_diverted(c, tenant, webhook, event)).await? {
        Ok(Json(serde_json::json!({})))
    } else {
        Err(diverted_not_found(event))
    }
}

/// The body of `POST /dev/{tenantLocator}/events`.
#[derive(serde::Deserialize)]
struct RaiseEvent {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    data: serde_json::Map<String, serde_json::Value>,
}

/// Development only (`--dev`): raises an event, as EC would after a transaction.
async fn raise_event(
    State(state): State<AppState>,
    Path(tenant): Path<String>,
    body: Result<Json<RaiseEvent>, JsonRejection>,
) -> Result<Json<serde_json::Value>, ApiFailure> {
    let tenant: TenantLocator = tenant.parse().map_err(|error| bad_path("tenantLocator", error))?;
    let Json(request) = body?;
    if let Err(message) = webhooks_api::validate::event_type(&request.kind) {
        return Err(ApiFailure::invalid("invalid event", BTreeMap::from([("type".to_owned(), message)])));
    }
    let (event, deliveries) = state.raise_event(tenant, request.kind, request.data).await?;
    Ok(Json(serde_json::json!({ "event": event, "deliveries": deliveries })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_defaults_and_parses_every_parameter() {
        assert_eq!(parse_filter("").unwrap(), WebhookFilter::default());
        let filter = parse_filter(
            "offset=5&count=10&name=Bill%20ing&enabled=true&suspended=false&active=true&eventTypes=a,b&eventTypes=c&extended=true",
        )
        .unwrap();
        assert_eq!(filter.page, Page { offset: 5, count: 10 });
        assert_eq!(filter.name.as_deref(), Some("Bill ing"));
        assert_eq!((filter.enabled, filter.suspended, filter.active), (Some(true), Some(false), Some(true)));
        assert_eq!(filter.event_types, ["a", "b", "c"]);
    }

    #[test]
    fn filter_rejects_bad_values_naming_them() {
        let failure = parse_filter("count=1001&offset=-1&enabled=yes").unwrap_err();
        assert_eq!(failure.status, StatusCode::BAD_REQUEST);
        assert_eq!(failure.field_errors.keys().collect::<Vec<_>>(), ["count", "enabled", "offset"]);
        assert!(parse_filter("count=1000").is_ok());
        assert_eq!(parse_page("count=0&offset=3").unwrap(), Page { offset: 3, count: 0 });
        assert!(parse_page("count=x").is_err());
    }

    #[test]
    fn openapi_describes_every_route() {
        let document = openapi();
        let paths: Vec<&str> = document.paths.paths.keys().map(String::as_str).collect();
        assert_eq!(
            paths,
            [
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
}
