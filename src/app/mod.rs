//! The webhooks admin console: a Leptos client-side app that calls EC's Webhooks API.
//!
//! `main.rs` mounts [`App`]; pages live in `pages/`, widgets in `components/`, every
//! HTTP call in [`api`], the runtime configuration in [`config`], and where the token
//! and tenants are kept in [`session`].

pub mod api;
pub mod bulk;
mod components;
pub mod config;
pub mod events_query;
pub mod form_model;
pub mod format;
pub mod health;
mod lazy;
pub mod list_query;
mod pages;
pub mod routes;
pub mod session;
pub mod status;
pub mod theme;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::api::ApiClient;
use crate::components::toast::Toasts;
use crate::components::Shell;
use crate::config::AppConfig;
use crate::lazy::{
    ConnectRoute, EditWebhookRoute, EventRoute, EventTypesRoute, EventsRoute, NewWebhookRoute, WebhookDetailRoute,
};
use crate::pages::{Home, NotFound, WebhookListPage};
use leptos_router::Lazy;

/// The whole app: takes a token handed over in the URL fragment, loads `config.json`,
/// provides the API client and toasts, and routes.
#[component]
pub fn App() -> impl IntoView {
    let offered_token = session::take_token_from_location();
    let connection = session::load_connection();
    // A page that needs a session, opened without one, starts at the connection page.
    if connection.is_none() {
        session::send_to_sign_in();
    }
    let client = ApiClient::new(connection);
    let config = RwSignal::new(AppConfig::default());
    let toasts = Toasts::new();
    provide_context(client);
    provide_context(config);
    provide_context(toasts);
    spawn_local(async move {
        match config::load().await {
            Ok(loaded) => config.set(loaded),
            Err(error) => toasts.error(error.to_string()),
        }
    });

    view! {
        <Router>
            <Shell offered_token>
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=Home />
                    <Route path=path!("/connect") view={Lazy::<ConnectRoute>::new()} />
                    <Route path=path!("/tenants/:tenant/webhooks") view=WebhookListPage />
                    <Route path=path!("/tenants/:tenant/webhooks/new") view={Lazy::<NewWebhookRoute>::new()} />
                    <Route path=path!("/tenants/:tenant/webhooks/:locator") view={Lazy::<WebhookDetailRoute>::new()} />
                    <Route
                        path=path!("/tenants/:tenant/webhooks/:locator/edit")
                        view={Lazy::<EditWebhookRoute>::new()}
                    />
                    <Route path=path!("/tenants/:tenant/events") view={Lazy::<EventsRoute>::new()} />
                    <Route path=path!("/tenants/:tenant/events/:locator") view={Lazy::<EventRoute>::new()} />
                    <Route path=path!("/tenants/:tenant/event-types") view={Lazy::<EventTypesRoute>::new()} />
                </Routes>
            </Shell>
        </Router>
    }
}
