//! The table of webhooks: selection (with shift-click ranges), row actions, bulk actions.

use std::collections::BTreeSet;
use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use webhooks_api::{Locator, TenantLocator, UpdateWebhookRequest, WebhookResponse};

use crate::api::{use_api, ApiClient, ApiError, WEBHOOKS_WRITE};
use crate::bulk::{run_bulk, BulkReport, BULK_CONCURRENCY};
use crate::components::bulk_status::{BulkOutcome, BulkStatus, SelectableHead};
use crate::components::confirm::{ConfirmDialog, Confirmation};
use crate::components::toast::{use_toasts, Toasts};
use crate::format::{failure_summary, now_ms, parse_time_ms, relative_time, url_parts};
use crate::lazy::lazy_view;
use crate::pages::webhook_path;
use crate::status::WebhookStatus;

/// How many event types a row shows before "+N".
const SHOWN_EVENT_TYPES: usize = 3;

/// Rows made before a page's first paint; the rest are made right after it. About a
/// screenful: the top of the table shows sooner, and the rows below follow a frame later
/// (`make bench`).
const FIRST_PAINT_ROWS: usize = 20;

/// A change to one webhook that the table (or a bulk action) can make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowAction {
    /// PATCH `{enabled: true}`.
    Enable,
    /// PATCH `{enabled: false}`.
    Disable,
    /// PATCH …/unsuspend.
    Unsuspend,
    /// DELETE.
    Delete,
}

impl RowAction {
    /// The button's label.
    pub fn label(self) -> &'static str {
        match self {
            Self::Enable => "Enable",
            Self::Disable => "Disable",
            Self::Unsuspend => "Unsuspend",
            Self::Delete => "Delete",
        }
    }

    /// What the toast says was done.
    fn past(self) -> &'static str {
        match self {
            Self::Enable => "Enabled",
            Self::Disable => "Disabled",
            Self::Unsuspend => "Unsuspended",
            Self::Delete => "Deleted",
        }
    }

    /// Calls the API; the webhook after the change (`None` once deleted).
    async fn run(
        self,
        client: ApiClient,
        tenant: TenantLocator,
        locator: Locator,
    ) -> Result<Option<WebhookResponse>, ApiError> {
        let enabled = |enabled| UpdateWebhookRequest { enabled: Some(enabled), ..Default::default() };
        match self {
            Self::Enable => client.update_webhook(tenant, locator, &enabled(true)).await.map(Some),
            Self::Disable => client.update_webhook(tenant, locator, &enabled(false)).await.map(Some),
            Self::Unsuspend => {
                client.unsuspend_webhook(tenant, locator).await?;
                client.fetch_webhook(tenant, locator).await.map(Some)
            }
            Self::Delete => client.delete_webhook(tenant, locator).await.map(|()| None),
        }
    }

    /// Runs the action on one webhook from a row or a page: asks first where it needs to
    /// (through `host.confirm`), says how it went in a toast, and hands the webhook after
    /// the change (`None` once deleted) to `done`.
    pub fn start(
        self,
        host: ActionHost,
        tenant: TenantLocator,
        webhook: &WebhookResponse,
        done: Callback<Option<WebhookResponse>>,
    ) {
        let (locator, name) = (webhook.locator, webhook.name.clone());
        let run = Callback::new(move |()| {
            let name = name.clone();
            spawn_local(async move {
                match self.run(host.client, tenant, locator).await {
                    Ok(after) => {
                        done.run(after);
                        host.toasts.success(format!("{} “{name}”.", self.past()));
                    }
                    Err(error) => {
                        host.toasts.error(format!("Could not {} “{name}”: {error}", self.label().to_lowercase()))
                    }
                }
            });
        });
        match self.confirmation(&webhook.name, run) {
            Some(question) => host.confirm.set(Some(question)),
            None => run.run(()),
        }
    }

    /// The question to ask before running this action on the webhook `name`, if it needs one.
    fn confirmation(self, name: &str, on_confirm: Callback<()>) -> Option<Confirmation> {
        let (title, message) = match self {
            Self::Delete => (
                format!("Delete “{name}”?"),
                "The webhook and its diverted events are deleted for good. Events will no longer be sent to its endpoint.",
            ),
            Self::Unsuspend => (
                format!("Unsuspend “{name}”?"),
                "Deliveries to its endpoint start again with the next event. Diverted events stay until you resend or delete them.",
            ),
            Self::Enable | Self::Disable => return None,
        };
        Some(Confirmation { title, message: message.into(), confirm_label: self.label().into(), on_confirm })
    }
}

