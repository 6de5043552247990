//! One event in full (its `data` field by field and as JSON, its request's other events,
//! the webhooks that receive its type), for the event's page and a diverted event's drawer.

use leptos::prelude::*;
use webhooks_api::{EventResponse, Locator, TenantLocator};

use webhooks_api::permissions::EVENTS_READ;

use crate::api::{calls, use_api, ApiError};
use crate::events::query::{data_fields, EventsView};
use crate::shared::format::{absolute_time, pretty_json, time_ago};
use crate::shared::routes;
use crate::shared::status::WebhookStatus;
use crate::widgets::toast::CopyButton;
use crate::widgets::Loaded;

/// An event's identity, its `data` field by field (with each field's meaning where EC's
/// schema of the type names it) and as indented JSON with a copy button.
#[component]
pub fn EventData(tenant: TenantLocator, event: EventResponse) -> impl IntoView {
    let rows = data_fields(&event.kind, &event.data);
    let json = pretty_json(&event.data.to_string());
    let when = time_ago(&event.timestamp).unwrap_or_default();
    view! {
        <dl class="fields" data-testid="event-fields">
            <dt>"Type"</dt>
            <dd>
                <a class="chip" href=routes::events(tenant, &EventsView::recent(&event.kind).to_query())>
                    {event.kind.clone()}
                </a>
            </dd>
            <dt>"Raised"</dt>
            <dd>
                <time datetime=event.timestamp.clone() title=event.timestamp.clone()>
                    {absolute_time(&event.timestamp)}
                </time>
                {format!(" ({when})")}
            </dd>
            <dt>"Event locator"</dt>
            <dd class="mono">{event.locator.to_string()}</dd>
            <dt>"Request"</dt>
            <dd class="mono">{event.request_id.to_string()}</dd>
            <dt>"User"</dt>
            <dd class="mono">{event.user_locator.to_string()}</dd>
        </dl>
        <h3>"Data"</h3>
        {if rows.is_empty() {
            view! { <p class="hint">"No fields to list: the data is shown as it came, below."</p> }.into_any()
        } else {
            view! {
                <table class="data-fields" data-testid="data-fields">
                    <thead>
                        <tr>
                            <th scope="col">"Field"</th>
                            <th scope="col">"Value"</th>
                            <th scope="col">"Meaning"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {rows
                            .into_iter()
                            .map(|row| {
                                view! {
                                    <tr>
                                        <th scope="row" class="mono">
                                            {row.name}
                                        </th>
                                        <td class="mono">{row.value}</td>
                                        <td>
                                            {row
                                                .meaning
                                                .unwrap_or_else(|| "not in EC's schema of this type".to_owned())}
                                        </td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            }
                .into_any()
        }}
        <div class="actions">
            <CopyButton text=json.clone() label="Copy data" done="Copied the event's data." />
        </div>
        <pre class="json" data-testid="event-json" tabindex="0">
            {json}
        </pre>
    }
}

/// The events of the request that raised `current`, in order, `current` marked.
#[component]
pub fn RequestEvents(tenant: TenantLocator, request: Locator, current: Locator) -> impl IntoView {
    let client = use_api();
    let events = LocalResource::new(move || async move { client.run(calls::request_events(tenant, request)).await });
    let list = move || {
        Suspend::new(async move {
            events.await.map(|events| {
                let count = events.len();
                view! {
                    <p class="hint">
                        {match count {
                            1 => "This request raised only this event.".to_owned(),
                            n => format!("This request raised {n} events, in this order:"),
                        }}
                    </p>
                    <ol class="request-events" data-testid="request-events">
                        {events
                            .into_iter()
                            .map(|event| {
                                let this = event.locator == current;
                                view! {
                                    <li aria-current=this.then_some("true") class:current=this>
                                        <a href=routes::event(tenant, event.locator)>{event.kind}</a>
                                        " "
                                        <span class="mono muted">{event.locator.to_string()}</span>
                                        {this.then_some(" (this event)")}
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ol>
                }
            })
        })
    };
    view! {
        <Loaded what="the request's events" retry=move || events.refetch()>
            {list}
        </Loaded>
    }
}

/// The tenant's webhooks that receive `event_type`, each with its status and a link.
#[component]
pub fn ReceivingWebhooks(tenant: TenantLocator, #[prop(into)] event_type: String) -> impl IntoView {
    let client = use_api();
    let kind = event_type.clone();
    let webhooks = LocalResource::new(move || {
        let query = vec![("eventTypes", kind.clone()), ("count", "100".to_owned())];
        async move { client.run(calls::list_webhooks(tenant, query)).await.map(|list| list.0) }
    });
    let list = move || {
        Suspend::new(async move {
            webhooks.await.map(|webhooks| {
                if webhooks.is_empty() {
                    return view! { <p data-testid="receiving-webhooks">"No webhook of this tenant receives this type."</p> }
                        .into_any();
                }
                view! {
                    <ul class="receiving" data-testid="receiving-webhooks">
                        {webhooks
                            .into_iter()
                            .map(|webhook| {
                                let status = WebhookStatus::of(&webhook);
                                view! {
                                    <li>
                                        <a href=routes::webhook(tenant, webhook.locator)>{webhook.name}</a>
                                        " "
                                        <span class=status.css_class()>{status.label()}</span>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            })
        })
    };
    view! {
        <Loaded what="the webhooks" retry=move || webhooks.refetch()>
            {list}
        </Loaded>
    }
}

/// What became of fetching a diverted event's event.
#[derive(Clone)]
enum Payload {
    /// The event.
    Found(Box<EventResponse>),
    /// The token may not read events.
    NotAllowed,
    /// EC no longer keeps it.
    Gone,
    /// This EC has no Events API: nothing to show.
    NoEventsApi,
}

/// The full event behind a diverted event, and its request's events; a note instead when
/// the token lacks `events.read` or EC no longer keeps it; nothing on an EC without the
/// Events API.
#[component]
pub fn DivertedEventPayload(tenant: TenantLocator, event: Locator) -> impl IntoView {
    let client = use_api();
    let payload = LocalResource::new(move || async move {
        match client.run(calls::fetch_event(tenant, event)).await {
            Ok(found) => Ok(Payload::Found(Box::new(found))),
            Err(ApiError::Forbidden { permission: Some(permission), .. }) if permission == EVENTS_READ => {
                Ok(Payload::NotAllowed)
            }
            Err(ApiError::NotFound(_)) if client.lacks_events_api(tenant).await => Ok(Payload::NoEventsApi),
            Err(ApiError::NotFound(_)) => Ok(Payload::Gone),
            Err(error) => Err(error),
        }
    });
    let body = move || {
        Suspend::new(async move {
            payload.await.map(|payload| match payload {
                Payload::Found(found) => {
                    let (request, current) = (found.request_id, found.locator);
                    view! {
                        <section class="payload" aria-labelledby="payload-title" data-testid="diverted-payload">
                            <h3 id="payload-title">"The event"</h3>
                            <EventData tenant event=*found />
                            <h3>"Its request"</h3>
                            <RequestEvents tenant request current />
                        </section>
                    }
                    .into_any()
                }
                Payload::NotAllowed => view! {
                    <p class="notice" role="note" data-testid="payload-note">
                        {format!(
                            "The event's data is not shown: your token lacks the permission {EVENTS_READ}. Ask an \
                                administrator for a token that has it.",
                        )}
                    </p>
                }
                .into_any(),
                Payload::Gone => view! {
                    <p class="notice" role="note" data-testid="payload-note">
                        "EC no longer keeps this event (events are kept for a limited time): only the failure is left."
                    </p>
                }
                .into_any(),
                Payload::NoEventsApi => ().into_any(),
            })
        })
    };
    view! {
        <Loaded what="the event" retry=move || payload.refetch()>
            {body}
        </Loaded>
    }
}
