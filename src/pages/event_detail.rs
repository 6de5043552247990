//! `/tenants/:tenant/events/:locator`: one event in full, the other events of its
//! request, and the webhooks that receive its type.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use webhooks_api::{EventResponse, TenantLocator};

use crate::api::{use_api, ApiError};
use crate::components::event_view::{EventData, ReceivingWebhooks, RequestEvents};
use crate::components::ErrorPanel;
use crate::routes::{self, route_locator};

/// What fetching the event came to.
#[derive(Clone)]
enum Fetched {
    /// The event, in its tenant.
    Event(TenantLocator, Box<EventResponse>),
    /// This EC has no Events API.
    NoEventsApi,
}

/// Loads the event and shows it with its request and its webhooks.
#[component]
pub fn EventPage() -> impl IntoView {
    let client = use_api();
    let params = use_params_map();
    let tenant = move || params.with(|p| p.get("tenant").unwrap_or_default());
    let event = LocalResource::new(move || {
        let ids = params.with(|p| (p.get("tenant").unwrap_or_default(), p.get("locator").unwrap_or_default()));
        async move {
            let tenant: TenantLocator = route_locator(&ids.0)?;
            match client.fetch_event(tenant, route_locator(&ids.1)?).await {
                Ok(event) => Ok(Fetched::Event(tenant, Box::new(event))),
                Err(ApiError::NotFound(_)) if client.lacks_events_api(tenant).await => Ok(Fetched::NoEventsApi),
                Err(error) => Err(error),
            }
        }
    });
    let body = move || {
        Suspend::new(async move {
            event.await.map(|fetched| match fetched {
                Fetched::Event(tenant, event) => {
                    let (kind, request, current) = (event.kind.clone(), event.request_id, event.locator);
                    view! {
                        <h1>"Event " <span class="chip">{kind.clone()}</span></h1>
                        <section aria-labelledby="event-data-title">
                            <h2 id="event-data-title" class="sr-only">
                                "The event"
                            </h2>
                            <EventData tenant event=*event />
                        </section>
                        <section aria-labelledby="request-title">
                            <h2 id="request-title">"Its request"</h2>
                            <RequestEvents tenant request current />
                        </section>
                        <section aria-labelledby="receivers-title">
                            <h2 id="receivers-title">{format!("Webhooks that receive {kind}")}</h2>
                            <ReceivingWebhooks tenant event_type=kind />
                        </section>
                    }
                    .into_any()
                }
                Fetched::NoEventsApi => view! {
                    <h1>"Event"</h1>
                    <p class="notice" role="note" data-testid="no-events-api">
                        "This EC API has no Events API, so its events cannot be shown here."
                    </p>
                }
                .into_any(),
            })
        })
    };
    view! {
        <section class="panel">
            <p class="back">
                <a href=move || routes::events(tenant(), "")>"← Events"</a>
            </p>
            <Transition fallback=|| view! { <p class="loading">"Loading the event…"</p> }>
                <ErrorBoundary fallback=move |errors| {
                    view! {
                        <h1>"Event"</h1>
                        <ErrorPanel errors retry=move || event.refetch() />
                    }
                }>{body}</ErrorBoundary>
            </Transition>
        </section>
    }
}
