//! A webhook's diverted events: a page of them (count + 1), one in full in a drawer,
//! Resend and Delete for one or for a selection (the bulk runner, with its report).

use leptos::html::Dialog;
use leptos::prelude::*;
use leptos::task::spawn_local;
use webhooks_api::{DivertedEventResponse, Locator, TenantLocator};

use webhooks_api::permissions::{DIVERTED_DELETE, DIVERTED_RESEND};

use crate::api::{calls, use_api, ApiClient, ApiError};
use crate::events::view::DivertedEventPayload;
use crate::shared::format::{absolute_time, time_ago};
use crate::webhooks::query::split_page;
use crate::widgets::actions::ActionButton;
use crate::widgets::confirm::{ask_then, ConfirmDialog, Confirmation, Question};
use crate::widgets::selection::{
    BulkBar, BulkJob, ClearSelection, SelectCell, SelectableHead, SelectedCount, Selection,
};
use crate::widgets::toast::{use_toasts, Toasts};
use crate::widgets::Loaded;

/// Diverted events per page.
pub const DIVERTED_PAGE_SIZE: u32 = 25;

/// What can be done to a diverted event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EventAction {
    /// `POST …/resend`: deliver it again.
    Resend,
    /// `DELETE`: drop it for good.
    Delete,
}

impl EventAction {
    fn label(self) -> &'static str {
        match self {
            Self::Resend => "Resend",
            Self::Delete => "Delete",
        }
    }

    async fn run(
        self,
        client: ApiClient,
        tenant: TenantLocator,
        webhook: Locator,
        event: Locator,
    ) -> Result<(), ApiError> {
        match self {
            Self::Resend => client.run_empty(calls::resend_diverted(tenant, webhook, event)).await,
            Self::Delete => client.run_empty(calls::delete_diverted(tenant, webhook, event)).await,
        }
    }
}

/// The table's rows and what it does to them.
#[derive(Clone, Copy)]
struct EventsState {
    tenant: TenantLocator,
    webhook: Locator,
    rows: RwSignal<Vec<DivertedEventResponse>>,
    /// Events whose resend was accepted: they leave the list once delivered.
    queued: RwSignal<Vec<Locator>>,
    selection: Selection,
    open: RwSignal<Option<Locator>>,
    confirm: RwSignal<Option<Confirmation>>,
    client: ApiClient,
    /// Why Resend, and why Delete, are off, if they are (one memo each for the table).
    resend_denied: Memo<Option<String>>,
    delete_denied: Memo<Option<String>>,
    toasts: Toasts,
    /// Told after every change, so that the page recounts what is waiting.
    on_change: Callback<()>,
}

impl EventsState {
    /// Why `action` is unavailable to this token, if it is (one memo per action).
    fn denied(&self, action: EventAction) -> Memo<Option<String>> {
        match action {
            EventAction::Resend => self.resend_denied,
            EventAction::Delete => self.delete_denied,
        }
    }

    /// Puts the outcome of `action` on `event` into the table.
    fn record(&self, action: EventAction, event: Locator) {
        match action {
            EventAction::Resend => self.queued.update(|queued| queued.push(event)),
            EventAction::Delete => {
                self.rows.update(|rows| rows.retain(|row| row.event_locator != event));
                self.selection.forget(event);
                if self.open.get_untracked() == Some(event) {
                    self.open.set(None);
                }
            }
        }
    }

    /// Runs `action` on `events` (one, or the selection), after confirmation for Delete.
    fn act(&self, action: EventAction, events: Vec<Locator>) {
        let this = *self;
        let total = events.len();
        let question = (action == EventAction::Delete).then(|| {
            let what = if total == 1 { "this diverted event".to_owned() } else { format!("{total} diverted events") };
            Question {
                title: format!("Delete {what}?"),
                message: "Deleted events are gone for good: they can no longer be resent.".into(),
                confirm_label: "Delete".into(),
            }
        });
        let go = Callback::new(move |()| {
            let events = events.clone();
            spawn_local(async move { this.run(action, events).await });
        });
        ask_then(self.confirm, question, go);
    }

    async fn run(self, action: EventAction, events: Vec<Locator>) {
        if let [event] = events[..] {
            match action.run(self.client, self.tenant, self.webhook, event).await {
                Ok(()) => {
                    self.record(action, event);
                    self.toasts.success(match action {
                        EventAction::Resend => format!("Event {event} queued for delivery."),
                        EventAction::Delete => format!("Deleted event {event}."),
                    });
                }
                Err(error) => {
                    self.toasts.error(format!("Could not {} event {event}: {error}", action.label().to_lowercase()))
                }
            }
        } else {
            let job = BulkJob {
                action: action.label(),
                items: events.into_iter().map(|event| (event, event.to_string())).collect(),
                retry_hint: "The events that failed are still selected: try again, or clear the selection.",
            };
            self.selection
                .run(job, |event| async move {
                    action.run(self.client, self.tenant, self.webhook, event).await?;
                    self.record(action, event);
                    Ok(())
                })
                .await;
        }
        self.on_change.run(());
    }
}