/// What running a [`RowAction`] needs from the table or page it runs from.
#[derive(Clone, Copy)]
pub struct ActionHost {
    /// The API client.
    pub client: ApiClient,
    /// Where the outcome is told.
    pub toasts: Toasts,
    /// Where a question is asked first (shown by a `ConfirmDialog`).
    pub confirm: RwSignal<Option<Confirmation>>,
}

/// The button of a [`RowAction`], wherever one is offered (row menu, bulk bar, detail
/// page): "danger" for Delete; off while `busy`, and off with the reason as its title while
/// the token lacks the permission.
#[component]
pub fn ActionButton(
    action: RowAction,
    /// The text, e.g. "Disable" or "Disable selected".
    label: String,
    /// Its classes besides "danger", e.g. "button".
    #[prop(optional)]
    class: &'static str,
    /// Why the action is off, if it is (the table's or page's `ApiClient::denial` memo).
    denied: Memo<Option<String>>,
    /// Off while this holds (e.g. while a bulk action runs).
    #[prop(optional, into)]
    busy: Signal<bool>,
    /// Told the action when the button is pressed.
    on_run: Callback<RowAction>,
) -> impl IntoView {
    view! {
        <button
            type="button"
            class=class
            class:danger=action == RowAction::Delete
            disabled=move || busy.get() || denied.with(Option::is_some)
            title=move || denied.get()
            on:click=move |_| on_run.run(action)
        >
            {label}
        </button>
    }
}

/// The rows of the page and what the table does to them.
#[derive(Clone, Copy)]
struct TableState {
    tenant: TenantLocator,
    rows: RwSignal<Vec<WebhookResponse>>,
    selected: RwSignal<BTreeSet<Locator>>,
    anchor: StoredValue<Option<usize>>,
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
            self.selected.update(|selected| {
                selected.remove(&locator);
            });
        }
    }

    /// Runs an action on one row, after confirmation where it needs one.
    fn act(&self, action: RowAction, webhook: &WebhookResponse) {
        let this = *self;
        let host = ActionHost { client: this.client, toasts: this.toasts, confirm: this.confirm };
        let locator = webhook.locator;
        action.start(host, this.tenant, webhook, Callback::new(move |after| this.apply(locator, after)));
    }

    /// Selects or unselects row `index`; with shift, the whole range from the last click.
    fn click_checkbox(&self, index: usize, on: bool, shift: bool) {
        let range = match self.anchor.get_value() {
            Some(anchor) if shift => anchor.min(index)..=anchor.max(index),
            _ => index..=index,
        };
        let locators: Vec<Locator> =
            self.rows.with_untracked(|rows| rows[range].iter().map(|row| row.locator).collect());
        self.selected.update(|selected| {
            for locator in locators {
                if on {
                    selected.insert(locator);
                } else {
                    selected.remove(&locator);
                }
            }
        });
        self.anchor.set_value(Some(index));
    }
}

