//! The page for any path the app does not know.

use leptos::prelude::*;

use crate::shared::routes;

/// Says the page does not exist and offers the way home.
#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <section class="panel">
            <h1>"Page not found"</h1>
            <p>"There is nothing at this address. " <a href=routes::HOME>"Go to the start page"</a> "."</p>
        </section>
    }
}
