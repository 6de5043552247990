//! Development routes (`--dev`), outside the API and its OpenAPI document.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::routing::post;
use axum::{Json, Router};

use super::extract::{parse_tenant, JsonBody};
use super::AppState;
use crate::error::ApiFailure;

/// `POST /dev/{tenantLocator}/events`.
pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/dev/{tenant}/events", post(raise_event))
}

/// The body of `POST /dev/{tenantLocator}/events`.
#[derive(serde::Deserialize)]
struct RaiseEvent {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    data: serde_json::Map<String, serde_json::Value>,
}

/// Raises an event, as EC would after a transaction.
async fn raise_event(
    State(state): State<AppState>,
    Path(tenant): Path<String>,
    body: JsonBody<RaiseEvent>,
) -> Result<Json<serde_json::Value>, ApiFailure> {
    let tenant = parse_tenant(&tenant)?;
    let Json(request) = body?;
    if let Err(message) = webhooks_api::validate::event_type(&request.kind) {
        return Err(ApiFailure::invalid("invalid event", BTreeMap::from([("type".to_owned(), message)])));
    }
    let (event, deliveries) = state.raise_event(tenant, request.kind, request.data).await?;
    Ok(Json(serde_json::json!({ "event": event, "deliveries": deliveries })))
}
