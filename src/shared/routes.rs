//! Every path of the console in one place: the links and redirects (the route patterns
//! themselves are `lib.rs`'s `<Routes>`), and the reading of a route's parameters.

use std::fmt::Display;

use leptos_router::params::ParamsMap;
use webhooks_api::{Locator, LocatorError, TenantLocator};

use crate::api::ApiError;
use crate::list_query::DetailTab;

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

/// The tenant of a `/tenants/:tenant/…` route.
pub fn route_tenant(params: &ParamsMap) -> Result<TenantLocator, ApiError> {
    route_locator(&params.get("tenant").unwrap_or_default())
}

/// The tenant and the locator (a webhook's, an event's) of a `/tenants/:tenant/…/:locator…` route.
pub fn route_tenant_and_locator(params: &ParamsMap) -> Result<(TenantLocator, Locator), ApiError> {
    Ok((route_tenant(params)?, route_locator(&params.get("locator").unwrap_or_default())?))
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