/// A page of one webhook's diverted events, with the drawer and the actions.
#[component]
pub fn DivertedEvents(
    tenant: TenantLocator,
    webhook: Locator,
    /// The 1-based page, from the URL.
    #[prop(into)]
    page: Signal<u32>,
    /// Moves to another page (changes the URL).
    go_to_page: Callback<u32>,
    /// Told after every resend or delete.
    on_change: Callback<()>,
) -> impl IntoView {
    let client = use_api();
    let loaded = LocalResource::new(move || {
        let page = page.get();
        async move {
            let offset = (page.saturating_sub(1) * DIVERTED_PAGE_SIZE) as usize;
            let events =
                client.run(calls::list_diverted(tenant, webhook, offset, DIVERTED_PAGE_SIZE as usize + 1)).await?;
            Ok::<_, ApiError>(split_page(events, DIVERTED_PAGE_SIZE))
        }
    });
    let body = move || {
        Suspend::new(async move {
            loaded.await.map(|(rows, has_next)| {
                let rows = RwSignal::new(rows);
                let state = EventsState {
                    tenant,
                    webhook,
                    rows,
                    queued: RwSignal::new(Vec::new()),
                    selection: Selection::new(Memo::new(move |_| {
                        rows.with(|rows| rows.iter().map(|r| r.event_locator).collect())
                    })),
                    open: RwSignal::new(None),
                    confirm: RwSignal::new(None),
                    client,
                    resend_denied: client.denial(DIVERTED_RESEND),
                    delete_denied: client.denial(DIVERTED_DELETE),
                    toasts: use_toasts(),
                    on_change,
                };
                view! { <EventsTable state page=page.get_untracked() has_next go_to_page /> }
            })
        })
    };
    view! {
        <p class="hint" data-testid="resend-explained">
            "Resend queues an event for delivery to the endpoint again, with this webhook's failure handling. "
            "Once it is delivered it leaves this list; if it fails again it stays here. "
            "While the webhook is suspended or disabled a resend is not delivered: unsuspend or enable it first."
        </p>
        <Loaded what="diverted events" retry=move || loaded.refetch()>
            {body}
        </Loaded>
    }
}

/// The table of one page, the bulk bar, the pagination, the drawer.
#[component]
fn EventsTable(state: EventsState, page: u32, has_next: bool, go_to_page: Callback<u32>) -> impl IntoView {
    view! {
        <BulkBar selection=state.selection label="Bulk actions on diverted events">
            <SelectedCount selection=state.selection />
            <EventActionButtons
                state
                what="selected"
                targets=Callback::new(move |()| {
                    state
                        .rows
                        .with_untracked(|rows| {
                            rows.iter()
                                .map(|row| row.event_locator)
                                .filter(|event| state.selection.holds(*event))
                                .collect()
                        })
                })
            />
            <ClearSelection selection=state.selection />
        </BulkBar>
        <Show
            when=move || state.rows.with(|rows| !rows.is_empty())
            fallback=move || {
                view! {
                    <div class="empty" data-testid="no-diverted">
                        <p>
                            {if page > 1 {
                                "There is nothing on this page."
                            } else {
                                "No diverted events: nothing is waiting to be resent."
                            }}
                        </p>
                    </div>
                }
            }
        >
            <div class="table-wrap">
                <table class="diverted" data-testid="diverted-table">
                    <SelectableHead
                        selection=state.selection
                        label="Select all events on this page"
                        columns=&["Event", "Request", "Trigger", "Message", "Failed"]
                    />
                    <tbody>
                        <For each=move || state.rows.get() key=|event| event.event_locator let:event>
                            <EventRow state event />
                        </For>
                    </tbody>
                </table>
            </div>
        </Show>
        <nav class="pagination" aria-label="Pages of diverted events">
            <button type="button" class="button" disabled=page <= 1 on:click=move |_| go_to_page.run(page - 1)>
                "Previous"
            </button>
            <span class="page-number">{format!("Page {page}")}</span>
            <button type="button" class="button" disabled=!has_next on:click=move |_| go_to_page.run(page + 1)>
                "Next"
            </button>
        </nav>
        <EventDrawer state />
        <ConfirmDialog pending=state.confirm />
    }
}

