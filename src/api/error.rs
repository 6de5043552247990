//! What can go wrong with a call, in words that say what happened and what to do.

use webhooks_api::ErrorBody;

/// What went wrong with a call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// No token yet.
    #[error("You are not signed in. Open the connection page and enter a token.")]
    NotSignedIn,
    /// The request never got an answer.
    #[error(
        "The API could not be reached ({0}). Check your network and that the API's address on the connection page is \
        right, then try again."
    )]
    Network(String),
    /// No answer from an API on another origin than the dashboard's: the network, or (most
    /// often) its CORS settings, which the page cannot tell apart.
    #[error("The API at {origin} could not be reached ({detail}). It is on another origin than this dashboard, so if your \
        network is fine its CORS settings probably do not allow this dashboard's origin: ask its operator to allow it, \
        or serve the dashboard and the API from one origin (README: “Hosting dist/”, one origin that proxies /event/ to \
        EC).")]
    CrossOrigin {
        /// The API's origin.
        origin: String,
        /// What the browser said.
        detail: String,
    },
    /// No answer within [`TIMEOUT`].
    #[error("The API did not answer within 15 seconds. It may be overloaded or unreachable; try again in a moment.")]
    Timeout,
    /// 400: the request was refused, with per-field reasons when the API gave them.
    #[error("The API refused the request: {message}. Correct what is marked and try again.")]
    BadRequest {
        /// The server's message.
        message: String,
        /// Field path → reason.
        field_errors: Vec<(String, String)>,
    },
    /// 401: the token is missing, wrong, expired or revoked.
    #[error(
        "The API did not accept your token (401): it is wrong, expired or revoked. Sign in again with a valid token."
    )]
    Unauthorized,
    /// 403: a missing permission, or no access to the tenant.
    #[error("{}", forbidden_message(.permission, .message))]
    Forbidden {
        /// The missing permission, when the API named one (`webhooks.write`).
        permission: Option<String>,
        /// The server's message.
        message: String,
    },
    /// 404: no such tenant resource.
    #[error("Not found (404): {0}. It may have been deleted; go back to the list.")]
    NotFound(String),
    /// 409: changed by someone else.
    #[error("Someone else changed this at the same time (409): {0}. Reload it and make your change again.")]
    Conflict(String),
    /// 413: the body is too large.
    #[error("The request is too large for the API (413). Remove some headers or event types and try again.")]
    PayloadTooLarge,
    /// 429: too many requests.
    #[error("{}", rate_limited_message(.retry_after_seconds))]
    RateLimited {
        /// What `Retry-After` asked for, in seconds.
        retry_after_seconds: Option<u32>,
    },
    /// 5xx: the API failed.
    #[error("The API failed ({status}): {message}. This is not caused by what you did; try again in a moment, and tell the \
        API's operator if it keeps happening.")]
    Server {
        /// The HTTP status.
        status: u16,
        /// The server's message, or the status.
        message: String,
    },
    /// Any other unexpected status.
    #[error("The API answered {status}: {message}.")]
    Unexpected {
        /// The HTTP status.
        status: u16,
        /// The server's message, or the status.
        message: String,
    },
    /// A 2xx answer that is not the JSON the contract describes.
    #[error("The API's answer could not be read ({0}). Check that the address on the connection page is an EC API.")]
    UnreadableBody(String),
}

fn forbidden_message(permission: &Option<String>, message: &str) -> String {
    match permission {
        Some(permission) => {
            format!("Your token lacks the permission {permission} (403). Ask an administrator for a token that has it.")
        }
        None => format!(
            "Your token is not allowed to do this (403): {message}. Check the tenant, or ask for a token with access."
        ),
    }
}

fn rate_limited_message(retry_after_seconds: &Option<u32>) -> String {
    match retry_after_seconds {
        Some(seconds) => format!("The API is receiving too many requests (429). Try again in {seconds} s."),
        None => "The API is receiving too many requests (429). Wait a moment and try again.".to_owned(),
    }
}

/// The first `group.permission` word in a message, e.g. `webhooks.write`.
fn permission_in(message: &str) -> Option<String> {
    message
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ':' | '"' | '\'' | '(' | ')'))
        .map(|word| word.trim_end_matches('.'))
        .find(|word| {
            word.split_once('.').is_some_and(|(group, permission)| {
                let part = |p: &str| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase() || c == '-');
                part(group) && part(permission)
            })
        })
        .map(str::to_owned)
}

/// `Retry-After` in seconds (the HTTP-date form is not used by EC and reads as none).
pub fn parse_retry_after(value: Option<&str>) -> Option<u32> {
    value?.trim().parse().ok()
}

