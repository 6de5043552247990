//! `/`: the last tenant when signed in, else the connection page.

use leptos::prelude::*;
use leptos_router::components::Redirect;

use crate::api::session;
use crate::api::use_api;
use crate::shared::routes;

/// Sends the user on: to the tenant they last opened, or to sign in.
#[component]
pub fn Home() -> impl IntoView {
    let signed_in = use_api().connection.get_untracked().is_some();
    let path = match session::last_tenant() {
        Some(tenant) if signed_in => routes::webhooks(tenant, ""),
        _ => routes::CONNECT.to_owned(),
    };
    view! { <Redirect path /> }
}
