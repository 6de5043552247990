//! Development routes (`--dev`), outside the API and its OpenAPI document.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::routing::post;
use axum::{Json, Router};
use webhooks_api::{permissions, Locator};

use super::extract::{Caller, JsonBody};
use super::AppState;
use crate::error::ApiFailure;

/// `POST /dev/{tenantLocator}/events`.
pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/dev/{tenant}/events", post(raise_event))
}

/// The body of `POST /dev/{tenantLocator}/events`.
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct RaiseEvent {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    data: serde_json::Map<String, serde_json::Value>,
    /// The request that raised it (a ULID), so that several events share one; none: its own.
    request_id: Option<String>,
    /// The user whose request raised it (a UUID); none: the nil UUID.
    user_locator: Option<String>,
}

/// Raises an event, as EC would after a transaction: for a token of the tenant with the
/// grant `dev.raise` (the server signs what it then delivers with the tenant's secrets).
async fn raise_event(
    State(state): State<AppState>,
    caller: Caller,
    Path(tenant): Path<String>,
    body: JsonBody<RaiseEvent>,
) -> Result<Json<serde_json::Value>, ApiFailure> {
    let tenant = caller.authorize(&tenant, &[permissions::DEV_RAISE])?;
    let Json(request) = body?;
    let mut errors = BTreeMap::new();
    if let Err(message) = webhooks_api::validate::event_type(&request.kind) {
        errors.insert("type".to_owned(), message);
    }
    let request_id = request.request_id.as_deref().map(str::parse::<Locator>).transpose().unwrap_or_else(|error| {
        errors.insert("requestId".to_owned(), error.to_string());
        None
    });
    let user = request.user_locator.as_deref().map(uuid::Uuid::try_parse).transpose().unwrap_or_else(|_| {
        errors.insert(
            "userLocator".to_owned(),
            "expected a UUID such as 3f2c8a4e-1b7d-4c1e-9a55-0c6f1e2d3b4a".to_owned(),
        );
        None
    });
    if !errors.is_empty() {
        return Err(ApiFailure::invalid("invalid event: see fieldErrors", errors));
    }
    let (event, deliveries) = state.raise_event(tenant, request.kind, request.data, request_id, user).await?;
    Ok(Json(serde_json::json!({ "event": event, "deliveries": deliveries })))
}
