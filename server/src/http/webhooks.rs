//! The Webhooks API: `/{tenantLocator}/webhooks…` (list, create, fetch, update,
//! unsuspend, delete).

use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use webhooks_api::permissions::{WEBHOOKS_LIST, WEBHOOKS_READ, WEBHOOKS_WRITE};
use webhooks_api::{apply, CreateWebhookRequest, Locator, TenantLocator, UpdateWebhookRequest, WebhookResponse};

use super::extract::{parse_filter, parse_locator, Caller, JsonBody};
use super::AppState;
use crate::db::StoreError;
use crate::error::{ApiFailure, BodyFailures, Failures, NotFound, QuotaReached};
use crate::limits::MAX_WEBHOOK_BYTES;
use crate::store;

/// The routes of this file, with their OpenAPI entries.
pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_webhooks))
        .routes(routes!(create_webhook))
        .routes(routes!(fetch_webhook, update_webhook, delete_webhook))
        .routes(routes!(unsuspend_webhook))
}

/// Times an update reads, applies and tries to write before it gives up (503): each try
/// fails only when another write changed the webhook meanwhile.
const UPDATE_TRIES: usize = 3;

/// The 404 of a webhook that is not in the tenant.
fn webhook_not_found(locator: Locator) -> ApiFailure {
    ApiFailure::not_found(format!("no webhook {locator} in this tenant"))
}

/// A webhook's JSON as stored, or 413 when it would take more than [`MAX_WEBHOOK_BYTES`].
fn stored_body(webhook: &WebhookResponse) -> Result<String, ApiFailure> {
    let body = serde_json::to_string(webhook).map_err(StoreError::from)?;
    if body.len() > MAX_WEBHOOK_BYTES {
        return Err(ApiFailure::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "the webhook would take {} bytes stored; a webhook takes at most {MAX_WEBHOOK_BYTES} (64 KiB): \
                 use fewer or shorter event types or headers",
                body.len()
            ),
        ));
    }
    Ok(body)
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
pub(super) async fn existing_webhook(
    state: &AppState,
    tenant: TenantLocator,
    webhook: Locator,
) -> Result<WebhookResponse, ApiFailure> {
    state.db.read(move |c| store::get_webhook(c, tenant, webhook)).await?.ok_or_else(|| webhook_not_found(webhook))
}

/// Fetches one webhook.
#[utoipa::path(get, path = "/{tenantLocator}/webhooks/{webhookLocator}", tag = "webhooks",
    params(("tenantLocator" = String, Path, format = "uuid"), ("webhookLocator" = String, Path, format = "ulid")),
    responses((status = 200, body = WebhookResponse), Failures, NotFound))]
async fn fetch_webhook(
    State(state): State<AppState>,
    caller: Caller,
    Path((tenant, webhook)): Path<(String, String)>,
) -> Result<Json<WebhookResponse>, ApiFailure> {
    let tenant = caller.authorize(&tenant, &[WEBHOOKS_READ])?;
    let webhook = parse_locator("webhookLocator", &webhook)?;
    Ok(Json(existing_webhook(&state, tenant, webhook).await?))
}

/// Lists a tenant's webhooks, filtered, in creation order.
#[utoipa::path(get, path = "/{tenantLocator}/webhooks/list", tag = "webhooks",
    params(("tenantLocator" = String, Path, format = "uuid"),
        ("offset" = Option<u32>, Query, maximum = 100000), ("count" = Option<u32>, Query, maximum = 1000),
        ("name" = Option<String>, Query, description = "case-insensitive substring"),
        ("enabled" = Option<bool>, Query), ("suspended" = Option<bool>, Query),
        ("active" = Option<bool>, Query, description = "enabled and not suspended"),
        ("eventTypes" = Option<Vec<String>>, Query, description = "repeated or comma-separated; any of them"),
        ("extended" = Option<bool>, Query, description = "true: answer {listCompleted, items}; else a bare array")),
    responses((status = 200, body = Vec<WebhookResponse>,
        description = "a bare array; with extended=true an object {listCompleted, items}"), Failures))]
async fn list_webhooks(
    State(state): State<AppState>,
    caller: Caller,
    Path(tenant): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Json<ListAnswer>, ApiFailure> {
    let tenant = caller.authorize(&tenant, &[WEBHOOKS_READ, WEBHOOKS_LIST])?;
    let (mut filter, extended) = parse_filter(query.as_deref().unwrap_or(""))?;
    if !extended {
        let page = state.db.read(move |c| store::list_webhooks(c, tenant, &filter)).await?;
        return Ok(Json(ListAnswer::Bare(page)));
    }
    // One row past the page tells whether a webhook follows it.
    let count = filter.page.count as usize;
    filter.page.count += 1;
    let mut items = state.db.read(move |c| store::list_webhooks(c, tenant, &filter)).await?;
    let list_completed = items.len() <= count;
    items.truncate(count);
    Ok(Json(ListAnswer::Extended { list_completed, items }))
}

/// The list's answer: the seed's bare array, or with `extended=true` the later version's
/// object (CONTRACT.md, List conventions).
#[derive(serde::Serialize)]
#[serde(untagged)]
enum ListAnswer {
    /// The webhooks of the page.
    Bare(Vec<WebhookResponse>),
    /// The webhooks of the page, and whether none follows it.
    #[serde(rename_all = "camelCase")]
    Extended {
        /// No webhook follows this page.
        list_completed: bool,
        /// The webhooks of the page.
        items: Vec<WebhookResponse>,
    },
}

/// Creates a webhook.
#[utoipa::path(post, path = "/{tenantLocator}/webhooks", tag = "webhooks",
    params(("tenantLocator" = String, Path, format = "uuid")),
    request_body = CreateWebhookRequest,
    responses((status = 200, body = WebhookResponse), Failures, BodyFailures, QuotaReached))]
