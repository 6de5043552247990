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

/// Data a part of a page loads: "Loading {what}…" until it comes (a `Transition`, so
/// what was shown stays while it loads again), then `children`, or the errors with "Try
/// again" under `heading` (the page's, when the children that failed held it).
#[component]
pub fn Loaded(
    /// What is loading, as in "Loading the webhook…".
    what: &'static str,
    /// Loads it again.
    #[prop(into)]
    retry: Callback<()>,
    /// A heading for the error, when the failed children would have shown one.
    #[prop(optional)]
    heading: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    view! {
        <Transition fallback=move || {
            view! {
                <p class="loading" role="status">
                    {format!("Loading {what}…")}
                </p>
            }
        }>
            <ErrorBoundary fallback=move |errors| {
                view! {
                    {heading.map(|heading| view! { <h1>{heading}</h1> })}
                    <ErrorPanel errors retry />
                }
            }>{children()}</ErrorBoundary>
        </Transition>
    }
}
