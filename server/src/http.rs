//! The HTTP surface: routes, authentication, and the handlers of the Webhooks API.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::rejection::JsonRejection;
use axum::extract::{DefaultBodyLimit, FromRequestParts, Path, RawQuery, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::services::{ServeDir, ServeFile};
use tower_http::trace::TraceLayer;
use webhooks_api::{CreateWebhookRequest, Locator, TenantLocator, WebhookResponse};

use crate::auth::{self, Principal};
use crate::db::Db;
use crate::error::ApiFailure;
use crate::store::{self, WebhookFilter};

/// Largest request body accepted (larger: 413).
pub const BODY_LIMIT_BYTES: usize = 1024 * 1024;
/// `count` when the caller gives none.
pub const DEFAULT_PAGE_SIZE: u32 = 100;
/// Largest `count` accepted.
pub const MAX_PAGE_SIZE: u32 = 1000;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    db: Db,
    // Monotonic within the process, so that list order is creation order.
    locators: Arc<Mutex<ulid::Generator>>,
}

impl AppState {
    /// State over an open database.
    pub fn new(db: Db) -> Self {
        Self {
            db,
            locators: Arc::new(Mutex::new(ulid::Generator::new())),
        }
    }

    /// A new, time-ordered locator.
    fn next_locator(&self) -> Locator {
        let mut generator = self
            .locators
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // Overflow needs 2^80 locators in one millisecond: move on to the next one.
        Locator::from_ulid(
            generator
                .generate()
                .unwrap_or_else(ulid::Overflow::commit_overflow_increment),
        )
    }
}

/// How the router is put together beyond the API itself.
#[derive(Debug, Clone, Default)]
pub struct RouterOptions {
    /// Browser origins allowed to call the API (CORS); none: same origin only.
    pub cors_origins: Vec<HeaderValue>,
    /// A built dashboard (`dist/`) to serve, with `index.html` for unknown paths.
    pub static_dir: Option<PathBuf>,
}

/// The whole HTTP application.
pub fn router(state: AppState, options: &RouterOptions) -> Router {
    let event = Router::new()
        .route("/{tenant}/webhooks/list", get(list_webhooks))
        .route("/{tenant}/webhooks", post(create_webhook))
        .fallback(unknown_api_path);
    let api = Router::new()
        .nest("/event", event)
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
                .max_age(Duration::from_secs(600)),
        )
    };
    let app = match &options.static_dir {
        Some(dir) => api
            .fallback_service(ServeDir::new(dir).fallback(ServeFile::new(dir.join("index.html")))),
        None => api,
    };
    app.layer(TraceLayer::new_for_http()).with_state(state)
}

async fn unknown_api_path() -> ApiFailure {
    ApiFailure::not_found("no such API path")
}

/// The authenticated caller of a request.
pub struct Caller(Principal);

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiFailure;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim().to_owned())
            .filter(|token| !token.is_empty())
            .ok_or_else(ApiFailure::unauthenticated)?;
        state
            .db
            .call(move |connection| auth::authenticate(connection, &token))
            .await?
            .map(Caller)
            .ok_or_else(ApiFailure::unauthenticated)
    }
}

impl Caller {
    /// Parses the path's tenant (400), then checks the token's tenant and grants (403).
    fn authorize(&self, tenant: &str, needs: &[&str]) -> Result<TenantLocator, ApiFailure> {
        let tenant: TenantLocator =
            tenant
                .parse()
                .map_err(|error: webhooks_api::LocatorError| {
                    ApiFailure::invalid(
                        error.to_string(),
                        BTreeMap::from([("tenantLocator".to_owned(), error.to_string())]),
                    )
                })?;
        if tenant != self.0.tenant {
            return Err(ApiFailure::new(
                StatusCode::FORBIDDEN,
                format!("this token has no access to tenant {tenant}"),
            ));
        }
        if let Some(missing) = needs
            .iter()
            .find(|need| !self.0.grants.iter().any(|grant| grant.as_str() == **need))
        {
            return Err(ApiFailure::new(
                StatusCode::FORBIDDEN,
                format!("this token lacks the permission {missing}"),
            ));
        }
        Ok(tenant)
    }
}

