//! The events feature: the stream (`stream.rs`, its window, type and chart `query.rs`),
//! one event (`event.rs`, and `view.rs`: an event in full, its request's events, the
//! webhooks that receive its type), and the catalog of event types (`types.rs`). Its
//! routes are [`routes`], below the app's `/tenants/:tenant`.

mod event;
pub mod query;
mod stream;
mod types;
pub mod view;

use leptos::prelude::*;
use leptos_router::components::Route;
use leptos_router::{path, Lazy};

use crate::widgets::lazy::lazy_route;
use event::{EventPage, EventPageData};
use stream::{EventsData, EventsPage};
use types::{EventTypesData, EventTypesPage};

/// The feature's pages, below `/tenants/:tenant`: a new page is one file here and one
/// line below.
pub fn routes() -> impl leptos_router::MatchNestedRoutes + Clone {
    view! {
        <Route path=path!("/tenants/:tenant/events") view={Lazy::<EventsRoute>::new()} />
        <Route path=path!("/tenants/:tenant/events/:locator") view={Lazy::<EventRoute>::new()} />
        <Route path=path!("/tenants/:tenant/event-types") view={Lazy::<EventTypesRoute>::new()} />
    }
    .into_inner()
}

lazy_route!(
    /// `/tenants/:tenant/events`, in the `events` chunk.
    EventsRoute, EventsPage, EventsData, events, events_view, events_split, preload_events, preload_events_split
);
lazy_route!(
    /// `/tenants/:tenant/events/:locator`, in the `events` chunk too.
    EventRoute, EventPage, EventPageData, events, event_view, event_split, preload_event, preload_event_split
);
lazy_route!(
    /// `/tenants/:tenant/event-types`, in the `catalog` chunk.
    EventTypesRoute, EventTypesPage, EventTypesData, catalog,
    event_types_view, event_types_split, preload_event_types, preload_event_types_split
);
