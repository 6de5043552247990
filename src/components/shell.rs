//! The frame around every page: header (environment, tenant, navigation, theme), the
//! progress bar of calls in flight, focus on route change, and the way back to the
//! connection page after a 401.

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};

use crate::api::use_api;
use crate::components::toast::ToastRegion;
use crate::config::use_config;
use crate::theme::Theme;

/// The tenant in a path such as `/tenants/{tenant}/webhooks/…`.
pub fn tenant_in_path(path: &str) -> Option<&str> {
    path.strip_prefix("/tenants/")?.split('/').next().filter(|tenant| !tenant.is_empty())
}

/// Header, progress bar, main region and toasts around the routed page.
#[component]
pub fn Shell(children: Children) -> impl IntoView {
    let client = use_api();
    let config = use_config();
    let location = use_location();
    let navigate = use_navigate();

    // A 401 anywhere: to the connection page, then back here.
    Effect::new(move |_| {
        if client.unauthorized.get() {
            client.unauthorized.set(false);
            let here = format!("{}{}", location.pathname.get_untracked(), location.search.get_untracked());
            if !here.starts_with("/connect") {
                let next = String::from(js_sys::encode_uri_component(&here));
                navigate(&format!("/connect?next={next}"), Default::default());
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

    let theme = RwSignal::new(Theme::current());
    theme.get_untracked().apply(false);
    let dark = move || theme.get() == Theme::Dark;
    let toggle_theme = move |_| {
        let next = theme.get_untracked().toggled();
        next.apply(true);
        theme.set(next);
    };

    let tenant = move || tenant_in_path(&location.pathname.get()).map(str::to_owned);
    let environment = move || {
        let base_url = client.connection.get().map(|c| c.base_url).unwrap_or_default();
        config.get().environment_name(&base_url)
    };
    let busy = move || client.in_flight.get() > 0;

    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="app-header">
            <a class="brand" href="/">"Webhooks"</a>
            <span class="environment" data-testid="environment" title="API environment">{environment}</span>
            {move || tenant().map(|tenant| view! {
                <span class="tenant" data-testid="current-tenant">"Tenant " <code>{tenant}</code></span>
            })}
            <nav aria-label="Main" class="app-nav">
                {move || tenant().map(|tenant| view! { <a href=format!("/tenants/{tenant}/webhooks")>"Webhooks"</a> })}
                <a href="/connect">"Connection"</a>
            </nav>
            <button type="button" class="theme-toggle" aria-pressed=move || dark().to_string() on:click=toggle_theme>
                "Dark theme"
            </button>
        </header>
        <div class="progress" class:active=busy role="progressbar" aria-label="Loading" aria-hidden=move || (!busy()).to_string()></div>
        <main id="main" tabindex="-1" aria-busy=move || busy().to_string()>{children()}</main>
        <ToastRegion />
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

#[cfg(test)]
mod tests {
    use super::tenant_in_path;

    #[test]
    fn finds_the_tenant_in_the_path() {
        assert_eq!(tenant_in_path("/tenants/abc/webhooks"), Some("abc"));
        assert_eq!(tenant_in_path("/tenants/abc"), Some("abc"));
        assert_eq!(tenant_in_path("/tenants/"), None);
        assert_eq!(tenant_in_path("/connect"), None);
    }
}
