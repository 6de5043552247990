//! The table of webhooks: selection (with shift-click ranges), row actions, bulk actions.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use webhooks_api::{Locator, TenantLocator, WebhookResponse};

use webhooks_api::permissions::WEBHOOKS_WRITE;

use crate::api::{use_api, ApiClient};
use crate::shared::format::{failure_summary, time_ago, url_parts};
use crate::shared::routes;
use crate::shared::status::WebhookStatus;
use crate::webhooks::health::warnings;
use crate::widgets::actions::{ActionButton, ActionHost, RowAction};
use crate::widgets::confirm::{ask_then, ConfirmDialog, Confirmation, Question};
use crate::widgets::lazy::{lazy_view, preload_pages};
use crate::widgets::selection::{
    BulkBar, BulkJob, ClearSelection, SelectCell, SelectableHead, SelectedCount, Selection,
};
use crate::widgets::toast::{use_toasts, CopyButton, Toasts};

/// How many event types a row shows before "+N".
const SHOWN_EVENT_TYPES: usize = 3;

/// Rows made before a page's first paint; the rest are made right after it. About a
/// screenful: the top of the table shows sooner, and the rows below follow a frame later
/// (`make bench`).
const FIRST_PAINT_ROWS: usize = 20;

/// The rows of the page and what the table does to them.
#[derive(Clone, Copy)]
struct TableState {
    tenant: TenantLocator,
    rows: RwSignal<Vec<WebhookResponse>>,
    selection: Selection,
    confirm: RwSignal<Option<Confirmation>>,
    client: ApiClient,
    /// Why write actions are off, if they are (one memo for the whole table).
    write_denied: Memo<Option<String>>,
    toasts: Toasts,
}

impl TableState {
    /// The row of webhook `locator` as it is now, if it is still on the page.
    fn row(&self, locator: Locator) -> Option<WebhookResponse> {
        self.rows.with_untracked(|rows| rows.iter().find(|row| row.locator == locator).cloned())
    }

    /// Puts the outcome of an action on `locator` into the rows.
    fn apply(&self, locator: Locator, after: Option<WebhookResponse>) {
        self.rows.update(|rows| match after {
            Some(webhook) => {
                if let Some(row) = rows.iter_mut().find(|row| row.locator == locator) {
                    *row = webhook;
                }
            }
            None => rows.retain(|row| row.locator != locator),
        });
        if self.rows.with_untracked(|rows| rows.iter().all(|row| row.locator != locator)) {
            self.selection.forget(locator);
        }
    }

    /// Runs an action on one row, after confirmation where it needs one.
    fn act(&self, action: RowAction, webhook: &WebhookResponse) {
        let this = *self;
        let host = ActionHost { client: this.client, toasts: this.toasts, confirm: this.confirm };
        let locator = webhook.locator;
        action.start(host, this.tenant, webhook, Callback::new(move |after| this.apply(locator, after)));
    }
}

/// The table of one page of webhooks.
#[component]
pub fn WebhookTable(tenant: TenantLocator, webhooks: Vec<WebhookResponse>) -> impl IntoView {
    let client = use_api();
    let rows = RwSignal::new(webhooks);
    let state = TableState {
        tenant,
        rows,
        selection: Selection::new(Memo::new(move |_| rows.with(|rows| rows.iter().map(|r| r.locator).collect()))),
        confirm: RwSignal::new(None),
        client,
        write_denied: client.denial(WEBHOOKS_WRITE),
        toasts: use_toasts(),
    };
    let made = RwSignal::new(FIRST_PAINT_ROWS);
    let more = state.rows.with_untracked(Vec::len) > FIRST_PAINT_ROWS;
    // An animation frame's callback runs before that frame is painted; a timeout set from
    // it, after. Then the rest of the rows, and the actions' chunk, so that a row menu or
    // the bulk bar opens with its items at once (a keyboard user's Tab after Enter must
    // find them); then, at idle time, the chunks of the pages reached from here.
    request_animation_frame(move || {
        set_timeout(
            move || {
                if more {
                    made.try_set(usize::MAX);
                }
                spawn_local(preload_table_actions());
                preload_pages();
            },
            Duration::ZERO,
        )
    });
    view! {
        <BulkBar selection=state.selection label="Bulk actions">
            <Suspense>{move || Suspend::new(bulk_actions(state))}</Suspense>
        </BulkBar>
        <div class="table-wrap">
            <table class="webhooks" data-testid="webhook-table">
                <SelectableHead
                    selection=state.selection
                    label="Select all on this page"
                    columns=&["Name", "Endpoint", "Event types", "Status", "Failure handling"]
                />
                <tbody>
                    <For
                        each=move || {
                            let made = made.get();
                            state.rows.with(|rows| rows.iter().take(made).cloned().collect::<Vec<_>>())
                        }
                        key=|w| (w.locator, w.enabled, w.suspended, w.name.clone())
                        children=move |webhook| view! { <WebhookRow state webhook /> }
                    />
                </tbody>
            </table>
        </div>
        <ConfirmDialog pending=state.confirm />
    }
}