impl ApiError {
    /// Maps a non-2xx answer (status, `Retry-After`, body: JSON error body, bare text or empty).
    pub fn from_status(status: u16, retry_after_seconds: Option<u32>, body: &str) -> Self {
        let parsed: Option<ErrorBody> = serde_json::from_str(body).ok();
        let message = match &parsed {
            Some(error) if !error.message.is_empty() => error.message.clone(),
            _ if body.trim().is_empty() || body.trim_start().starts_with('<') => format!("HTTP {status}"),
            _ => body.trim().chars().take(200).collect(),
        };
        match status {
            400 | 422 => Self::BadRequest {
                message,
                field_errors: parsed.map(|e| e.field_errors.into_iter().collect()).unwrap_or_default(),
            },
            401 => Self::Unauthorized,
            403 => Self::Forbidden { permission: permission_in(&message), message },
            404 => Self::NotFound(message),
            409 => Self::Conflict(message),
            413 => Self::PayloadTooLarge,
            429 => Self::RateLimited { retry_after_seconds },
            500..=599 => Self::Server { status, message },
            _ => Self::Unexpected { status, message },
        }
    }

    /// The permission a 403 named, if any.
    pub fn missing_permission(&self) -> Option<&str> {
        match self {
            Self::Forbidden { permission, .. } => permission.as_deref(),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_json_error_bodies_with_field_errors() {
        let body =
            r#"{"httpStatus":400,"message":"invalid webhook","fieldErrors":{"endpoint.url":"must be absolute"}}"#;
        assert_eq!(
            ApiError::from_status(400, None, body),
            ApiError::BadRequest {
                message: "invalid webhook".into(),
                field_errors: vec![("endpoint.url".into(), "must be absolute".into())],
            }
        );
    }

    #[test]
    fn a_403_names_the_missing_permission() {
        let error = ApiError::from_status(
            403,
            None,
            r#"{"httpStatus":403,"message":"this token lacks the permission webhooks.write"}"#,
        );
        assert_eq!(error.missing_permission(), Some("webhooks.write"));
        assert_eq!(
            error.to_string(),
            "Your token lacks the permission webhooks.write (403). Ask an administrator for a token that has it."
        );
        let tenant = ApiError::from_status(
            403,
            None,
            r#"{"httpStatus":403,"message":"this token has no access to tenant 3f2c8a4e-1b7d-4c1e-9a55-0c6f1e2d3b4a"}"#,
        );
        assert_eq!(tenant.missing_permission(), None);
        assert!(tenant.to_string().contains("no access to tenant"));
        let dashed = ApiError::from_status(403, None, "missing diverted-events.resend.");
        assert_eq!(dashed.missing_permission(), Some("diverted-events.resend"));
    }

    #[test]
    fn copes_with_bare_text_html_and_empty_bodies() {
        assert_eq!(ApiError::from_status(401, None, ""), ApiError::Unauthorized);
        assert_eq!(
            ApiError::from_status(502, None, "Bad Gateway\n"),
            ApiError::Server { status: 502, message: "Bad Gateway".into() }
        );
        assert_eq!(
            ApiError::from_status(500, None, "<html><body>nginx</body></html>"),
            ApiError::Server { status: 500, message: "HTTP 500".into() }
        );
        assert_eq!(
            ApiError::from_status(418, None, ""),
            ApiError::Unexpected { status: 418, message: "HTTP 418".into() }
        );
    }

    #[test]
    fn every_status_the_contract_names_has_its_variant() {
        assert!(matches!(ApiError::from_status(404, None, ""), ApiError::NotFound(_)));
        assert!(matches!(ApiError::from_status(409, None, ""), ApiError::Conflict(_)));
        assert_eq!(ApiError::from_status(413, None, ""), ApiError::PayloadTooLarge);
        assert_eq!(ApiError::from_status(429, Some(7), ""), ApiError::RateLimited { retry_after_seconds: Some(7) });
        assert!(ApiError::from_status(429, Some(7), "").to_string().contains("Try again in 7 s"));
        assert!(ApiError::from_status(503, None, "").to_string().contains("try again in a moment"));
    }

    #[test]
    fn retry_after_in_seconds() {
        assert_eq!(parse_retry_after(Some("3")), Some(3));
        assert_eq!(parse_retry_after(Some(" 12 ")), Some(12));
        assert_eq!(parse_retry_after(Some("Wed, 21 Oct 2026 07:28:00 GMT")), None);
        assert_eq!(parse_retry_after(None), None);
    }

    #[test]
    fn every_message_says_what_to_do() {
        let errors = [
            ApiError::NotSignedIn,
            ApiError::Network("TypeError: Failed to fetch".into()),
            ApiError::Timeout,
            ApiError::Unauthorized,
            ApiError::PayloadTooLarge,
            ApiError::UnreadableBody("expected value".into()),
        ];
        for error in errors {
            let message = error.to_string();
            let advice = ["try again", "Try again", "Sign in", "Check", "Open the connection page", "Remove"];
            assert!(advice.iter().any(|a| message.contains(a)), "{message}");
        }
    }
}
