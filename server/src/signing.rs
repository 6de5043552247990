//! Signed deliveries, as Standard Webhooks specifies: an endpoint whose security
//! [`signs`](webhooks_api::EndpointSecurity::signs) gets `webhook-id`,
//! `webhook-timestamp` and `webhook-signature` (`v1,` + base64 of HMAC-SHA256 over
//! `{id}.{timestamp}.{body}`, keyed by the secret's UTF-8 bytes), and
//! `webhook-secret-tag` when a tag is set. Pure: the engine passes the bytes it sends.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use sha2::Sha256;
use webhooks_api::EndpointSecurity;

/// The message's identifier: the event's locator for a delivery.
pub const ID: HeaderName = HeaderName::from_static("webhook-id");
/// When the message was signed, in Unix seconds.
pub const TIMESTAMP: HeaderName = HeaderName::from_static("webhook-timestamp");
/// `v1,` and the signature.
pub const SIGNATURE: HeaderName = HeaderName::from_static("webhook-signature");
/// The client's label of the secret that signed (its `tag`).
pub const SECRET_TAG: HeaderName = HeaderName::from_static("webhook-secret-tag");

/// Whether `name` (any case) is one of the headers a signature owns: a signed message
/// never carries the endpoint's own headers of these names.
pub fn owns(name: &str) -> bool {
    [ID, TIMESTAMP, SIGNATURE, SECRET_TAG].iter().any(|owned| name.eq_ignore_ascii_case(owned.as_str()))
}

/// `v1,` + base64 (standard, padded) of HMAC-SHA256 over `{id}.{timestamp}.{body}`.
pub fn signature(key: &[u8], id: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(body);
    format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
}

/// The headers that sign `body` as message `id` at `timestamp` (Unix seconds), or `None`
/// when the endpoint does not sign. A tag that is no header value (stored before tags
/// were validated) is left out: the signature does not depend on it.
pub fn sign(security: &EndpointSecurity, id: &str, timestamp: i64, body: &[u8]) -> Option<HeaderMap> {
    let secret = security.secret.as_deref().filter(|_| security.signs())?;
    let mut headers = HeaderMap::new();
    let value = |text: String| HeaderValue::try_from(text).expect("locators, digits and base64 are header values");
    headers.insert(ID, value(id.to_owned()));
    headers.insert(TIMESTAMP, value(timestamp.to_string()));
    headers.insert(SIGNATURE, value(signature(secret.as_bytes(), id, timestamp, body)));
    if let Some(tag) = security.tag.as_deref().filter(|tag| !tag.is_empty()) {
        if let Ok(tag) = HeaderValue::from_str(tag) {
            headers.insert(SECRET_TAG, tag);
        }
    }
    Some(headers)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const BODY: &[u8] = br#"{"test": 2432232314}"#;

    fn signing(tag: Option<&str>) -> EndpointSecurity {
        EndpointSecurity {
            hmac_enabled: Some(true),
            secret: Some(SECRET.to_owned()),
            tag: tag.map(str::to_owned),
            ..EndpointSecurity::default()
        }
    }

    #[test]
    fn the_standard_webhooks_vector() {
        // The specification's example: its key is the base64 of `whsec_…`, decoded.
        let key = STANDARD.decode(SECRET).unwrap();
        assert_eq!(
            signature(&key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, BODY),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
    }

    #[test]
    fn signs_with_the_secrets_utf8_bytes() {
        // Computed with Python's hmac and base64 modules.
        let headers = sign(&signing(Some("2026-11-30")), "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, BODY).unwrap();
        assert_eq!(headers[SIGNATURE], "v1,ELhqG0Ku1gwOc1f4jyKdp3SFGFLAOdJ9bvpWLciCakI=");
        assert_eq!(headers[ID], "msg_p5jXN8AQM9LWM0D4loKWxJek");
        assert_eq!(headers[TIMESTAMP], "1614265330");
        assert_eq!(headers[SECRET_TAG], "2026-11-30");
        assert_eq!(headers.len(), 4);
    }

    #[test]
    fn the_tag_only_when_set() {
        for tag in [None, Some(""), Some("a\nb")] {
            let headers = sign(&signing(tag), "id", 1, b"").unwrap();
            assert!(!headers.contains_key(SECRET_TAG), "{tag:?}");
            assert_eq!(headers.len(), 3);
        }
    }

    #[test]
    fn unsigned_unless_signing_is_on_with_a_secret() {
        let off = EndpointSecurity { hmac_enabled: Some(false), ..signing(Some("t")) };
        let unset = EndpointSecurity { hmac_enabled: None, ..signing(Some("t")) };
        let no_secret = EndpointSecurity { secret: Some(String::new()), ..signing(Some("t")) };
        for security in [off, unset, no_secret, EndpointSecurity::default()] {
            assert_eq!(sign(&security, "id", 1, BODY), None, "{security:?}");
        }
    }

    #[test]
    fn the_signature_owns_its_names_in_any_case() {
        for name in ["webhook-id", "Webhook-Timestamp", "WEBHOOK-SIGNATURE", "webhook-secret-tag"] {
            assert!(owns(name), "{name}");
        }
        for name in ["webhook-ids", "x-webhook-id", "Authorization"] {
            assert!(!owns(name), "{name}");
        }
    }
}
