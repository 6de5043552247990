//! The API's error answers: a JSON `ErrorBody` with the matching status, and their
//! OpenAPI description ([`Failures`], [`NotFound`], [`BodyFailures`]).

use std::collections::BTreeMap;

use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use webhooks_api::{ErrorBody, ValidationErrors};

use crate::db::StoreError;

/// A failed call, turned into `{"httpStatus", "message", "fieldErrors"}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiFailure {
    /// The HTTP status.
    pub status: StatusCode,
    /// What went wrong, in words.
    pub message: String,
    /// Field path → reason.
    pub field_errors: BTreeMap<String, String>,
    /// For a 429 or 503: seconds to wait before trying again (`Retry-After`).
    pub retry_after_seconds: Option<u64>,
}

impl ApiFailure {
    /// A failure with a status and a message.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self { status, message: message.into(), field_errors: BTreeMap::new(), retry_after_seconds: None }
    }

    /// 400 with per-field reasons.
    pub fn invalid(message: impl Into<String>, field_errors: BTreeMap<String, String>) -> Self {
        Self { field_errors, ..Self::new(StatusCode::BAD_REQUEST, message) }
    }

    /// 401: no token, or one that is unknown or revoked.
    pub fn unauthenticated() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "missing or invalid bearer token: send Authorization: Bearer <token>")
    }

    /// 429: `who` (this token, this address) sent too many requests; try again after `seconds`.
    pub fn rate_limited(who: &str, seconds: u64) -> Self {
        Self {
            retry_after_seconds: Some(seconds),
            ..Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                format!("too many requests from {who}: try again in {seconds} s"),
            )
        }
    }

    /// 503 with `Retry-After`: the server cannot take the request now; it may in `seconds`.
    pub fn unavailable(message: impl Into<String>, seconds: u64) -> Self {
        Self { retry_after_seconds: Some(seconds), ..Self::new(StatusCode::SERVICE_UNAVAILABLE, message) }
    }

    /// 404 for a webhook that does not exist in this tenant.
    pub fn not_found(what: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, what)
    }
}

impl IntoResponse for ApiFailure {
    fn into_response(self) -> Response {
        let body =
            ErrorBody { http_status: self.status.as_u16(), message: self.message, field_errors: self.field_errors };
        let mut response = (self.status, Json(body)).into_response();
        if let Some(seconds) = self.retry_after_seconds {
            response.headers_mut().insert(axum::http::header::RETRY_AFTER, seconds.into());
        }
        response
    }
}

impl From<StoreError> for ApiFailure {
    fn from(error: StoreError) -> Self {
        if let StoreError::AuthenticationsWaiting = error {
            return Self::unavailable("the server is checking as many tokens as it may: try again shortly", 1);
        }
        if let StoreError::Deadline(deadline) = error {
            tracing::warn!(deadline_ms = deadline.as_millis() as u64, "a query ran past its deadline");
            return Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                format!(
                    "the request needed more than {} ms of database time and was stopped: narrow its filters (fewer event types, a longer name), or try again later",
                    deadline.as_millis()
                ),
            );
        }
        tracing::error!(error = &error as &dyn std::error::Error, "storage failure");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal error: the server could not use its database")
    }
}

impl From<JsonRejection> for ApiFailure {
    fn from(rejection: JsonRejection) -> Self {
        // Wrong types and missing fields are a 400 in the contract (axum says 422).
        let status = match rejection.status() {
            StatusCode::UNPROCESSABLE_ENTITY => StatusCode::BAD_REQUEST,
            status => status,
        };
        let message = match status {
            StatusCode::UNSUPPORTED_MEDIA_TYPE => {
                "the body must be JSON: send Content-Type: application/json".to_owned()
            }
            StatusCode::PAYLOAD_TOO_LARGE => "the body is larger than the 1 MiB limit".to_owned(),
            _ => rejection.body_text(),
        };
        Self::new(status, message)
    }
}

impl From<ValidationErrors> for ApiFailure {
    fn from(errors: ValidationErrors) -> Self {
        Self::invalid("invalid webhook: see fieldErrors", errors.0)
    }
}

/// The error answers every authenticated call can give, for the `responses(...)` of a
/// `#[utoipa::path]` (only a description: never built).
#[derive(utoipa::IntoResponses)]
pub enum Failures {
    /// A malformed tenant, locator or query parameter, or an invalid body: see `fieldErrors`.
    #[response(status = 400)]
    BadRequest(ErrorBody),
    /// No bearer token, or one that is unknown or revoked.
    #[response(status = 401)]
    Unauthenticated(ErrorBody),
    /// The token has no access to this tenant, or lacks the call's permission.
    #[response(status = 403)]
    Forbidden(ErrorBody),
    /// Too many requests from this token (a second, or in flight), or from its tenant in flight.
    #[response(status = 429, headers(("Retry-After" = u64, description = "seconds to wait before trying again")))]
    RateLimited(ErrorBody),
    /// The server could not use its database.
    #[response(status = 500)]
    Internal(ErrorBody),
    /// The request's database work ran past its deadline and was stopped.
    #[response(status = 503)]
    Overloaded(ErrorBody),
}

/// The answer of a call on one webhook or event that is not there, for `responses(...)`
/// (only a description: never built).
#[derive(utoipa::IntoResponses)]
#[response(status = 404, description = "No such webhook or event in this tenant.")]
pub struct NotFound(pub ErrorBody);

/// The answer of a create when the tenant has as many webhooks as it may, for
/// `responses(...)` (only a description: never built).
#[derive(utoipa::IntoResponses)]
#[response(status = 409, description = "The tenant has as many webhooks as it may: delete one first.")]
pub struct QuotaReached(pub ErrorBody);

/// The answers of a call with a JSON body to a body it cannot take, for `responses(...)`
/// (only a description: never built); a body that is not valid is a 400 of [`Failures`].
#[derive(utoipa::IntoResponses)]
pub enum BodyFailures {
    /// The body is larger than 1 MiB, or the webhook would take more than 64 KiB stored.
    #[response(status = 413)]
    TooLarge(ErrorBody),
    /// The body is not sent as `Content-Type: application/json`.
    #[response(status = 415)]
    NotJson(ErrorBody),
}