/// One diverted event's row.
#[component]
fn EventRow(state: EventsState, event: DivertedEventResponse) -> impl IntoView {
    let locator = event.event_locator;
    let queued = move || state.queued.with(|q| q.contains(&locator));
    let when = time_ago(&event.failure_timestamp).unwrap_or_default();
    view! {
        <tr data-testid="diverted-row" class:selected=move || state.selection.is_selected(locator)>
            <SelectCell selection=state.selection locator label=format!("Select event {locator}") />
            <th scope="row">
                <button
                    type="button"
                    class="link-button mono"
                    aria-label=format!("Open event {locator}")
                    on:click=move |_| state.open.set(Some(locator))
                >
                    {locator.to_string()}
                </button>
                <Show when=queued>
                    <span class="badge badge-active">"Resend queued"</span>
                </Show>
            </th>
            <td class="mono">{event.request_locator.to_string()}</td>
            <td>
                <span class="chip">{event.failure_trigger.clone()}</span>
            </td>
            <td class="message">{event.failure_message.clone()}</td>
            <td title=absolute_time(&event.failure_timestamp)>{when}</td>
            <td class="row-actions">
                <EventActionButtons
                    state
                    what=format!("event {locator}")
                    targets=Callback::new(move |()| vec![locator])
                />
            </td>
        </tr>
    }
}

/// Resend and Delete for `targets`: one event (`what` = "event 01H…", short visible labels)
/// or the selection (`what` = "selected"). Off while a bulk action runs or without the permission.
#[component]
fn EventActionButtons(
    state: EventsState,
    #[prop(into)] what: String,
    targets: Callback<(), Vec<Locator>>,
) -> impl IntoView {
    let single = what != "selected";
    let busy = Signal::derive(move || state.selection.is_busy());
    let run = Callback::new(move |action: EventAction| state.act(action, targets.run(())));
    [EventAction::Resend, EventAction::Delete]
        .into_iter()
        .map(|action| {
            let name = format!("{} {what}", action.label());
            let label = if single { action.label().to_owned() } else { name.clone() };
            let class = if single { "button small" } else { "button" };
            view! {
                <ActionButton
                    action
                    label
                    aria_label=name
                    class
                    danger=action == EventAction::Delete
                    denied=state.denied(action)
                    busy
                    on_run=run
                />
            }
        })
        .collect_view()
}

/// One event in full, fetched again when opened, in a modal side panel.
#[component]
fn EventDrawer(state: EventsState) -> impl IntoView {
    let dialog = NodeRef::<Dialog>::new();
    let event = LocalResource::new(move || {
        let open = state.open.get();
        async move {
            match open {
                Some(event) => {
                    state.client.run(calls::fetch_diverted(state.tenant, state.webhook, event)).await.map(Some)
                }
                None => Ok(None),
            }
        }
    });
    Effect::new(move |_| {
        let Some(element) = dialog.get() else { return };
        match (state.open.with(Option::is_some), element.open()) {
            (true, false) => drop(element.show_modal()),
            (false, true) => element.close(),
            _ => {}
        }
    });
    let fields = move || {
        Suspend::new(async move {
            event.await.map(|event| {
                event.map(|event| {
                    let locator = event.event_locator;
                    view! {
                        <dl class="fields" data-testid="diverted-event">
                            <dt>"Event locator"</dt>
                            <dd class="mono">{locator.to_string()}</dd>
                            <dt>"Request locator"</dt>
                            <dd class="mono">{event.request_locator.to_string()}</dd>
                            <dt>"Failure trigger"</dt>
                            <dd>{event.failure_trigger}</dd>
                            <dt>"Failure message"</dt>
                            <dd>{event.failure_message}</dd>
                            <dt>"Failed at"</dt>
                            <dd>{absolute_time(&event.failure_timestamp)}" ("{event.failure_timestamp}")"</dd>
                        </dl>
                        <div class="actions">
                            <EventActionButtons
                                state
                                what=format!("event {locator}")
                                targets=Callback::new(move |()| vec![locator])
                            />
                        </div>
                        <DivertedEventPayload tenant=state.tenant event=locator />
                    }
                })
            })
        })
    };
    view! {
        <dialog
            node_ref=dialog
            class="dialog drawer"
            aria-labelledby="drawer-title"
            on:close=move |_| state.open.set(None)
        >
            <h2 id="drawer-title">"Diverted event"</h2>
            <Loaded what="the event" retry=move || event.refetch()>
                {fields}
            </Loaded>
            <button type="button" class="button" on:click=move |_| state.open.set(None)>
                "Close"
            </button>
        </dialog>
    }
}
