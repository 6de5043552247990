//! Selecting the rows of a table (one, a shift-click range, or the whole page) and running
//! one action over the selection, a few requests at a time: progress, then a report per
//! item, and what failed stays selected. Shared by the webhook and diverted-event tables.

use std::collections::BTreeSet;
use std::future::Future;

use leptos::prelude::*;
use webhooks_api::Locator;

use crate::api::ApiError;
use crate::shared::bulk::{run_bulk, BULK_CONCURRENCY};

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

/// One action over the selected items.
pub struct BulkJob {
    /// The action's label, e.g. "Disable" or "Resend".
    pub action: &'static str,
    /// The items: each one's locator, and the name the report gives it.
    pub items: Vec<(Locator, String)>,
    /// What the user can do about the failures.
    pub retry_hint: &'static str,
}

/// The selected rows of one page of a table, and the bulk action running over them.
#[derive(Clone, Copy)]
pub struct Selection {
    /// The page's rows, in order.
    rows: Memo<Vec<Locator>>,
    selected: RwSignal<BTreeSet<Locator>>,
    /// The row of the last click, where a shift-click range starts.
    anchor: StoredValue<Option<Locator>>,
    progress: RwSignal<Option<(usize, usize)>>,
    outcome: RwSignal<Option<BulkOutcome>>,
}

impl Selection {
    /// Nothing selected yet among `rows`.
    pub fn new(rows: Memo<Vec<Locator>>) -> Self {
        Self {
            rows,
            selected: RwSignal::new(BTreeSet::new()),
            anchor: StoredValue::new(None),
            progress: RwSignal::new(None),
            outcome: RwSignal::new(None),
        }
    }

    /// Whether `locator` is selected (tracked).
    pub fn is_selected(&self, locator: Locator) -> bool {
        self.selected.with(|selected| selected.contains(&locator))
    }

    /// Whether `locator` is selected, without subscribing (for work done on a click).
    pub fn holds(&self, locator: Locator) -> bool {
        self.selected.with_untracked(|selected| selected.contains(&locator))
    }

    /// How many rows are selected (tracked).
    pub fn count(&self) -> usize {
        self.selected.with(BTreeSet::len)
    }

    /// Whether a bulk action is running (tracked).
    pub fn is_busy(&self) -> bool {
        self.progress.with(Option::is_some)
    }

    /// Unselects everything.
    pub fn clear(&self) {
        self.selected.set(BTreeSet::new());
    }

    /// Unselects a row that left the page.
    pub fn forget(&self, locator: Locator) {
        self.selected.update(|selected| {
            selected.remove(&locator);
        });
    }

    /// Selects or unselects the row of `locator`; with shift, the whole range from the
    /// row of the last click. Rows are found by locator when clicked: a row deleted
    /// meanwhile moves the others up.
    pub fn click(&self, locator: Locator, on: bool, shift: bool) {
        let locators = self.rows.with_untracked(|rows| {
            let at = |wanted: Locator| rows.iter().position(|row| *row == wanted);
            match (at(locator), self.anchor.get_value().and_then(at)) {
                (Some(index), Some(anchor)) if shift => rows[anchor.min(index)..=anchor.max(index)].to_vec(),
                _ => vec![locator],
            }
        });
        self.selected.update(|selected| {
            for locator in locators {
                if on {
                    selected.insert(locator);
                } else {
                    selected.remove(&locator);
                }
            }
        });
        self.anchor.set_value(Some(locator));
    }

    /// Selects every row of the page, or none.
    pub fn set_all(&self, on: bool) {
        self.selected.set(if on { self.rows.with(|rows| rows.iter().copied().collect()) } else { BTreeSet::new() });
    }

    /// Whether every row of the page is selected (tracked; false on an empty page).
    pub fn all(&self) -> bool {
        self.rows.with(|rows| !rows.is_empty() && self.selected.with(|s| rows.iter().all(|row| s.contains(row))))
    }

    /// Runs `each` on every item of `job`, at most [`BULK_CONCURRENCY`] at once, with
    /// progress; then shows the report, and leaves selected exactly the items that failed.
    pub async fn run<F, Fut>(self, job: BulkJob, each: F)
    where
        F: Fn(Locator) -> Fut,
        Fut: Future<Output = Result<(), ApiError>>,
    {
        let total = job.items.len();
        self.outcome.set(None);
        self.progress.set(Some((0, total)));
        let done = run_bulk(
            job.items,
            BULK_CONCURRENCY,
            |(locator, _)| each(locator),
            |so_far| self.progress.set(Some((so_far.done(), total))),
        )
        .await;
        self.progress.set(None);
        // What failed stays selected, so that it can be retried.
        self.selected.set(done.failed.iter().map(|((locator, _), _)| *locator).collect());
        self.outcome.set(Some(BulkOutcome {
            action: job.action,
            succeeded: done.succeeded.len(),
            failed: done.failed.into_iter().map(|((_, name), why)| (name, why)).collect(),
            retry_hint: job.retry_hint,
        }));
    }
}

