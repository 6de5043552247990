//! One module per route.

mod connect;
mod home;
mod not_found;
mod webhook_detail;
mod webhook_edit;
mod webhook_list;

pub use connect::ConnectPage;
pub use home::Home;
pub use not_found::NotFound;
pub use webhook_detail::WebhookDetailPage;
pub use webhook_edit::{EditWebhookPage, NewWebhookPage};
pub use webhook_list::WebhookListPage;

use leptos_router::params::ParamsMap;
use webhooks_api::{Locator, LocatorError, TenantLocator};

use crate::api::ApiError;

/// A locator from the URL; a malformed one reads as "not found".
pub fn route_locator<T: std::str::FromStr<Err = LocatorError>>(text: &str) -> Result<T, ApiError> {
    text.parse().map_err(|error: LocatorError| ApiError::NotFound(error.to_string()))
}

/// Where the webhook `locator` of `tenant` is shown: `/tenants/{tenant}/webhooks/{locator}`.
pub fn webhook_path(tenant: TenantLocator, locator: Locator) -> String {
    format!("/tenants/{tenant}/webhooks/{locator}")
}

/// The tenant and the webhook of a `/tenants/:tenant/webhooks/:locator…` route.
pub fn route_webhook(params: &ParamsMap) -> Result<(TenantLocator, Locator), ApiError> {
    let tenant = route_locator(&params.get("tenant").unwrap_or_default())?;
    Ok((tenant, route_locator(&params.get("locator").unwrap_or_default())?))
}
