//! The Diverted Events API: `/{tenantLocator}/webhooks/{webhookLocator}/diverted…`
//! (list, fetch, resend, delete).

use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderName;
use axum::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use webhooks_api::permissions::{DIVERTED_DELETE, DIVERTED_LIST, DIVERTED_READ, DIVERTED_RESEND};
use webhooks_api::{DivertedEventResponse, Locator, TenantLocator};

use super::extract::{parse_locator, parse_page, Caller};
use super::webhooks::existing_webhook;
use super::AppState;
use crate::error::{ApiFailure, Failures, NotFound};
use crate::store;

/// The routes of this file, with their OpenAPI entries.
pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_diverted))
        .routes(routes!(fetch_diverted, delete_diverted))
        .routes(routes!(resend_diverted))
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
    let webhook = parse_locator("webhookLocator", webhook)?;
    existing_webhook(state, tenant, webhook).await?;
    Ok((tenant, webhook))
}

/// The header of the diverted list that counts the diverted events dropped by the quota.
pub(super) const DIVERTED_DROPPED: &str = "x-diverted-dropped";

fn diverted_not_found(event: Locator) -> ApiFailure {
    ApiFailure::not_found(format!("no diverted event {event} for this webhook"))
}

/// Lists a webhook's diverted events, oldest first.
#[utoipa::path(get, path = "/{tenantLocator}/webhooks/{webhookLocator}/diverted",
    tag = "diverted-events",
    params(("tenantLocator" = String, Path, format = "uuid"), ("webhookLocator" = String, Path, format = "ulid"),
        ("offset" = Option<u32>, Query, maximum = 100000), ("count" = Option<u32>, Query, maximum = 1000)),
    responses((status = 200, body = Vec<DivertedEventResponse>,
        headers(("x-diverted-dropped" = u64, description = "diverted events of this webhook dropped, oldest first, to keep within its quota"))),
        Failures, NotFound))]
async fn list_diverted(
    State(state): State<AppState>,
    caller: Caller,
    Path((tenant, webhook)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> Result<([(HeaderName, u64); 1], Json<Vec<DivertedEventResponse>>), ApiFailure> {
    let (tenant, webhook) =
        diverted_target(&state, &caller, &[DIVERTED_READ, DIVERTED_LIST], &tenant, &webhook).await?;
    let page = parse_page(query.as_deref().unwrap_or(""))?;
    let (dropped, events) = state
        .db
        .read(move |c| {
            Ok((store::diverted_dropped(c, tenant, webhook)?, store::list_diverted(c, tenant, webhook, page)?))
        })
        .await?;
    Ok(([(HeaderName::from_static(DIVERTED_DROPPED), dropped)], Json(events)))
}

/// Fetches one diverted event.
#[utoipa::path(get, path = "/{tenantLocator}/webhooks/{webhookLocator}/diverted/{eventLocator}",
    tag = "diverted-events",
    params(("tenantLocator" = String, Path, format = "uuid"), ("webhookLocator" = String, Path, format = "ulid"),
        ("eventLocator" = String, Path, format = "ulid")),
    responses((status = 200, body = DivertedEventResponse), Failures, NotFound))]
async fn fetch_diverted(
    State(state): State<AppState>,
    caller: Caller,
    Path((tenant, webhook, event)): Path<(String, String, String)>,
) -> Result<Json<DivertedEventResponse>, ApiFailure> {
    let (tenant, webhook) = diverted_target(&state, &caller, &[DIVERTED_READ], &tenant, &webhook).await?;
    let event = parse_locator("eventLocator", &event)?;
    state
        .db
        .read(move |c| store::get_diverted(c, tenant, webhook, event))
        .await?
        .map(Json)
        .ok_or_else(|| diverted_not_found(event))
}

/// Sends a diverted event again; the diverted row goes once the delivery succeeds. A
/// resend of an event already queued for the webhook adds nothing (and answers the same).
#[utoipa::path(post, path = "/{tenantLocator}/webhooks/{webhookLocator}/diverted/{eventLocator}/resend",
    tag = "diverted-events",
    params(("tenantLocator" = String, Path, format = "uuid"), ("webhookLocator" = String, Path, format = "ulid"),
        ("eventLocator" = String, Path, format = "ulid")),
    responses((status = 200, description = "queued for delivery: {}"), Failures, NotFound))]
async fn resend_diverted(
    State(state): State<AppState>,
    caller: Caller,
    Path((tenant, webhook, event)): Path<(String, String, String)>,
) -> Result<Json<serde_json::Value>, ApiFailure> {
    let (tenant, webhook) = diverted_target(&state, &caller, &[DIVERTED_RESEND], &tenant, &webhook).await?;
    let event = parse_locator("eventLocator", &event)?;
    let queued = state
        .db
        .call(move |c| {
            if store::get_diverted(c, tenant, webhook, event)?.is_none() {
                return Ok(false);
            }
            let added = store::enqueue_delivery(c, tenant, webhook, event, crate::timestamp::unix_ms_now(), true)?;
            if !added {
                tracing::info!(webhook = %webhook, event = %event, "resend: the event is queued already");
            }
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
#[utoipa::path(delete, path = "/{tenantLocator}/webhooks/{webhookLocator}/diverted/{eventLocator}",
    tag = "diverted-events",
    params(("tenantLocator" = String, Path, format = "uuid"), ("webhookLocator" = String, Path, format = "ulid"),
        ("eventLocator" = String, Path, format = "ulid")),
    responses((status = 200, description = "deleted: {}"), Failures, NotFound))]
async fn delete_diverted(
    State(state): State<AppState>,
    caller: Caller,
    Path((tenant, webhook, event)): Path<(String, String, String)>,
) -> Result<Json<serde_json::Value>, ApiFailure> {
    let (tenant, webhook) = diverted_target(&state, &caller, &[DIVERTED_DELETE], &tenant, &webhook).await?;
    let event = parse_locator("eventLocator", &event)?;
    if state.db.call(move |c| store::delete_diverted(c, tenant, webhook, event)).await? {
        Ok(Json(serde_json::json!({})))
    } else {
        Err(diverted_not_found(event))
    }
}