/// The head of a table whose rows can be selected: a checkbox for the whole page
/// (checked when every row is, half-checked when some are), the named columns, and a
/// last column for the rows' actions.
#[component]
pub fn SelectableHead(
    selection: Selection,
    /// The checkbox's accessible name, e.g. "Select all on this page".
    label: &'static str,
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
                        prop:checked=move || selection.all()
                        prop:indeterminate={move || selection.count() > 0 && !selection.all()}
                        on:change=move |e| selection.set_all(event_target_checked(&e))
                    />
                </th>
                {columns.iter().map(|column| view! { <th scope="col">{*column}</th> }).collect_view()}
                <th scope="col">
                    <span class="sr-only">"Actions"</span>
                </th>
            </tr>
        </thead>
    }
}

/// The checkbox cell of the row of `locator`; shift-click selects the range from the last click.
#[component]
pub fn SelectCell(
    selection: Selection,
    locator: Locator,
    /// The checkbox's accessible name, e.g. "Select Invoices".
    label: String,
) -> impl IntoView {
    view! {
        <td class="select">
            <input
                type="checkbox"
                aria-label=label
                prop:checked=move || selection.is_selected(locator)
                on:click=move |e: leptos::ev::MouseEvent| {
                    selection.click(locator, event_target_checked(&e), e.shift_key())
                }
            />
        </td>
    }
}

/// The bar of a table's bulk actions: `children` while rows are selected (a
/// [`SelectedCount`], the action buttons, a [`ClearSelection`]), then the progress and
/// report of a run. The children are the tables' own, so that their code stays in the
/// tables' chunks.
#[component]
pub fn BulkBar(
    selection: Selection,
    /// The region's accessible name, e.g. "Bulk actions".
    label: &'static str,
    children: ChildrenFn,
) -> impl IntoView {
    let selected = move || selection.count() > 0;
    view! {
        <div
            class="bulk"
            role="region"
            aria-label=label
            class:active={move || selected() || selection.outcome.with(Option::is_some)}
        >
            <Show when=selected>{children()}</Show>
            <BulkStatus selection />
        </div>
    }
}

/// "3 selected".
#[component]
pub fn SelectedCount(selection: Selection) -> impl IntoView {
    view! { <span class="bulk-count">{move || format!("{} selected", selection.count())}</span> }
}

/// Unselects every row.
#[component]
pub fn ClearSelection(selection: Selection) -> impl IntoView {
    view! {
        <button type="button" class="button subtle" on:click=move |_| selection.clear()>
            "Clear selection"
        </button>
    }
}

/// Progress (`done of total`) while a bulk action runs, then its outcome until dismissed.
#[component]
fn BulkStatus(selection: Selection) -> impl IntoView {
    let outcome = selection.outcome;
    view! {
        <div role="status" aria-live="polite" class="bulk-status" data-testid="bulk-status">
            {move || selection.progress.get().map(|(done, total)| format!("Working… {done} of {total} done"))}
            {move || {
                outcome
                    .get()
                    .map(|done| {
                        view! {
                            <div class="bulk-report" data-testid="bulk-report">
                                <p>
                                    {format!(
                                        "{}: {} succeeded, {} failed.",
                                        done.action,
                                        done.succeeded,
                                        done.failed.len(),
                                    )}
                                </p>
                                {(!done.failed.is_empty())
                                    .then(|| {
                                        view! {
                                            <ul class="failures">
                                                {done
                                                    .failed
                                                    .into_iter()
                                                    .map(|(name, why)| {
                                                        view! {
                                                            <li>
                                                                <strong>{name}</strong>
                                                                ": "
                                                                {why}
                                                            </li>
                                                        }
                                                    })
                                                    .collect_view()}
                                            </ul>
                                            <p class="hint">{done.retry_hint}</p>
                                        }
                                    })}
                                <button type="button" class="link-button" on:click=move |_| outcome.set(None)>
                                    "Dismiss"
                                </button>
                            </div>
                        }
                    })
            }}
        </div>
    }
}
