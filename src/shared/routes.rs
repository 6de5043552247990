//! Every path of the console in one place: the links and redirects (the route patterns
//! themselves are each feature's `…Routes`, assembled by `app`), and the reading of a
//! route's parameters: the tenant once for every page ([`Tenant`]), a locator.

use std::fmt::Display;

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_params_map};
use leptos_router::params::ParamsMap;
use webhooks_api::{Locator, LocatorError, TenantLocator};

use crate::api::{ApiError, Call, Prefetch};

/// `?k=v&…` for `pairs` (values percent-encoded), or nothing when there are none.
pub fn query_string(pairs: &[(&str, String)]) -> String {
    if pairs.is_empty() {
        return String::new();
    }
    let encoded: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={}", encode(v))).collect();
    format!("?{}", encoded.join("&"))
}

/// Percent-encodes a query value (RFC 3986 unreserved characters stay).
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b',' => (byte as char).to_string(),
            _ => format!("%{byte:02X}"),
        })
        .collect()
}

/// The sections of a webhook's detail page (`?tab=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DetailTab {
    /// Every field, grouped as in the form.
    #[default]
    Overview,
    /// The diverted events, with `?page=`.
    Diverted,
    /// The webhook as the API returned it.
    Json,
}

impl DetailTab {
    /// Every tab, in the order shown.
    pub const ALL: [Self; 3] = [Self::Overview, Self::Diverted, Self::Json];

    /// Its value in the URL.
    pub fn key(self) -> &'static str {
        match self {
            Self::Overview => "overview",
            Self::Diverted => "diverted",
            Self::Json => "json",
        }
    }

    /// Its label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Overview => "Overview",
            Self::Diverted => "Diverted events",
            Self::Json => "Raw JSON",
        }
    }

    /// The tab named in the URL; the overview for anything else.
    pub fn from_key(key: Option<String>) -> Self {
        Self::ALL.into_iter().find(|tab| key.as_deref() == Some(tab.key())).unwrap_or_default()
    }
}

/// The start page: the last tenant, or the connection page.
pub const HOME: &str = "/";

/// The connection page.
pub const CONNECT: &str = "/connect";

/// The connection page, then back to `next` (a local path with its query) once connected.
pub fn connect_then(next: &str) -> String {
    format!("{CONNECT}?next={}", String::from(js_sys::encode_uri_component(next)))
}

/// A tenant's webhook list, with `query` (`""`, or `?…` from `ListView::to_query`).
pub fn webhooks(tenant: impl Display, query: &str) -> String {
    format!("/tenants/{tenant}/webhooks{query}")
}

/// The list's URL parameter of the event types it is filtered by (comma-separated).
pub const TYPES_PARAM: &str = "types";

/// A tenant's webhook list, filtered to those that receive `event_type`.
pub fn webhooks_of_type(tenant: impl Display, event_type: &str) -> String {
    webhooks(tenant, &query_string(&[(TYPES_PARAM, event_type.to_owned())]))
}

/// The form for a new webhook.
pub fn new_webhook(tenant: impl Display) -> String {
    format!("/tenants/{tenant}/webhooks/new")
}

/// The form for a new webhook that starts as a copy of webhook `from`.
pub fn duplicate_webhook(tenant: impl Display, from: Locator) -> String {
    format!("{}?from={from}", new_webhook(tenant))
}

/// A webhook's page (its overview tab).
pub fn webhook(tenant: impl Display, locator: impl Display) -> String {
    format!("/tenants/{tenant}/webhooks/{locator}")
}

/// A tab of a webhook's page; `page` for the tabs that are paged (diverted events).
pub fn webhook_tab(tenant: impl Display, locator: Locator, tab: DetailTab, page: Option<u32>) -> String {
    let page = page.map(|page| format!("&page={page}")).unwrap_or_default();
    format!("{}?tab={}{page}", webhook(tenant, locator), tab.key())
}

/// A webhook's edit form.
pub fn edit_webhook(tenant: impl Display, locator: Locator) -> String {
    format!("{}/edit", webhook(tenant, locator))
}

/// A tenant's events, with `query` (`""`, or `?…` from `EventsView::to_query`).
pub fn events(tenant: impl Display, query: &str) -> String {
    format!("/tenants/{tenant}/events{query}")
}

/// One event's page.
pub fn event(tenant: impl Display, locator: Locator) -> String {
    format!("/tenants/{tenant}/events/{locator}")
}

/// The catalog of event types, with what the tenant's webhooks receive.
pub fn event_types(tenant: impl Display) -> String {
    format!("/tenants/{tenant}/event-types")
}

/// The tenant in a path such as `/tenants/{tenant}/webhooks/…`.
pub fn tenant_in_path(path: &str) -> Option<&str> {
    path.strip_prefix("/tenants/")?.split('/').next().filter(|tenant| !tenant.is_empty())
}

/// A locator from the URL; a malformed one reads as "not found".
pub fn route_locator<T: std::str::FromStr<Err = LocatorError>>(text: &str) -> Result<T, ApiError> {
    text.parse().map_err(|error: LocatorError| ApiError::NotFound(error.to_string()))
}

/// The locator (a webhook's, an event's) of a `/tenants/:tenant/…/:locator…` route.
pub fn locator_param(params: &ParamsMap) -> Result<Locator, ApiError> {
    route_locator(&params.get("locator").unwrap_or_default())
}