/// The table of one page of webhooks.
#[component]
pub fn WebhookTable(tenant: TenantLocator, webhooks: Vec<WebhookResponse>) -> impl IntoView {
    let client = use_api();
    let state = TableState {
        tenant,
        rows: RwSignal::new(webhooks),
        selected: RwSignal::new(BTreeSet::new()),
        anchor: StoredValue::new(None),
        confirm: RwSignal::new(None),
        client,
        write_denied: client.denial(WEBHOOKS_WRITE),
        toasts: use_toasts(),
    };
    let all_selected = move || {
        state.rows.with(|rows| !rows.is_empty() && state.selected.with(|s| rows.iter().all(|r| s.contains(&r.locator))))
    };
    let some_selected = move || state.selected.with(|s| !s.is_empty());
    let made = RwSignal::new(FIRST_PAINT_ROWS);
    let more = state.rows.with_untracked(Vec::len) > FIRST_PAINT_ROWS;
    // An animation frame's callback runs before that frame is painted; a timeout set from
    // it, after. Then the rest of the rows, and the actions' chunk, so that a row menu or
    // the bulk bar opens with its items at once (a keyboard user's Tab after Enter must
    // find them).
    request_animation_frame(move || {
        set_timeout(
            move || {
                if more {
                    made.try_set(usize::MAX);
                }
                spawn_local(preload_table_actions());
            },
            Duration::ZERO,
        )
    });
    let select_all = move |on: bool| {
        state.selected.set(if on {
            state.rows.with(|rows| rows.iter().map(|r| r.locator).collect())
        } else {
            BTreeSet::new()
        });
    };
    view! {
        <BulkBar state />
        <div class="table-wrap">
            <table class="webhooks" data-testid="webhook-table">
                <SelectableHead
                    label="Select all on this page"
                    all=Signal::derive(all_selected)
                    some=Signal::derive(some_selected)
                    on_change=Callback::new(select_all)
                    columns=&["Name", "Endpoint", "Event types", "Status", "Failure handling"]
                />
                <tbody>
                    <For
                        each=move || {
                            let made = made.get();
                            state.rows.with(|rows| rows.iter().take(made).cloned().enumerate().collect::<Vec<_>>())
                        }
                        key=|(index, w)| (*index, w.locator, w.enabled, w.suspended, w.name.clone())
                        children=move |(index, webhook)| view! { <WebhookRow state index webhook /> }
                    />
                </tbody>
            </table>
        </div>
        <ConfirmDialog pending=state.confirm />
    }
}

/// One webhook's row.
#[component]
fn WebhookRow(state: TableState, index: usize, webhook: WebhookResponse) -> impl IntoView {
    let status = WebhookStatus::of(&webhook);
    let locator = webhook.locator;
    let href = webhook_path(state.tenant, locator);
    let (scheme, host, rest) = url_parts(&webhook.endpoint.url);
    let (scheme, host, rest) = (scheme.to_owned(), host.to_owned(), rest.to_owned());
    let url = webhook.endpoint.url.clone();
    let shown: Vec<String> = webhook.event_types.iter().take(SHOWN_EVENT_TYPES).cloned().collect();
    let hidden: Vec<String> = webhook.event_types.iter().skip(SHOWN_EVENT_TYPES).cloned().collect();
    let suspended_at = webhook.suspended_at.clone().filter(|_| webhook.suspended);
    let name = webhook.name.clone();
    let checked = move || state.selected.with(|s| s.contains(&locator));
    let copy = {
        let (url, name) = (url.clone(), name.clone());
        move |_| state.toasts.copy(&url, format!("Copied the URL of “{name}”."))
    };
    view! {
        <tr data-testid="webhook-row" class:selected=checked>
            <td class="select">
                <input
                    type="checkbox"
                    aria-label=format!("Select {name}")
                    prop:checked=checked
                    on:click=move |e: leptos::ev::MouseEvent| state.click_checkbox(index, event_target_checked(&e), e.shift_key())
                />
            </td>
            <th scope="row">
                <a href=href.clone()>{webhook.name.clone()}</a>
            </th>
            <td class="url" title=url.clone()>
                <span class="muted">{scheme}</span>
                <strong>{host}</strong>
                <span class="muted">{rest}</span>
                <button type="button" class="icon-button" aria-label=format!("Copy the URL of {name}") on:click=copy>
                    "Copy"
                </button>
            </td>
            <td class="event-types">
                {shown.into_iter().map(|t| view! { <span class="chip">{t}</span> }).collect_view()}
                {(!hidden.is_empty()).then(|| view! {
                    <span class="chip more" tabindex="0" title=hidden.join("\n") aria-label=format!("and {}", hidden.join(", "))>
                        {format!("+{}", hidden.len())}
                    </span>
                })}
            </td>
            <td>
                <span class=status.css_class()>{status.label()}</span>
                {suspended_at.map(|at| {
                    let since = parse_time_ms(&at).map(|ms| relative_time(ms, now_ms())).unwrap_or_else(|| at.clone());
                    view! { <span class="since" title=at>{format!(" since {since}")}</span> }
                })}
            </td>
            <td class="policy">{failure_summary(&webhook.failure_handling)}</td>
            <td class="row-actions">
                <RowMenu state locator label=format!("Actions for {name}") />
            </td>
        </tr>
    }
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
            {move || opened.get().then(|| view! {
                <Suspense fallback=|| view! { <div class="menu-items"><span class="loading">"Loading…"</span></div> }>
                    {move || Suspend::new(row_menu_items(state, locator))}
                </Suspense>
            })}
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
    let href = webhook_path(state.tenant, locator);
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
            <a href=href.clone()>"View"</a>
            <a href=format!("{href}/edit")>"Edit"</a>
            {actions
                .into_iter()
                .flatten()
                .map(|action| view! {
                    <ActionButton action label=action.label().to_owned() denied=state.write_denied on_run=run />
                })
                .collect_view()}
        </div>
    }
}

