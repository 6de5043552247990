//! The webhooks admin console: a Leptos client-side app that calls EC's Webhooks API.
//!
//! `main.rs` mounts [`App`]; pages live in `pages/`, widgets in `components/`, every
//! HTTP call in [`api`], and the sign-in token's handling in [`session`].

pub mod api;
mod components;
mod pages;
pub mod session;
pub mod status;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::pages::{Home, NotFound, WebhookListPage};

/// The whole app: adopts a token handed over in the URL fragment, then routes.
#[component]
pub fn App() -> impl IntoView {
    session::adopt_token_from_location();
    view! {
        <Router>
            <header class="app-header">
                <a class="brand" href="/">"Webhooks"</a>
                <span class="brand-sub">"Socotra Enterprise Core"</span>
            </header>
            <main id="main">
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=Home />
                    <Route path=path!("/tenants/:tenant/webhooks") view=WebhookListPage />
                </Routes>
            </main>
        </Router>
    }
}