/// The tenant of the `/tenants/:tenant/…` routes: read from the address and checked here,
/// once, for every page below them (as context, [`use_tenant`]). A malformed tenant reads
/// as "not found".
#[derive(Clone, Copy)]
// The tenant's text as it stands in the address, so that it changes only with the tenant
// (a `Memo<String>`, the type the router's own path already is: no new code for it).
pub struct Tenant(Memo<String>);

impl Tenant {
    /// Follows the address's tenant; provided once by the app, inside the router.
    pub fn provide() {
        let location = use_location();
        let text =
            Memo::new(move |_| location.pathname.with(|path| tenant_in_path(path).unwrap_or_default().to_owned()));
        provide_context(Self(text));
    }

    /// The tenant (tracked: a page that reads it follows a change of tenant); a malformed
    /// one is "not found", which the page's error panel says.
    pub fn get(self) -> Result<TenantLocator, ApiError> {
        self.0.with(|text| route_locator(text))
    }

    /// The tenant, untracked.
    pub fn get_untracked(self) -> Result<TenantLocator, ApiError> {
        self.0.with_untracked(|text| route_locator(text))
    }

    /// The tenant as the address writes it, when it is well-formed (tracked).
    pub fn text(self) -> Option<String> {
        self.0.with(|text| route_locator::<TenantLocator>(text).is_ok().then(|| text.clone()))
    }

    /// A link made for the tenant by `make` (tracked; empty while the address names none).
    pub fn link(self, make: &dyn Fn(TenantLocator) -> String) -> String {
        self.get().map(make).unwrap_or_default()
    }
}

/// Starts `call` for the tenant and the `:locator` of the route (a webhook's page, its
/// form, an event's page) as soon as the route is chosen.
pub fn prefetch_by_locator<T: 'static>(call: fn(TenantLocator, Locator) -> Call<T>) -> Prefetch<T> {
    let (tenant, params) = (use_tenant(), use_params_map());
    Prefetch::start(move || Ok(Some(call(tenant.get()?, params.with(locator_param)?))))
}

/// The tenant of the page, as the app read it from the address.
pub fn use_tenant() -> Tenant {
    expect_context()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TENANT: &str = "6f1c7a52-0d3e-4b8a-9d1e-5e2f3a4b5c6d";
    const WEBHOOK: &str = "01JD8Z6Q4V3N5K7M9P1R2S3T4V";

    #[test]
    fn builds_every_page_of_a_tenant() {
        let tenant: TenantLocator = TENANT.parse().unwrap();
        let locator: Locator = WEBHOOK.parse().unwrap();
        assert_eq!(webhooks(tenant, ""), format!("/tenants/{TENANT}/webhooks"));
        assert_eq!(webhooks(tenant, "?page=2"), format!("/tenants/{TENANT}/webhooks?page=2"));
        assert_eq!(new_webhook(tenant), format!("/tenants/{TENANT}/webhooks/new"));
        assert_eq!(duplicate_webhook(tenant, locator), format!("/tenants/{TENANT}/webhooks/new?from={WEBHOOK}"));
        assert_eq!(webhook(tenant, locator), format!("/tenants/{TENANT}/webhooks/{WEBHOOK}"));
        assert_eq!(edit_webhook(tenant, locator), format!("/tenants/{TENANT}/webhooks/{WEBHOOK}/edit"));
        assert_eq!(
            webhook_tab(tenant, locator, DetailTab::Diverted, Some(3)),
            format!("/tenants/{TENANT}/webhooks/{WEBHOOK}?tab=diverted&page=3")
        );
        assert_eq!(
            webhook_tab(tenant, locator, DetailTab::Json, None),
            format!("/tenants/{TENANT}/webhooks/{WEBHOOK}?tab=json")
        );
        assert_eq!(events(tenant, "?window=24h"), format!("/tenants/{TENANT}/events?window=24h"));
        assert_eq!(event(tenant, locator), format!("/tenants/{TENANT}/events/{WEBHOOK}"));
        assert_eq!(event_types(tenant), format!("/tenants/{TENANT}/event-types"));
    }

    #[test]
    fn detail_tabs_from_the_url() {
        for tab in DetailTab::ALL {
            assert_eq!(DetailTab::from_key(Some(tab.key().to_owned())), tab);
        }
        assert_eq!(DetailTab::from_key(None), DetailTab::Overview);
        assert_eq!(DetailTab::from_key(Some("nope".into())), DetailTab::Overview);
    }

    #[test]
    fn a_malformed_locator_in_the_url_reads_as_not_found() {
        let tenant: TenantLocator = route_locator(TENANT).unwrap();
        assert_eq!(tenant.to_string(), TENANT);
        assert_eq!(route_locator::<Locator>(WEBHOOK).unwrap().to_string(), WEBHOOK);
        assert!(matches!(route_locator::<TenantLocator>("nope"), Err(ApiError::NotFound(_))));
        assert!(matches!(route_locator::<Locator>(""), Err(ApiError::NotFound(_))));
    }

    #[test]
    fn finds_the_tenant_in_the_path() {
        assert_eq!(tenant_in_path("/tenants/abc/webhooks"), Some("abc"));
        assert_eq!(tenant_in_path("/tenants/abc"), Some("abc"));
        assert_eq!(tenant_in_path("/tenants/"), None);
        assert_eq!(tenant_in_path(CONNECT), None);
    }
}