/// Parses the list endpoint's query string into a filter, naming each bad parameter.
pub fn parse_filter(query: &str) -> Result<WebhookFilter, ApiFailure> {
    let mut filter = WebhookFilter {
        count: DEFAULT_PAGE_SIZE,
        ..WebhookFilter::default()
    };
    let mut errors = BTreeMap::new();
    let number =
        |key: &str, value: &str, max: u32, errors: &mut BTreeMap<String, String>| match value
            .parse::<u32>()
        {
            Ok(n) if n <= max => Some(n),
            _ => {
                errors.insert(
                    key.to_owned(),
                    format!("must be a whole number from 0 to {max}"),
                );
                None
            }
        };
    let boolean = |key: &str, value: &str, errors: &mut BTreeMap<String, String>| match value {
        "true" => Some(true),
        "false" => Some(false),
        _ => {
            errors.insert(key.to_owned(), "must be true or false".to_owned());
            None
        }
    };
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        match &*key {
            "offset" => {
                filter.offset = number("offset", &value, u32::MAX, &mut errors).unwrap_or(0)
            }
            "count" => {
                filter.count = number("count", &value, MAX_PAGE_SIZE, &mut errors).unwrap_or(0)
            }
            "name" => filter.name = Some(value.into_owned()).filter(|name| !name.is_empty()),
            "enabled" => filter.enabled = boolean("enabled", &value, &mut errors),
            "suspended" => filter.suspended = boolean("suspended", &value, &mut errors),
            "active" => filter.active = boolean("active", &value, &mut errors),
            "eventTypes" => filter.event_types.extend(
                value
                    .split(',')
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(str::to_owned),
            ),
            _ => {} // EC has more parameters (e.g. `extended`); unknown ones are ignored.
        }
    }
    if errors.is_empty() {
        Ok(filter)
    } else {
        Err(ApiFailure::invalid("invalid list parameters", errors))
    }
}

async fn list_webhooks(
    State(state): State<AppState>,
    caller: Caller,
    Path(tenant): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Json<Vec<WebhookResponse>>, ApiFailure> {
    let tenant = caller.authorize(&tenant, &["webhooks.read", "webhooks.list"])?;
    let filter = parse_filter(query.as_deref().unwrap_or(""))?;
    let page = state
        .db
        .call(move |c| store::list_webhooks(c, tenant, &filter))
        .await?;
    Ok(Json(page))
}

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
        .call(move |c| store::put_webhook(c, tenant, &stored))
        .await?;
    Ok(Json(webhook))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_defaults_and_parses_every_parameter() {
        assert_eq!(
            parse_filter("").unwrap(),
            WebhookFilter {
                count: 100,
                ..Default::default()
            }
        );
        let filter = parse_filter(
            "offset=5&count=10&name=Bill%20ing&enabled=true&suspended=false&active=true&eventTypes=a,b&eventTypes=c&extended=true",
        )
        .unwrap();
        assert_eq!(filter.offset, 5);
        assert_eq!(filter.count, 10);
        assert_eq!(filter.name.as_deref(), Some("Bill ing"));
        assert_eq!(
            (filter.enabled, filter.suspended, filter.active),
            (Some(true), Some(false), Some(true))
        );
        assert_eq!(filter.event_types, ["a", "b", "c"]);
    }

    #[test]
    fn filter_rejects_bad_values_naming_them() {
        let failure = parse_filter("count=1001&offset=-1&enabled=yes").unwrap_err();
        assert_eq!(failure.status, StatusCode::BAD_REQUEST);
        assert_eq!(
            failure.field_errors.keys().collect::<Vec<_>>(),
            ["count", "enabled", "offset"]
        );
        assert!(parse_filter("count=1000").is_ok());
    }
}
