//! Signed deliveries, as Standard Webhooks specifies: an endpoint whose security
//! [`signs`](webhooks_api::EndpointSecurity::signs) gets `webhook-id`,
//! `webhook-timestamp` and `webhook-signature` (`v1,` + base64 of HMAC-SHA256 over
//! `{id}.{timestamp}.{body}`, keyed by the secret's [`key`]), and `webhook-secret-tag`
//! when a tag is set. Pure: the engine passes the bytes it sends.
//!
//! EC documents `hmacEnabled`, `secret` and `tag` but no signature headers: these are
//! the reference server's, the Standard Webhooks ones, so that its libraries verify them.

use std::borrow::Cow;

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use base64::{alphabet, Engine as _};
use hmac::{Hmac, Mac};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use sha2::Sha256;
use webhooks_api::{validate, EndpointSecurity};

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

/// Standard base64, padded, ignoring the unused bits of the last character (as Python's
/// `base64.b64decode`): what `validate::base64_len` takes.
const KEY_BASE64: GeneralPurpose =
    GeneralPurpose::new(&alphabet::STANDARD, GeneralPurposeConfig::new().with_decode_allow_trailing_bits(true));

/// The HMAC key of a secret, as every Standard Webhooks library reads one: after
/// `whsec_`, the base64 decoded; any other secret, its UTF-8 bytes. A `whsec_` secret
/// that does not decode (stored before the rule of `validate::secret`) keeps its UTF-8
/// bytes, as before the rule.
pub fn key(secret: &str) -> Cow<'_, [u8]> {
    match secret.strip_prefix(validate::WHSEC_PREFIX).map(|encoded| KEY_BASE64.decode(encoded)) {
        Some(Ok(decoded)) => Cow::Owned(decoded),
        _ => Cow::Borrowed(secret.as_bytes()),
    }
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
    headers.insert(SIGNATURE, value(signature(&key(secret), id, timestamp, body)));
    if let Some(tag) = security.tag.as_deref().filter(|tag| !tag.is_empty()) {
        if let Ok(tag) = HeaderValue::from_str(tag) {
            headers.insert(SECRET_TAG, tag);
        }
    }
    Some(headers)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// The Standard Webhooks specification's example: message, timestamp, body, secret.
    const MSG_ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    const AT: i64 = 1614265330;
    const BODY: &[u8] = br#"{"test": 2432232314}"#;
    const WHSEC: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    /// The same characters without the prefix: a secret keyed by its UTF-8 bytes.
    const SECRET: &str = "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    fn signing(secret: &str, tag: Option<&str>) -> EndpointSecurity {
        EndpointSecurity {
            hmac_enabled: Some(true),
            secret: Some(secret.to_owned()),
            tag: tag.map(str::to_owned),
            ..EndpointSecurity::default()
        }
    }

    // Both vectors were computed outside the project, with PyPI's standardwebhooks 1.3.0
    // (`pip install standardwebhooks==1.3.0`):
    //   python3 -c 'from datetime import datetime, timezone; from standardwebhooks import Webhook
    //   at = datetime.fromtimestamp(1614265330, timezone.utc); body = "{\"test\": 2432232314}"
    //   print(Webhook("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").sign("msg_p5jXN8AQM9LWM0D4loKWxJek", at, body))
    //   print(Webhook(b"MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").sign("msg_p5jXN8AQM9LWM0D4loKWxJek", at, body))'
    // The first is also the specification's own test vector. `Webhook(bytes)` is the
    // library's raw key: how a receiver verifies a secret that is not in the whsec_ form.

    #[test]
    fn a_whsec_secret_signs_with_its_decoded_key_the_specifications_vector() {
        let headers = sign(&signing(WHSEC, Some("2026-11-30")), MSG_ID, AT, BODY).unwrap();
        assert_eq!(headers[SIGNATURE], "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
        assert_eq!(headers[ID], MSG_ID);
        assert_eq!(headers[TIMESTAMP], "1614265330");
        assert_eq!(headers[SECRET_TAG], "2026-11-30");
        assert_eq!(headers.len(), 4);
    }

    #[test]
    fn any_other_secret_signs_with_its_utf8_bytes() {
        let headers = sign(&signing(SECRET, None), MSG_ID, AT, BODY).unwrap();
        assert_eq!(headers[SIGNATURE], "v1,ELhqG0Ku1gwOc1f4jyKdp3SFGFLAOdJ9bvpWLciCakI=");
    }

    #[test]
    fn a_stored_whsec_secret_that_does_not_decode_keeps_its_utf8_bytes() {
        let stored = "whsec_not-base64-stored-before-the-rule";
        assert_eq!(key(stored), stored.as_bytes());
        assert_eq!(key(WHSEC), STANDARD.decode(SECRET).unwrap());
    }

    proptest! {
        /// The plain rule the dashboard applies takes exactly what the key decodes.
        #[test]
        fn the_plain_base64_rule_is_the_decoders(text in "[A-Za-z0-9+/=_-]{0,12}|[A-Za-z0-9+/]{0,40}={0,3}") {
            prop_assert_eq!(validate::base64_len(&text), KEY_BASE64.decode(&text).ok().map(|key| key.len()));
        }
    }

    #[test]
    fn the_tag_only_when_set() {
        for tag in [None, Some(""), Some("a\nb")] {
            let headers = sign(&signing(SECRET, tag), "id", 1, b"").unwrap();
            assert!(!headers.contains_key(SECRET_TAG), "{tag:?}");
            assert_eq!(headers.len(), 3);
        }
    }

    #[test]
    fn unsigned_unless_signing_is_on_with_a_secret() {
        let off = EndpointSecurity { hmac_enabled: Some(false), ..signing(SECRET, Some("t")) };
        let unset = EndpointSecurity { hmac_enabled: None, ..signing(SECRET, Some("t")) };
        let no_secret = EndpointSecurity { secret: Some(String::new()), ..signing(SECRET, Some("t")) };
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