/// Actions on the selected rows, with progress and a per-webhook report.
#[component]
fn BulkBar(state: TableState) -> impl IntoView {
    let progress = RwSignal::new(None::<(usize, usize)>);
    let report = RwSignal::new(None::<BulkOutcome>);
    let count = move || state.selected.with(BTreeSet::len);
    view! {
        <div class="bulk" role="region" aria-label="Bulk actions" class:active={move || count() > 0 || report.with(Option::is_some)}>
            <Show when={move || count() > 0}>
                <Suspense>{move || Suspend::new(bulk_actions(state, progress, report))}</Suspense>
            </Show>
            <BulkStatus progress outcome=report />
        </div>
    }
}

lazy_view!(
    /// The bulk bar's count and buttons, in the `table_actions` chunk.
    bulk_actions, bulk_actions_split, table_actions,
    (state: TableState, progress: RwSignal<Option<(usize, usize)>>, report: RwSignal<Option<BulkOutcome>>) =>
        view! { <BulkActions state progress report /> }
);

/// The count of selected rows and what can be done to them.
#[component]
fn BulkActions(
    state: TableState,
    progress: RwSignal<Option<(usize, usize)>>,
    report: RwSignal<Option<BulkOutcome>>,
) -> impl IntoView {
    let count = move || state.selected.with(BTreeSet::len);
    let run = move |action: RowAction| {
        let targets: Vec<(Locator, String)> = state.rows.with_untracked(|rows| {
            rows.iter()
                .filter(|row| state.selected.with_untracked(|s| s.contains(&row.locator)))
                .map(|row| (row.locator, row.name.clone()))
                .collect()
        });
        let total = targets.len();
        let go = Callback::new(move |()| {
            let targets = targets.clone();
            report.set(None);
            progress.set(Some((0, total)));
            spawn_local(async move {
                let done: BulkReport<(Locator, String)> = run_bulk(
                    targets,
                    BULK_CONCURRENCY,
                    |(locator, _)| async move {
                        let after = action.run(state.client, state.tenant, locator).await?;
                        state.apply(locator, after);
                        Ok::<(), ApiError>(())
                    },
                    |so_far| progress.set(Some((so_far.done(), total))),
                )
                .await;
                progress.set(None);
                // What failed stays selected, so that it can be retried.
                state.selected.set(done.failed.iter().map(|((locator, _), _)| *locator).collect());
                report.set(Some(BulkOutcome {
                    action: action.label(),
                    succeeded: done.succeeded.len(),
                    failed: done.failed.into_iter().map(|((_, name), why)| (name, why)).collect(),
                    retry_hint: "The webhooks that failed are still selected: try again, or clear the selection.",
                }));
            });
        });
        if action == RowAction::Delete {
            state.confirm.set(Some(Confirmation {
                title: format!("Delete {total} webhooks?"),
                message: "They and their diverted events are deleted for good.".into(),
                confirm_label: format!("Delete {total}"),
                on_confirm: go,
            }));
        } else {
            go.run(());
        }
    };
    let busy = Signal::derive(move || progress.with(Option::is_some));
    let run = Callback::new(run);
    view! {
        <span class="bulk-count">{move || format!("{} selected", count())}</span>
        {[RowAction::Enable, RowAction::Disable, RowAction::Unsuspend, RowAction::Delete]
            .into_iter()
            .map(|action| view! {
                <ActionButton action label=format!("{} selected", action.label()) class="button" denied=state.write_denied busy on_run=run />
            })
            .collect_view()}
        <button type="button" class="button subtle" on:click=move |_| state.selected.set(BTreeSet::new())>
            "Clear selection"
        </button>
    }
}
