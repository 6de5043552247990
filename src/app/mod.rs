//! The app shell and the route assembly: [`App`] provides the context every page uses
//! (the API client, `config.json`, the toasts, and the tenant of the address, read once
//! for every page below `/tenants/:tenant`), and assembles the features' routes. It also
//! holds the table of the lazy routes' chunks to preload.

mod home;
mod not_found;
pub mod shell;
pub mod theme;

use leptos::children::ToChildren;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{Route, RouteChildren, Router, Routes, RoutesProps};
use leptos_router::{path, LazyRoute};

use crate::api::config::{self, AppConfig};
use crate::api::{session, ApiClient};
use crate::shared::routes::{self, Tenant};
use crate::widgets::lazy::set_preloader;
use crate::widgets::toast::Toasts;
use crate::{connection, events, webhooks};
use home::Home;
use not_found::NotFound;
use shell::Shell;

/// The whole app: takes a token handed over in the URL fragment, loads `config.json`,
/// provides the API client and toasts, and routes.
#[component]
pub fn App() -> impl IntoView {
    let offered_token = session::take_token_from_location();
    let connection = session::load_connection();
    // A page that needs a session, opened without one, starts at the connection page;
    // one opened by a token link first asks about the link's token (the shell).
    if connection.is_none() && offered_token.is_none() {
        send_to_sign_in();
    }
    let client = ApiClient::new(connection);
    let config = RwSignal::new(AppConfig::default());
    let toasts = Toasts::new();
    provide_context(client);
    provide_context(config);
    provide_context(toasts);
    set_preloader(preload_pages);
    spawn_local(async move {
        match config::load().await {
            Ok(loaded) => config.set(loaded),
            Err(error) => toasts.error(error.to_string()),
        }
    });

    view! {
        <Router>
            <Frame offered_token />
        </Router>
    }
}

/// Inside the router: the tenant of the address (read once, for every page), the shell,
/// and every route.
#[component]
fn Frame(offered_token: Option<String>) -> impl IntoView {
    Tenant::provide();
    // The features' route tables side by side: built here rather than in `view!`, which
    // takes a block among `<Routes>`' children for a view.
    let children = RouteChildren::to_children(|| {
        let home = view! { <Route path=path!("/") view=Home /> }.into_inner();
        (home, connection::routes(), webhooks::routes(), events::routes())
    });
    let routes = Routes(RoutesProps::builder().fallback(NotFound).children(children).build());
    view! { <Shell offered_token>{routes}</Shell> }
}

/// Fetches, one after the other, the chunks of the pages a user reaches from the list and
/// from a webhook (its page, the form, the events pages), once per visit, so that opening
/// one waits for no code. Run at idle time after a page's first paint (the pages call it
/// through `widgets::lazy::preload_pages`); without the `split` feature there is nothing
/// to fetch.
fn preload_pages() {
    use std::sync::atomic::{AtomicBool, Ordering};
    static STARTED: AtomicBool = AtomicBool::new(false);
    if STARTED.swap(true, Ordering::Relaxed) {
        return;
    }
    request_idle_callback(|| {
        spawn_local(async {
            webhooks::WebhookDetailRoute::preload().await;
            webhooks::EditWebhookRoute::preload().await;
            events::EventsRoute::preload().await;
            events::EventTypesRoute::preload().await;
        })
    });
}

/// Whether the page at `path` calls the API (so needs a session): every page but the
/// start page and the connection page.
fn needs_session(path: &str) -> bool {
    path != routes::HOME && !path.starts_with(routes::CONNECT)
}

/// Without a session, turns the address of a page that needs one into the connection
/// page's, with the way back (before the router reads it, so that nothing is loaded or
/// asked of the API first).
fn send_to_sign_in() {
    let Some(window) = web_sys::window() else { return };
    let location = window.location();
    let path = location.pathname().unwrap_or_default();
    if needs_session(&path) {
        let here = format!("{path}{}", location.search().unwrap_or_default());
        if let Ok(history) = window.history() {
            let _ =
                history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&routes::connect_then(&here)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_page_but_the_start_and_the_connection_page_needs_a_session() {
        assert!(needs_session("/tenants/x/webhooks"));
        assert!(needs_session("/tenants/x/events/01JD8Z6Q4V3N5K7M9P1R2S3T4V"));
        assert!(!needs_session(routes::HOME));
        assert!(!needs_session(routes::CONNECT));
    }
}
