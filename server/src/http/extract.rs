//! What every handler shares: the [`Caller`] (bearer token → tenant and grants), the
//! path's locators, the query parsers, and the request body.
//!
//! The order of checks is the contract's (ARCHITECTURE.md): 401 and 429 come from the
//! `Caller` extractor; then, in the handler, `authorize` (400 malformed tenant, 403),
//! `parse_locator` (400 malformed locator), the body (415, 413, 400), and last the 404.

use std::collections::BTreeMap;
use std::hash::Hash;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};

use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{header, Method, StatusCode};
use axum::Json;
use webhooks_api::{validate, Locator, LocatorError, TenantLocator};

use super::{AppState, ADDRESSES_KEPT};
use crate::auth::{self, Principal};
use crate::error::ApiFailure;
use crate::limits::{InFlight, Refusal};
use crate::store::{Page, WebhookFilter};

/// Largest `count` accepted.
const MAX_PAGE_SIZE: u32 = 1000;
/// Largest `offset` accepted: rows skipped are rows read, so a page far past the end is
/// bounded work too (ten times the default quota of webhooks and of diverted events). Within
/// the int32 of Socotra's schema (Schemathesis found 2^31 taken before there was a bound).
pub(super) const MAX_OFFSET: u32 = 100_000;
/// Most `eventTypes` values in one list query (each is a scan of every row's types).
const MAX_EVENT_TYPE_FILTERS: usize = 100;

/// A JSON request body, checked only when the handler `?`s it.
// axum runs every extractor before the handler's body, so a plain `Json<T>` would answer
// 415, 413 or 400 before `authorize` and `parse_locator` could answer 400 or 403 for the path.
// Taking the rejection lets handlers check the path first, as the order of checks says.
pub(super) type JsonBody<T> = Result<Json<T>, JsonRejection>;

/// The authenticated caller of a request, holding its places among the requests in
/// flight of its token and of its tenant until the handler ends.
pub(super) struct Caller {
    principal: Principal,
    // Its token's and its tenant's places in flight, then its places to run.
    _places: [tokio::sync::OwnedSemaphorePermit; 4],
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiFailure;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim().to_owned())
            .filter(|token| !token.is_empty());
        let principal = match token {
            // Its own connection: a token is never checked behind a list query. A token
            // that is not of the shape `issue` gives is no token: no lookup.
            Some(token) if auth::well_formed(&token) => {
                state.db.read_for_authentication(move |connection| auth::authenticate(connection, &token)).await?
            }
            _ => None,
        };
        let Some(principal) = principal else {
            if let Some(limiter) = &state.address_limiter {
                if limiter.len() > ADDRESSES_KEPT {
                    limiter.retain_recent();
                }
                let client = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|info| address_key(info.0.ip()));
                check_rate(limiter, &client, "this address without a valid token")?;
            }
            return Err(ApiFailure::unauthenticated());
        };
        if let Some(limiter) = &state.limiter {
            check_rate(limiter, &principal.token_id, "this token")?;
        }
        let token = enter(&state.bounds.token_in_flight, &principal.token_id, "this token")?;
        let tenant = enter(&state.bounds.tenant_in_flight, &principal.tenant, "this tenant")?;
        let read = matches!(parts.method, Method::GET | Method::HEAD);
        let [running, kind] =
            state.bounds.admission.admit(principal.tenant, read).await.map_err(|refusal| match refusal {
                Refusal::Tenant(wait) => ApiFailure::unavailable(
                    format!(
                        "this tenant's requests kept every place it may run in for {} ms: send fewer at once",
                        wait.as_millis()
                    ),
                    1,
                ),
                Refusal::Server => ApiFailure::unavailable(
                    format!(
                        "the server is running as many {} as it may: try again shortly",
                        if read { "reads" } else { "writes" }
                    ),
                    1,
                ),
            })?;
        Ok(Caller { principal, _places: [token, tenant, running, kind] })
    }
}

/// A place among `key`'s requests in flight, or 429 with `Retry-After` when all are taken.
fn enter<K: Hash + Eq + Clone>(
    in_flight: &InFlight<K>,
    key: &K,
    who: &str,
) -> Result<tokio::sync::OwnedSemaphorePermit, ApiFailure> {
    in_flight.try_enter(key).ok_or_else(|| {
        ApiFailure::rate_limited(&format!("{who}: {} requests in flight is the most", in_flight.max()), 1)
    })
}

