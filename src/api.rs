//! Every call to the Webhooks API. Each returns `Result<T, ApiError>`.

use gloo_net::http::{Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use webhooks_api::{paths, ErrorBody, TenantLocator, WebhookList, WebhookResponse};

use crate::session;

/// What went wrong with a call, each with a message that says what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// No token in this tab.
    #[error("You are not signed in: open the dashboard through a link that carries a token (make dev prints one).")]
    NoToken,
    /// The request never got an answer.
    #[error("The API could not be reached ({0}). Check that the server is running and the address is right, then try again.")]
    Network(String),
    /// 401: the token is missing, wrong or revoked.
    #[error("The API did not accept your token (401). Sign in again with a valid token.")]
    Unauthorized,
    /// 403: the token lacks a permission or the tenant.
    #[error("Your token is not allowed to do this (403): {0}. Ask for a token with that permission.")]
    Forbidden(String),
    /// 404: no such tenant or webhook.
    #[error("Not found (404): {0}. It may have been deleted; go back to the list.")]
    NotFound(String),
    /// 400: the request was refused, perhaps with per-field reasons.
    #[error("The API refused the request (400): {message}")]
    BadRequest {
        /// The server's message.
        message: String,
        /// Field path → reason.
        field_errors: Vec<(String, String)>,
    },
    /// Any other non-2xx status.
    #[error("The API answered {status}: {message}. Try again in a moment.")]
    Status {
        /// The HTTP status.
        status: u16,
        /// The server's message, or the reason phrase.
        message: String,
    },
    /// A 2xx answer whose body is not what the contract says.
    #[error("The API's answer could not be read ({0}). The server may be a different version; check its address.")]
    UnreadableBody(String),
}

impl ApiError {
    /// Maps a non-2xx status and its body text (JSON error body, bare text or empty) to an error.
    pub fn from_status(status: u16, body: &str) -> Self {
        let parsed: Option<ErrorBody> = serde_json::from_str(body).ok();
        let message = match &parsed {
            Some(error) => error.message.clone(),
            None if body.trim().is_empty() => format!("HTTP {status}"),
            None => body.trim().chars().take(200).collect(),
        };
        match status {
            400 => Self::BadRequest {
                message,
                field_errors: parsed.map(|e| e.field_errors.into_iter().collect()).unwrap_or_default(),
            },
            401 => Self::Unauthorized,
            403 => Self::Forbidden(message),
            404 => Self::NotFound(message),
            _ => Self::Status { status, message },
        }
    }
}

/// The API's base URL: empty, so that calls go to the page's own origin.
fn url(path: &str) -> String {
    path.to_owned()
}

fn authorized(builder: RequestBuilder) -> Result<RequestBuilder, ApiError> {
    let token = session::token().ok_or(ApiError::NoToken)?;
    Ok(builder.header("Authorization", &format!("Bearer {token}")))
}

async fn read_json<T: DeserializeOwned>(response: Response) -> Result<T, ApiError> {
    let status = response.status();
    let body = response.text().await.map_err(|error| ApiError::Network(error.to_string()))?;
    if !(200..300).contains(&status) {
        return Err(ApiError::from_status(status, &body));
    }
    serde_json::from_str(&body).map_err(|error| ApiError::UnreadableBody(error.to_string()))
}

/// `GET /event/{tenant}/webhooks/list`: one page of the tenant's webhooks.
pub async fn list_webhooks(tenant: TenantLocator, offset: u32, count: u32) -> Result<Vec<WebhookResponse>, ApiError> {
    let offset = offset.to_string();
    let count = count.to_string();
    let request = authorized(
        Request::get(&url(&paths::list_webhooks(&tenant)))
            .query([("offset", offset.as_str()), ("count", count.as_str())]),
    )?;
    let response = request.send().await.map_err(|error| ApiError::Network(error.to_string()))?;
    read_json::<WebhookList>(response).await.map(|list| list.0)
}

#[cfg(test)]
mod tests {
    use super::ApiError;

    #[test]
    fn maps_json_error_bodies() {
        let body =
            r#"{"httpStatus":400,"message":"invalid webhook","fieldErrors":{"endpoint.url":"must be absolute"}}"#;
        assert_eq!(
            ApiError::from_status(400, body),
            ApiError::BadRequest {
                message: "invalid webhook".into(),
                field_errors: vec![("endpoint.url".into(), "must be absolute".into())],
            }
        );
        assert_eq!(
            ApiError::from_status(403, r#"{"httpStatus":403,"message":"missing permission webhooks.list"}"#),
            ApiError::Forbidden("missing permission webhooks.list".into())
        );
    }

    #[test]
    fn copes_with_bare_text_and_empty_bodies() {
        assert_eq!(ApiError::from_status(401, ""), ApiError::Unauthorized);
        assert_eq!(
            ApiError::from_status(502, "Bad Gateway\n"),
            ApiError::Status { status: 502, message: "Bad Gateway".into() }
        );
        assert_eq!(ApiError::from_status(500, "   "), ApiError::Status { status: 500, message: "HTTP 500".into() });
    }

    #[test]
    fn messages_say_what_to_do() {
        let message = ApiError::Forbidden("missing permission webhooks.list".into()).to_string();
        assert!(message.contains("webhooks.list"));
        assert!(message.contains("Ask for a token"));
    }
}
