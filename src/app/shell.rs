//! The frame around every page: header (environment, tenant, navigation, theme), the
//! progress bar of calls in flight, focus on route change, and the way to the connection
//! page (and back) after a 401 or a call made before sign-in.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::api::config::use_config;
use crate::api::session;
use crate::api::{use_api, ApiClient};
use crate::app::theme::Theme;
use crate::shared::routes::{self, tenant_in_path, use_tenant};
use crate::widgets::confirm::{ConfirmDialog, Confirmation, Question};
use crate::widgets::toast::ToastRegion;

/// Header, progress bar, main region and toasts around the routed page; and the question
/// whether to use `offered_token`, a link's token, in place of the session open here.
#[component]
pub fn Shell(offered_token: Option<String>, children: Children) -> impl IntoView {
    let client = use_api();
    let config = use_config();
    let location = use_location();

    // A link's token: asked about first.
    let link_question =
        RwSignal::new(offered_token.map(|token| link_confirmation(client, &location.pathname.get_untracked(), token)));
    // A 401, or a call without a session: to the connection page, then back here. A token
    // the API refused is forgotten, here and on the device. The connection page is loaded
    // afresh: a route change while the router still loads a lazy page's chunk can leave
    // the page empty (leptos_router 0.8 finishes the first load over it), and a form with
    // unsaved edits gets to ask before it goes.
    // While a link's token is being asked about, that waits for the answer.
    Effect::new(move |_| {
        if client.sign_in_needed.get() && link_question.with(Option::is_none) {
            client.sign_in_needed.set(false);
            session::forget_token();
            client.connection.update(|connection| {
                if let Some(connection) = connection {
                    connection.token.clear();
                }
            });
            let here = format!("{}{}", location.pathname.get_untracked(), location.search.get_untracked());
            if !here.starts_with(routes::CONNECT) {
                if let Some(window) = web_sys::window() {
                    let _ = window.location().replace(&routes::connect_then(&here));
                }
            }
        }
    });

    // After an in-app navigation, focus the new page's heading (as a page load would).
    Effect::new(move |previous: Option<String>| {
        let path = location.pathname.get();
        if previous.is_some_and(|previous| previous != path) {
            request_animation_frame(focus_heading);
        }
        path
    });

    // A token link opened in this tab while the app runs changes only the fragment.
    let hash_change =
        window_event_listener(leptos::ev::hashchange, move |_| match session::take_token_from_location() {
            Some(token) => {
                link_question.set(Some(link_confirmation(client, &location.pathname.get_untracked(), token)))
            }
            None => reload(),
        });
    on_cleanup(move || hash_change.remove());

    let theme = RwSignal::new(Theme::current());
    theme.get_untracked().apply(false);
    let dark = move || theme.get() == Theme::Dark;
    let toggle_theme = move |_| {
        let next = theme.get_untracked().toggled();
        next.apply(true);
        theme.set(next);
    };

    let tenant = use_tenant();
    let tenant = move || tenant.text();
    let environment = move || {
        let base_url = client.connection.get().map(|c| c.base_url).unwrap_or_default();
        config.get().environment_name(&base_url)
    };
    let busy = move || client.in_flight.get() > 0;

    view! {
        <a class="skip-link" href="#main">
            "Skip to content"
        </a>
        <header class="app-header">
            <a class="brand" href=routes::HOME>
                "Webhooks"
            </a>
            <span class="environment" data-testid="environment" title="API environment">
                {environment}
            </span>
            {move || {
                tenant()
                    .map(|tenant| {
                        view! {
                            <span class="tenant" data-testid="current-tenant">
                                "Tenant "
                                <code>{tenant}</code>
                            </span>
                        }
                    })
            }}
            <nav aria-label="Main" class="app-nav">
                {move || {
                    tenant()
                        .map(|tenant| {
                            view! {
                                <a href=routes::webhooks(&tenant, "")>"Webhooks"</a>
                                <a href=routes::events(&tenant, "")>"Events"</a>
                                <a href=routes::event_types(&tenant)>"Event types"</a>
                            }
                        })
                }}
                <a href=routes::CONNECT>"Connection"</a>
            </nav>
            <button type="button" class="theme-toggle" aria-pressed=move || dark().to_string() on:click=toggle_theme>
                "Dark theme"
            </button>
        </header>
        <div
            class="progress"
            class:active=busy
            role="progressbar"
            aria-label="Loading"
            aria-hidden=move || (!busy()).to_string()
        ></div>
        <main id="main" tabindex="-1" aria-busy=move || busy().to_string()>
            {children()}
        </main>
        <ToastRegion />
        <ConfirmDialog pending=link_question />
    }
}

/// Reloads the page: what was loaded so far was loaded as another session.
fn reload() {
    if let Some(window) = web_sys::window() {
        let _ = window.location().reload();
    }
}

/// Whether to sign this tab in with a link's `token` (for the tenant of `path`) in place
/// of the session open here.
fn link_confirmation(client: ApiClient, path: &str, token: String) -> Confirmation {
    let link_tenant = tenant_in_path(path).unwrap_or("(not named)").to_owned();
    let open_tenant = session::last_tenant().unwrap_or_else(|| "another tenant".to_owned());
    let remembered = client.connection.with_untracked(|c| c.as_ref().is_some_and(|c| c.remember));
    let forgotten = if remembered { " The token remembered on this device is then forgotten." } else { "" };
    let signed_in = client.connection.with_untracked(|c| c.as_ref().is_some_and(|c| !c.token.is_empty()));
    let message = if signed_in {
        format!(
            "This link carries a token for tenant {link_tenant}. This tab is signed in with another token (tenant \
                {open_tenant}). Use the link's token in this tab instead?{forgotten} Cancel keeps your session."
        )
    } else {
        format!(
            "This link carries a token for tenant {link_tenant}. Sign in with it only if you trust whoever sent it: \
                what you then do here is done in that tenant. Cancel takes you to the connection page instead."
        )
    };
    Confirmation {
        question: Question {
            title: "Sign in with this link's token?".to_owned(),
            message,
            confirm_label: "Use the link's token".to_owned(),
        },
        on_confirm: Callback::new(move |()| {
            // Before the question closes: the calls made meanwhile without a session must
            // not send this tab to the connection page (nor forget the token) first.
            client.sign_in_needed.set(false);
            session::sign_in_here(token.clone());
            reload();
        }),
    }
}

fn focus_heading() {
    use wasm_bindgen::JsCast;
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    let heading = document.query_selector("#main h1").ok().flatten();
    if let Some(heading) = heading.and_then(|h| h.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = heading.set_attribute("tabindex", "-1");
        let _ = heading.focus();
    }
}
