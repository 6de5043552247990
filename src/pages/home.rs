//! `/`: back to the last tenant, or how to get in.

use leptos::prelude::*;
use leptos_router::components::Redirect;

use crate::session;

/// Sends the user to the tenant they last opened, or explains how to sign in.
#[component]
pub fn Home() -> impl IntoView {
    match session::last_tenant() {
        Some(tenant) => view! { <Redirect path=format!("/tenants/{tenant}/webhooks") /> }.into_any(),
        None => view! {
            <section class="panel">
                <h1>"Welcome"</h1>
                <p>
                    "Open the dashboard through the link that "<code>"make dev"</code>
                    " prints: it signs you in to the demo tenant."
                </p>
            </section>
        }
        .into_any(),
    }
}