/// One webhook's row.
#[component]
fn WebhookRow(state: TableState, webhook: WebhookResponse) -> impl IntoView {
    let status = WebhookStatus::of(&webhook);
    let locator = webhook.locator;
    let href = routes::webhook(state.tenant, locator);
    let (scheme, host, rest) = url_parts(&webhook.endpoint.url);
    let (scheme, host, rest) = (scheme.to_owned(), host.to_owned(), rest.to_owned());
    let url = webhook.endpoint.url.clone();
    let shown: Vec<String> = webhook.event_types.iter().take(SHOWN_EVENT_TYPES).cloned().collect();
    let hidden: Vec<String> = webhook.event_types.iter().skip(SHOWN_EVENT_TYPES).cloned().collect();
    let suspended_at = webhook.suspended_at.clone().filter(|_| webhook.suspended);
    let name = webhook.name.clone();
    view! {
        <tr data-testid="webhook-row" class:selected=move || state.selection.is_selected(locator)>
            <SelectCell selection=state.selection locator label=format!("Select {name}") />
            <th scope="row">
                <a href=href>{webhook.name.clone()}</a>
            </th>
            <td class="url" title=url.clone()>
                <span class="muted">{scheme}</span>
                <strong>{host}</strong>
                <span class="muted">{rest}</span>
                <CopyButton
                    text=url.clone()
                    label="Copy"
                    done=format!("Copied the URL of “{name}”.")
                    class="icon-button"
                    aria_label=format!("Copy the URL of {name}")
                />
            </td>
            <td class="event-types">
                {shown.into_iter().map(|t| view! { <span class="chip">{t}</span> }).collect_view()}
                {(!hidden.is_empty())
                    .then(|| {
                        view! {
                            <span
                                class="chip more"
                                tabindex="0"
                                title=hidden.join("\n")
                                aria-label=format!("and {}", hidden.join(", "))
                            >
                                {format!("+{}", hidden.len())}
                            </span>
                        }
                    })}
            </td>
            <td>
                <span class=status.css_class()>{status.label()}</span>
                {suspended_at
                    .map(|at| {
                        let since = time_ago(&at).unwrap_or_else(|| at.clone());
                        view! {
                            <span class="since" title=at>
                                {format!(" since {since}")}
                            </span>
                        }
                    })}
                {health_mark(&webhook)}
            </td>
            <td class="policy">{failure_summary(&webhook.failure_handling)}</td>
            <td class="row-actions">
                <RowMenu state locator label=format!("Actions for {name}") />
            </td>
        </tr>
    }
}

/// A warning mark with the count of a webhook's setup warnings, and the first of them on
/// hover and for screen readers; nothing for a healthy setup.
fn health_mark(webhook: &WebhookResponse) -> Option<impl IntoView + use<>> {
    let found = warnings(webhook);
    let first = found.first()?.title;
    let count = found.len();
    let words = match count {
        1 => format!("1 setup warning: {first}"),
        n => format!("{n} setup warnings, the first: {first}"),
    };
    Some(view! {
        " "
        <span class="health-mark" role="img" title=words.clone() aria-label=words data-testid="health-mark">
            {format!("⚠ {count}")}
        </span>
    })
}