async fn create_webhook(
    State(state): State<AppState>,
    caller: Caller,
    Path(tenant): Path<String>,
    body: JsonBody<CreateWebhookRequest>,
) -> Result<Json<WebhookResponse>, ApiFailure> {
    let tenant = caller.authorize(&tenant, &[WEBHOOKS_WRITE])?;
    let Json(request) = body?;
    let webhook = request.into_valid_webhook(state.next_locator())?;
    stored_body(&webhook)?;
    let stored = webhook.clone();
    let most = state.bounds.limits.webhooks_per_tenant;
    let created = state
        .db
        .call(move |c| {
            let transaction = c.transaction()?;
            if store::count_webhooks(&transaction, tenant)? >= most {
                return Ok(false);
            }
            store::put_webhook(&transaction, tenant, &stored)?;
            transaction.commit()?;
            Ok(true)
        })
        .await?;
    if !created {
        return Err(ApiFailure::new(
            StatusCode::CONFLICT,
            format!("this tenant has {most} webhooks, the most it may have: delete one before creating another"),
        ));
    }
    Ok(Json(webhook))
}

/// Updates a webhook with EC's add/remove semantics (removals first).
#[utoipa::path(patch, path = "/{tenantLocator}/webhooks/{webhookLocator}", tag = "webhooks",
    params(("tenantLocator" = String, Path, format = "uuid"), ("webhookLocator" = String, Path, format = "ulid")),
    request_body = UpdateWebhookRequest,
    responses((status = 200, body = WebhookResponse), Failures, NotFound, BodyFailures))]
async fn update_webhook(
    State(state): State<AppState>,
    caller: Caller,
    Path((tenant, webhook)): Path<(String, String)>,
    body: JsonBody<UpdateWebhookRequest>,
) -> Result<Json<WebhookResponse>, ApiFailure> {
    let tenant = caller.authorize(&tenant, &[WEBHOOKS_WRITE])?;
    let webhook = parse_locator("webhookLocator", &webhook)?;
    let Json(update) = body?;
    // Read, apply and validate off the writing connection; the write only swaps the body
    // if no other write changed it meanwhile (else the update starts over).
    for _ in 0..UPDATE_TRIES {
        let previous = state
            .db
            .read(move |c| store::webhook_body(c, tenant, webhook))
            .await?
            .ok_or_else(|| webhook_not_found(webhook))?;
        let current: WebhookResponse = serde_json::from_str(&previous).map_err(StoreError::from)?;
        let next = apply(&current, &update)?;
        let body = stored_body(&next)?;
        let stored = next.clone();
        if state.db.call(move |c| store::replace_webhook(c, tenant, &previous, &stored, &body)).await? {
            return Ok(Json(next));
        }
    }
    Err(ApiFailure::unavailable("the webhook kept changing while this update was applied: try again", 1))
}

/// Clears a webhook's suspension (idempotent).
#[utoipa::path(patch, path = "/{tenantLocator}/webhooks/{webhookLocator}/unsuspend", tag = "webhooks",
    params(("tenantLocator" = String, Path, format = "uuid"), ("webhookLocator" = String, Path, format = "ulid")),
    responses((status = 204), Failures, NotFound))]
async fn unsuspend_webhook(
    State(state): State<AppState>,
    caller: Caller,
    Path((tenant, webhook)): Path<(String, String)>,
) -> Result<StatusCode, ApiFailure> {
    let tenant = caller.authorize(&tenant, &[WEBHOOKS_WRITE])?;
    let webhook = parse_locator("webhookLocator", &webhook)?;
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
    responses((status = 204), Failures, NotFound))]
async fn delete_webhook(
    State(state): State<AppState>,
    caller: Caller,
    Path((tenant, webhook)): Path<(String, String)>,
) -> Result<StatusCode, ApiFailure> {
    let tenant = caller.authorize(&tenant, &[WEBHOOKS_WRITE])?;
    let webhook = parse_locator("webhookLocator", &webhook)?;
    let found = state.db.call(move |c| store::delete_webhook(c, tenant, webhook)).await?;
    no_content_if_found(found, webhook)
}