/// 429 with `Retry-After` when `key` has used up its quota.
fn check_rate<K: Hash + Eq + Clone>(
    limiter: &governor::DefaultKeyedRateLimiter<K>,
    key: &K,
    who: &str,
) -> Result<(), ApiFailure> {
    limiter.check_key(key).map_err(|not_until| {
        let wait = not_until.wait_time_from(governor::clock::Clock::now(limiter.clock()));
        ApiFailure::rate_limited(who, wait.as_secs() + 1)
    })
}

/// The key of a client's address: an IPv4 address, or an IPv6 client's /64 (one host
/// holds a whole /64, so its single addresses would be quotas without end).
pub(crate) fn address_key(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(Ipv6Addr::from(u128::from(v6) & !u128::from(u64::MAX))),
        },
        v4 => v4,
    }
}

impl Caller {
    /// Parses the path's tenant (400), then checks the token's tenant and grants (403).
    /// Handlers call it before anything else of the request is checked.
    pub(super) fn authorize(&self, tenant: &str, needs: &[&str]) -> Result<TenantLocator, ApiFailure> {
        let tenant = parse_tenant(tenant)?;
        if tenant != self.principal.tenant {
            return Err(ApiFailure::new(StatusCode::FORBIDDEN, format!("this token has no access to tenant {tenant}")));
        }
        if let Some(missing) =
            needs.iter().find(|need| !self.principal.grants.iter().any(|grant| grant.as_str() == **need))
        {
            return Err(ApiFailure::new(StatusCode::FORBIDDEN, format!("this token lacks the permission {missing}")));
        }
        Ok(tenant)
    }
}

/// A path locator that does not parse: 400 naming the parameter.
fn bad_path(parameter: &str, error: LocatorError) -> ApiFailure {
    ApiFailure::invalid(error.to_string(), BTreeMap::from([(parameter.to_owned(), error.to_string())]))
}

/// Parses the path's `tenantLocator`.
pub(super) fn parse_tenant(text: &str) -> Result<TenantLocator, ApiFailure> {
    text.parse().map_err(|error| bad_path("tenantLocator", error))
}

/// Parses a webhook or event locator of the path.
pub(super) fn parse_locator(parameter: &str, text: &str) -> Result<Locator, ApiFailure> {
    text.parse().map_err(|error| bad_path(parameter, error))
}

fn parse_number(key: &str, value: &str, max: u32, errors: &mut BTreeMap<String, String>) -> Option<u32> {
    match value.parse::<u32>() {
        Ok(n) if n <= max => Some(n),
        _ => {
            errors.insert(key.to_owned(), format!("must be a whole number from 0 to {max}"));
            None
        }
    }
}

fn parse_boolean(key: &str, value: &str, errors: &mut BTreeMap<String, String>) -> Option<bool> {
    match value {
        "true" => Some(true),
        "false" => Some(false),
        _ => {
            errors.insert(key.to_owned(), "must be true or false".to_owned());
            None
        }
    }
}

/// Reads `offset` and `count` into `page`; true when `key` was one of them.
fn parse_page_parameter(page: &mut Page, key: &str, value: &str, errors: &mut BTreeMap<String, String>) -> bool {
    match key {
        "offset" => page.offset = parse_number(key, value, MAX_OFFSET, errors).unwrap_or(0),
        "count" => page.count = parse_number(key, value, MAX_PAGE_SIZE, errors).unwrap_or(0),
        _ => return false,
    }
    true
}

/// A 400 naming every bad query parameter, if there is one.
pub(super) fn invalid_parameters(errors: BTreeMap<String, String>) -> Result<(), ApiFailure> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiFailure::invalid("invalid query parameters: see fieldErrors", errors))
    }
}

/// Parses a query with only `offset` and `count`.
pub(super) fn parse_page(query: &str) -> Result<Page, ApiFailure> {
    let mut page = Page::default();
    let mut errors = BTreeMap::new();
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        parse_page_parameter(&mut page, &key, &value, &mut errors);
    }
    invalid_parameters(errors).map(|()| page)
}