/// The actions of one row, in a disclosure menu. Kept light: a page makes one per row.
#[component]
fn RowMenu(state: TableState, locator: Locator, label: String) -> impl IntoView {
    // Its items (and the code of the actions, in a chunk of their own) are made when it is
    // first opened: a page of rows renders faster without them (`make bench`). They stay
    // once made: a confirmation started from one must outlive the menu's closing.
    let opened = RwSignal::new(false);
    // The first toggle is the first opening.
    let on_toggle = move |_| {
        if !opened.get_untracked() {
            opened.set(true);
        }
    };
    view! {
        <details class="menu" on:toggle=on_toggle>
            <summary aria-label=label>"⋯"</summary>
            {move || {
                opened
                    .get()
                    .then(|| {
                        view! {
                            <Suspense fallback=|| {
                                view! {
                                    <div class="menu-items">
                                        <span class="loading">"Loading…"</span>
                                    </div>
                                }
                            }>{move || Suspend::new(row_menu_items(state, locator))}</Suspense>
                        }
                    })
            }}
        </details>
    }
}

lazy_view!(
    /// The items of a row's menu, in the `table_actions` chunk.
    row_menu_items, row_menu_items_split, table_actions, preload preload_table_actions preload_table_actions_split,
    (state: TableState, locator: Locator) => view! { <RowMenuItems state locator /> }
);

/// The items of a row's menu: view, edit, and the actions the webhook's state allows.
#[component]
fn RowMenuItems(state: TableState, locator: Locator) -> impl IntoView {
    let (enabled, suspended) = state.row(locator).map_or((true, false), |w| (w.enabled, w.suspended));
    let toggle = if enabled { RowAction::Disable } else { RowAction::Enable };
    let actions = [Some(toggle), suspended.then_some(RowAction::Unsuspend), Some(RowAction::Delete)];
    let run = Callback::new(move |action: RowAction| {
        if let Some(webhook) = state.row(locator) {
            state.act(action, &webhook);
        }
    });
    // The menu closes once an action is chosen.
    let close_menu = |event: leptos::ev::MouseEvent| {
        let target = event_target::<web_sys::Element>(&event);
        if target.tag_name() == "BUTTON" {
            let menu = target.closest("details").ok().flatten();
            if let Some(menu) = menu.and_then(|m| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlDetailsElement>(m).ok())
            {
                menu.set_open(false);
            }
        }
    };
    view! {
        <div class="menu-items" on:click=close_menu>
            <a href=routes::webhook(state.tenant, locator)>"View"</a>
            <a href=routes::edit_webhook(state.tenant, locator)>"Edit"</a>
            {actions
                .into_iter()
                .flatten()
                .map(|action| {
                    view! {
                        <ActionButton
                            action
                            label=action.label().to_owned()
                            danger=action == RowAction::Delete
                            denied=state.write_denied
                            on_run=run
                        />
                    }
                })
                .collect_view()}
        </div>
    }
}

lazy_view!(
    /// The bulk bar's contents, in the `table_actions` chunk.
    bulk_actions, bulk_actions_split, table_actions, (state: TableState) => view! { <BulkActions state /> }
);

/// How many rows are selected, and what can be done to them.
#[component]
fn BulkActions(state: TableState) -> impl IntoView {
    let run = move |action: RowAction| {
        let items: Vec<(Locator, String)> = state.rows.with_untracked(|rows| {
            rows.iter()
                .filter(|row| state.selection.holds(row.locator))
                .map(|row| (row.locator, row.name.clone()))
                .collect()
        });
        let total = items.len();
        let question = (action == RowAction::Delete).then(|| Question {
            title: format!("Delete {total} webhooks?"),
            message: "They and their diverted events are deleted for good.".into(),
            confirm_label: format!("Delete {total}"),
        });
        let go = Callback::new(move |()| {
            let job = BulkJob {
                action: action.label(),
                items: items.clone(),
                retry_hint: "The webhooks that failed are still selected: try again, or clear the selection.",
            };
            spawn_local(state.selection.run(job, move |locator| async move {
                let after = action.run(state.client, state.tenant, locator).await?;
                state.apply(locator, after);
                Ok(())
            }));
        });
        ask_then(state.confirm, question, go);
    };
    let busy = Signal::derive(move || state.selection.is_busy());
    let run = Callback::new(run);
    let buttons = [RowAction::Enable, RowAction::Disable, RowAction::Unsuspend, RowAction::Delete].map(|action| {
        view! {
            <ActionButton
                action
                label=format!("{} selected", action.label())
                class="button"
                danger=action == RowAction::Delete
                denied=state.write_denied
                busy
                on_run=run
            />
        }
    });
    view! {
        <SelectedCount selection=state.selection />
        {buttons}
        <ClearSelection selection=state.selection />
    }
}
