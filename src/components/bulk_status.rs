//! The live status of a bulk action: progress while it runs, then what succeeded and
//! what failed, item by item (shared by the webhook and diverted-event tables).

use leptos::prelude::*;

/// What a finished bulk action did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkOutcome {
    /// The action's label, e.g. "Disable" or "Resend".
    pub action: &'static str,
    /// How many items succeeded.
    pub succeeded: usize,
    /// The items that failed (their names) and why.
    pub failed: Vec<(String, String)>,
    /// What the user can do about the failures, e.g. that they stay selected.
    pub retry_hint: &'static str,
}

/// Progress (`done of total`) while a bulk action runs, then its outcome until dismissed.
#[component]
pub fn BulkStatus(progress: RwSignal<Option<(usize, usize)>>, outcome: RwSignal<Option<BulkOutcome>>) -> impl IntoView {
    view! {
        <div role="status" aria-live="polite" class="bulk-status" data-testid="bulk-status">
            {move || progress.get().map(|(done, total)| format!("Working… {done} of {total} done"))}
            {move || outcome.get().map(|done| view! {
                <div class="bulk-report" data-testid="bulk-report">
                    <p>{format!("{}: {} succeeded, {} failed.", done.action, done.succeeded, done.failed.len())}</p>
                    {(!done.failed.is_empty()).then(|| view! {
                        <ul class="failures">
                            {done.failed.into_iter().map(|(name, why)| view! { <li><strong>{name}</strong>": "{why}</li> }).collect_view()}
                        </ul>
                        <p class="hint">{done.retry_hint}</p>
                    })}
                    <button type="button" class="link-button" on:click=move |_| outcome.set(None)>"Dismiss"</button>
                </div>
            })}
        </div>
    }
}

/// The head of a table whose rows can be selected: a checkbox for the whole page
/// (checked when every row is, half-checked when some are), the named columns, and a
/// last column for the rows' actions.
#[component]
pub fn SelectableHead(
    /// The checkbox's accessible name, e.g. "Select all on this page".
    label: &'static str,
    #[prop(into)] all: Signal<bool>,
    #[prop(into)] some: Signal<bool>,
    /// Told `true` to select every row, `false` to clear.
    on_change: Callback<bool>,
    /// The headings of the data columns.
    columns: &'static [&'static str],
) -> impl IntoView {
    view! {
        <thead>
            <tr>
                <th scope="col" class="select">
                    <input
                        type="checkbox"
                        aria-label=label
                        prop:checked=all
                        prop:indeterminate=move || some.get() && !all.get()
                        on:change=move |e| on_change.run(event_target_checked(&e))
                    />
                </th>
                {columns.iter().map(|column| view! { <th scope="col">{*column}</th> }).collect_view()}
                <th scope="col"><span class="sr-only">"Actions"</span></th>
            </tr>
        </thead>
    }
}
