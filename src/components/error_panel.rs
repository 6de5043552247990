//! The message shown where data could not be loaded, with a way to try again.

use leptos::error::Errors;
use leptos::prelude::*;

/// Lists the errors caught by an `ErrorBoundary`, each in words, and offers "Try again".
#[component]
pub fn ErrorPanel(errors: ArcRwSignal<Errors>, #[prop(into)] retry: Callback<()>) -> impl IntoView {
    view! {
        <div class="error-panel" role="alert" data-testid="error-panel">
            <ul>
                {move || {
                    errors.get().into_iter().map(|(_, error)| view! { <li>{error.to_string()}</li> }).collect_view()
                }}
            </ul>
            <button type="button" class="button" on:click=move |_| retry.run(())>
                "Try again"
            </button>
        </div>
    }
}