/// Parses the list endpoint's query string into a filter and whether the answer is the
/// `extended` one (`{listCompleted, items}`), naming each bad parameter.
pub(super) fn parse_filter(query: &str) -> Result<(WebhookFilter, bool), ApiFailure> {
    let mut filter = WebhookFilter::default();
    let mut extended = false;
    let mut errors = BTreeMap::new();
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        if parse_page_parameter(&mut filter.page, &key, &value, &mut errors) {
            continue;
        }
        match &*key {
            "name" => filter.name = Some(value.into_owned()).filter(|name| !name.is_empty()),
            "enabled" => filter.enabled = parse_boolean("enabled", &value, &mut errors),
            "suspended" => filter.suspended = parse_boolean("suspended", &value, &mut errors),
            "active" => filter.active = parse_boolean("active", &value, &mut errors),
            "eventTypes" => {
                filter.event_types.extend(value.split(',').map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned))
            }
            "extended" => extended = parse_boolean("extended", &value, &mut errors).unwrap_or(false),
            _ => {} // EC may have more parameters; unknown ones are ignored.
        }
    }
    if filter.name.as_deref().is_some_and(|name| name.chars().count() > validate::MAX_NAME_CHARS) {
        errors.insert("name".to_owned(), format!("use at most {} characters", validate::MAX_NAME_CHARS));
    }
    if filter.event_types.len() > MAX_EVENT_TYPE_FILTERS {
        errors.insert(
            "eventTypes".to_owned(),
            format!("give at most {MAX_EVENT_TYPE_FILTERS} event types ({} given)", filter.event_types.len()),
        );
    }
    invalid_parameters(errors).map(|()| (filter, extended))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_defaults_and_parses_every_parameter() {
        assert_eq!(parse_filter("").unwrap(), (WebhookFilter::default(), false));
        let (filter, extended) = parse_filter(
            "offset=5&count=10&name=Bill%20ing&enabled=true&suspended=false&active=true&eventTypes=a,b&eventTypes=c&extended=true",
        )
        .unwrap();
        assert!(extended);
        assert!(!parse_filter("extended=false").unwrap().1);
        assert_eq!(parse_filter("extended=yes").unwrap_err().field_errors["extended"], "must be true or false");
        assert_eq!(filter.page, Page { offset: 5, count: 10 });
        assert_eq!(filter.name.as_deref(), Some("Bill ing"));
        assert_eq!((filter.enabled, filter.suspended, filter.active), (Some(true), Some(false), Some(true)));
        assert_eq!(filter.event_types, ["a", "b", "c"]);
    }

    #[test]
    fn an_ipv6_client_is_limited_by_its_64() {
        let key = |text: &str| address_key(text.parse().unwrap()).to_string();
        assert_eq!(key("2001:db8:1:2:3:4:5:6"), "2001:db8:1:2::");
        assert_eq!(key("2001:db8:1:2:ffff::1"), "2001:db8:1:2::");
        assert_eq!(key("::ffff:192.0.2.7"), "192.0.2.7");
        assert_eq!(key("192.0.2.7"), "192.0.2.7");
    }

    #[test]
    fn filter_rejects_bad_values_naming_them() {
        let failure = parse_filter("count=1001&offset=-1&enabled=yes").unwrap_err();
        assert_eq!(failure.status, StatusCode::BAD_REQUEST);
        assert_eq!(failure.field_errors.keys().collect::<Vec<_>>(), ["count", "enabled", "offset"]);
        assert!(parse_filter("count=1000").is_ok());
        assert!(parse_filter("offset=100000").is_ok());
        assert_eq!(
            parse_filter("offset=100001").unwrap_err().field_errors["offset"],
            "must be a whole number from 0 to 100000"
        );
        assert_eq!(parse_page("count=0&offset=3").unwrap(), Page { offset: 3, count: 0 });
        assert_eq!(parse_page("offset=100000").unwrap().offset, 100_000);
        assert!(parse_page("offset=2147483648").is_err(), "beyond an int32, and beyond the bound");
        assert!(parse_page("count=x").is_err());
    }

    #[test]
    fn filter_takes_at_most_100_event_types_and_a_255_character_name() {
        let types = |n: usize| (0..n).map(|i| format!("t.{i}")).collect::<Vec<_>>();
        assert_eq!(parse_filter(&format!("eventTypes={}", types(100).join(","))).unwrap().0.event_types.len(), 100);
        let over = parse_filter(&format!("eventTypes={}&eventTypes=more", types(100).join(","))).unwrap_err();
        assert_eq!(over.field_errors["eventTypes"], "give at most 100 event types (101 given)");
        assert!(parse_filter(&format!("name={}", "é".repeat(255))).is_ok());
        let long = parse_filter(&format!("name={}", "é".repeat(256))).unwrap_err();
        assert_eq!(long.field_errors.keys().collect::<Vec<_>>(), ["name"]);
    }
}
