//! `/tenants/:tenant/events/:locator`: one event in full, the other events of its
//! request, and the webhooks that receive its type.

use leptos::prelude::*;
use webhooks_api::EventResponse;

use crate::api::{calls, use_api, ApiError, Prefetch};
use crate::events::view::{EventData, ReceivingWebhooks, RequestEvents};
use crate::shared::routes::{self, prefetch_by_locator, use_tenant};
use crate::widgets::Loaded;

/// The event of the route: fetched as soon as the route is chosen, beside the page's
/// chunk.
#[derive(Clone, Copy)]
pub struct EventPageData(Prefetch<EventResponse>);

impl EventPageData {
    /// Starts fetching the event of the route.
    pub fn load() -> Self {
        Self(prefetch_by_locator(calls::fetch_event))
    }
}

/// Shows the event (fetched by `data`) with its request and its webhooks; one sentence on
/// an EC without the Events API.
#[component]
pub fn EventPage(data: EventPageData) -> impl IntoView {
    let client = use_api();
    let tenant = use_tenant();
    let event = data.0;
    // The event's body, or `None` on an EC without the Events API (a 404 here, and on the list).
    let fetched = LocalResource::new(move || {
        let tenant = tenant.get();
        async move {
            let tenant = tenant?;
            match event.value().await {
                Err(ApiError::NotFound(_)) if client.lacks_events_api(tenant).await => Ok((tenant, None)),
                other => Ok((tenant, Some(other?))),
            }
        }
    });
    let body = move || {
        Suspend::new(async move {
            let (tenant, fetched) = fetched.await?;
            match fetched {
                Some(event) => {
                    let (kind, request, current) = (event.kind.clone(), event.request_id, event.locator);
                    Ok(view! {
                        <h1>"Event " <span class="chip">{kind.clone()}</span></h1>
                        <section aria-labelledby="event-data-title">
                            <h2 id="event-data-title" class="sr-only">
                                "The event"
                            </h2>
                            <EventData tenant event />
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
                    .into_any())
                }
                None => Ok::<_, ApiError>(
                    view! {
                        <h1>"Event"</h1>
                        <p class="notice" role="note" data-testid="no-events-api">
                            "This EC API has no Events API, so its events cannot be shown here."
                        </p>
                    }
                    .into_any(),
                ),
            }
        })
    };
    view! {
        <section class="panel">
            <p class="back">
                <a href=move || tenant.link(&|tenant| routes::events(tenant, ""))>"← Events"</a>
            </p>
            <Loaded what="the event" heading="Event" retry=move || event.refetch()>
                {body}
            </Loaded>
        </section>
    }
}
