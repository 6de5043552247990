//! `/tenants/:tenant/events`: the tenant's events in a time window (a preset or a custom
//! range) and of one type, both in the URL, oldest first as EC streams them: "Load more"
//! with the paging token, a live tail that polls with the token it holds, and a chart of
//! the loaded events per time bucket, stacked by service.

use std::collections::BTreeSet;
use std::time::Duration;

use gloo_timers::future::sleep;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::params::ParamsMap;
use leptos_router::NavigateOptions;
use webhooks_api::catalog::event_type_groups;
use webhooks_api::{EventResponse, EventStreamResponse, Locator, TenantLocator};

use crate::api::calls::{self, Query};
use crate::api::{use_api, ApiClient, ApiError, Prefetch};
use crate::events::query::{
    chart, reconnect_delay, summarize_data, Chart, EventsView, Preset, TailStatus, TimeWindow, CUSTOM_WINDOW,
    EVENTS_PAGE_SIZE, TAIL_INTERVAL_SECONDS,
};
use crate::shared::format::{
    absolute_time, from_local_input, iso_time, local_input_value, now_ms, parse_time_ms, time_ago,
};
use crate::shared::routes::{self, use_tenant};
use crate::widgets::field::{OptionGroup, SelectField, TextField};
use crate::widgets::Loaded;

/// How many characters of an event's data its row shows.
const SUMMARY_CHARS: usize = 120;

/// The first page of a view, and what it takes to go on from it.
#[derive(Clone)]
struct Stream {
    tenant: TenantLocator,
    view: EventsView,
    /// The first page's query: every later page repeats it, with the token.
    query: Query,
    page: EventStreamResponse,
}

/// What the first call of a view came to.
#[derive(Clone)]
enum FirstPage {
    /// A page of events.
    Loaded(Box<Stream>),
    /// The API refused the window or the type: what it said, by field.
    Refused(Vec<(String, String)>),
    /// This EC has no Events API (its list answers 404).
    NoEventsApi,
}

/// The label of a query parameter of the list, as the page names it.
fn parameter_label(parameter: &str) -> &str {
    match parameter {
        "startTimestamp" => "From",
        "endTimestamp" => "To",
        "type" => "Event type",
        other => other,
    }
}

/// The next page of `stream` after `token`.
async fn next_page(
    client: ApiClient,
    tenant: TenantLocator,
    query: &[(&'static str, String)],
    token: String,
) -> Result<EventStreamResponse, ApiError> {
    let mut query = query.to_vec();
    query.push(("pagingToken", token));
    client.run(calls::list_events(tenant, query)).await
}

/// Whether the page is hidden (another tab, a minimised window).
fn page_hidden() -> bool {
    web_sys::window().and_then(|w| w.document()).is_some_and(|d| d.hidden())
}

/// The first page of the view in the URL: fetched as soon as the route is chosen, beside
/// the page's chunk, and again when the view changes.
#[derive(Clone, Copy)]
pub struct EventsData(Prefetch<EventStreamResponse>);

/// The view in the URL.
fn view_in(query: Memo<ParamsMap>) -> EventsView {
    query.with(|q| EventsView::from_query(|key| q.get(key)))
}

impl EventsData {
    /// Starts fetching the first page of the view in the URL.
    pub fn load() -> Self {
        let (tenant, query) = (use_tenant(), use_query_map());
        Self(Prefetch::start(move || {
            Ok(Some(calls::list_events(tenant.get()?, view_in(query).api_query(now_ms(), iso_time))))
        }))
    }
}

/// Reads the first page of `view`, or what the API said instead of it.
async fn first_page(
    first: Prefetch<EventStreamResponse>,
    tenant: TenantLocator,
    view: EventsView,
) -> Result<FirstPage, ApiError> {
    match first.answer().await {
        Ok(Some((page, query))) => Ok(FirstPage::Loaded(Box::new(Stream { tenant, view, query, page }))),
        Ok(None) => Err(ApiError::NotFound("no events were asked for".to_owned())),
        Err(ApiError::NotFound(_)) => Ok(FirstPage::NoEventsApi),
        Err(ApiError::BadRequest { message, field_errors }) if !field_errors.is_empty() => {
            Ok(FirstPage::Refused(field_errors.into_iter().chain([(String::new(), message)]).collect()))
        }
        Err(error) => Err(error),
    }
}

/// The Events page: filters, then the stream (its first page fetched by `data`).
#[component]
pub fn EventsPage(data: EventsData) -> impl IntoView {
    let query = use_query_map();
    let navigate = use_navigate();
    let tenant = use_tenant();
    let view = Memo::new(move |_| view_in(query));
    let first = data.0;
    let show = Callback::new(move |next: EventsView| {
        let path = tenant.link(&|tenant| routes::events(tenant, &next.to_query()));
        navigate(&path, NavigateOptions { scroll: false, ..Default::default() });
    });
    let body = move || {
        Suspend::new(async move {
            let tenant = tenant.get_untracked()?;
            first_page(first, tenant, view.get_untracked()).await.map(|first| match first {
                FirstPage::Loaded(stream) => view! { <EventStream stream=*stream /> }.into_any(),
                FirstPage::NoEventsApi => view! {
                    <p class="notice" role="note" data-testid="no-events-api">
                        "This EC API has no Events API (its events list answers 404), so events cannot be shown here. \
                            Webhooks and their diverted events work as usual."
                    </p>
                }
                .into_any(),
                FirstPage::Refused(reasons) => {
                    let (fields, message): (Vec<_>, Vec<_>) =
                        reasons.into_iter().partition(|(field, _)| !field.is_empty());
                    let said = message.into_iter().map(|(_, m)| m).collect::<String>();
                    view! {
                        <div class="error-panel" role="alert" data-testid="events-refused">
                            <p>{format!("The API refused this view ({said}). Correct it and try again:")}</p>
                            <ul>
                                {fields
                                    .into_iter()
                                    .map(|(field, why)| {
                                        view! {
                                            <li>
                                                <strong>{parameter_label(&field).to_owned()}</strong>
                                                ": "
                                                {why}
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        </div>
                    }
                    .into_any()
                }
            })
        })
    };
    view! {
        <section class="panel">
            <div class="panel-head">
                <h1>"Events"</h1>
                <a class="button" href=move || tenant.link(&routes::event_types)>
                    "Event types"
                </a>
            </div>
            <EventFilters view show />
            <Loaded what="events" retry=move || first.refetch()>
                {body}
            </Loaded>
        </section>
    }
}

/// The time window (presets, or a custom range applied with its button) and the event
/// type (EC's catalog), all in the URL.
#[component]
fn EventFilters(view: Memo<EventsView>, show: Callback<EventsView>) -> impl IntoView {
    let window_key = move || match view.with(|v| v.window.clone()) {
        TimeWindow::Last(preset) => preset.key().to_owned(),
        TimeWindow::Between { .. } => CUSTOM_WINDOW.to_owned(),
    };
    // The custom range is typed here and applied by its button; the URL keeps the last applied.
    let custom = RwSignal::new(matches!(view.get_untracked().window, TimeWindow::Between { .. }));
    let (from, to) = match view.get_untracked().window {
        TimeWindow::Between { from, to } => (local_input_value(&from), local_input_value(&to)),
        TimeWindow::Last(preset) => (local_input_value(&iso_time(now_ms() - preset.duration_ms())), String::new()),
    };
    let (from, to) = (RwSignal::new(from), RwSignal::new(to));
    let (from_error, to_error) = (RwSignal::new(None::<String>), RwSignal::new(None::<String>));
    let windows: Vec<(String, String)> = Preset::ALL
        .into_iter()
        .map(|p| (p.key().to_owned(), p.label().to_owned()))
        .chain([(CUSTOM_WINDOW.to_owned(), "Custom range".to_owned())])
        .collect();
    let on_window = Callback::new(move |key: String| match Preset::from_key(&key) {
        Some(preset) => {
            custom.set(false);
            show.run(EventsView { window: TimeWindow::Last(preset), ..view.get_untracked() });
        }
        None => custom.set(true),
    });
    let apply = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let start = from_local_input(&from.get_untracked());
        let end = Some(to.get_untracked()).filter(|t| !t.is_empty()).map(|t| from_local_input(&t));
        from_error.set(start.is_none().then(|| "enter the date and time the window starts".to_owned()));
        let end_error = match (&start, &end) {
            (_, Some(None)) => Some("enter a date and time, or leave it empty for “up to now”".to_owned()),
            (Some(start), Some(Some(end))) if end <= start => Some("the end must come after the start".to_owned()),
            _ => None,
        };
        to_error.set(end_error.clone());
        if let (Some(from), None) = (start, end_error) {
            let to = end.flatten().unwrap_or_default();
            show.run(EventsView { window: TimeWindow::Between { from, to }, ..view.get_untracked() });
        }
    };
    let groups: Vec<OptionGroup> = {
        let mut by_service: Vec<OptionGroup> = Vec::new();
        for group in event_type_groups() {
            let entries = group.event_types.into_iter().map(|t| (t.clone(), t));
            match by_service.last_mut() {
                Some((service, types)) if *service == group.service => types.extend(entries),
                _ => by_service.push((group.service, entries.collect())),
            }
        }
        by_service
    };
    let known: BTreeSet<String> = groups.iter().flat_map(|(_, types)| types.iter().map(|(t, _)| t.clone())).collect();
    // A type from the URL that the catalog does not know is offered too, so that it shows.
    let type_options = Signal::derive(move || {
        let mut options = vec![(String::new(), "Any type".to_owned())];
        if let Some(kind) = view.with(|v| v.event_type.clone()).filter(|kind| !known.contains(kind)) {
            options.push((kind.clone(), kind));
        }
        options
    });
    view! {
        <div class="filters" role="search" aria-label="Filter events">
            <SelectField
                id="events-window"
                label="Time window"
                options=Signal::stored(windows)
                value=Signal::derive(move || if custom.get() { CUSTOM_WINDOW.to_owned() } else { window_key() })
                on_change=on_window
            />
            <SelectField
                id="events-type"
                label="Event type"
                options=type_options
                groups=Signal::stored(groups)
                value=Signal::derive(move || view.with(|v| v.event_type.clone().unwrap_or_default()))
                on_change=Callback::new(move |kind: String| {
                    show.run(EventsView {
                        event_type: Some(kind).filter(|k| !k.is_empty()),
                        ..view.get_untracked()
                    })
                })
            />
        </div>
        <Show when=move || custom.get()>
            <form class="filters custom-range" novalidate on:submit=apply aria-label="Custom time range">
                <TextField
                    id="events-from"
                    label="From"
                    kind="datetime-local"
                    value=from
                    on_input=Callback::new(move |text| from.set(text))
                    error=from_error
                />
                <TextField
                    id="events-to"
                    label="To"
                    hint="Empty: up to now, and later events too."
                    kind="datetime-local"
                    value=to
                    on_input=Callback::new(move |text| to.set(text))
                    error=to_error
                />
                <button type="submit" class="button">
                    "Apply range"
                </button>
            </form>
        </Show>
    }
}

/// The loaded events: chart, table, "Load more" and the live tail.
#[component]
fn EventStream(stream: Stream) -> impl IntoView {
    let client = use_api();
    let Stream { tenant, view, query, page } = stream;
    let query = StoredValue::new(query);
    let full = page.events.len() >= EVENTS_PAGE_SIZE as usize;
    let seen = StoredValue::new(page.events.iter().map(|e| e.locator).collect::<BTreeSet<Locator>>());
    let rows = RwSignal::new(page.events);
    let token = RwSignal::new(page.paging_token);
    // Whether the last page was full: more may be waiting.
    let more_waiting = RwSignal::new(full);
    let fresh = RwSignal::new(0usize);
    let tail = RwSignal::new(TailStatus::Off);
    let failure = RwSignal::new(None::<String>);
    let generation = StoredValue::new(0u32);
    let open_ended = view.is_open_ended();

    // Adds a page: the token moves on, and events already shown are not shown twice.
    let take = move |page: EventStreamResponse| -> usize {
        more_waiting.set(page.events.len() >= EVENTS_PAGE_SIZE as usize);
        token.set(page.paging_token);
        let new: Vec<EventResponse> = page
            .events
            .into_iter()
            .filter(|e| seen.try_update_value(|s| s.insert(e.locator)).unwrap_or(false))
            .collect();
        let added = new.len();
        if added > 0 {
            rows.update(|rows| rows.extend(new));
        }
        added
    };
    let load_more = Action::new_local(move |(): &()| async move {
        failure.set(None);
        match next_page(client, tenant, &query.get_value(), token.get_untracked()).await {
            Ok(page) => {
                take(page);
            }
            Err(error) => failure.set(Some(format!("Could not load more events: {error}"))),
        }
    });
    let run_tail = move |mine: u32| async move {
        let current = move || generation.try_get_value() == Some(mine);
        let mut failures = 0;
        while current() {
            if page_hidden() {
                tail.set(TailStatus::Paused);
                sleep(Duration::from_secs(1)).await;
                continue;
            }
            let wait = match next_page(client, tenant, &query.get_value(), token.get_untracked()).await {
                _ if !current() => break,
                Ok(page) => {
                    failures = 0;
                    let added = take(page);
                    fresh.update(|n| *n += added);
                    tail.set(TailStatus::Live);
                    if more_waiting.get_untracked() {
                        0
                    } else {
                        TAIL_INTERVAL_SECONDS
                    }
                }
                Err(ApiError::RateLimited { retry_after_seconds }) => {
                    let seconds = retry_after_seconds.unwrap_or(TAIL_INTERVAL_SECONDS * 10);
                    tail.set(TailStatus::Waiting(seconds));
                    seconds
                }
                Err(
                    ApiError::Network(_) | ApiError::CrossOrigin { .. } | ApiError::Timeout | ApiError::Server { .. },
                ) => {
                    failures += 1;
                    let seconds = reconnect_delay(failures);
                    tail.set(TailStatus::Reconnecting(seconds));
                    seconds
                }
                Err(error) => {
                    tail.set(TailStatus::Off);
                    failure.set(Some(format!("The live tail stopped: {error}")));
                    break;
                }
            };
            sleep(Duration::from_secs(wait.into())).await;
        }
    };
    let toggle_tail = move |_| {
        generation.update_value(|g| *g += 1);
        if tail.get_untracked() == TailStatus::Off {
            fresh.set(0);
            failure.set(None);
            tail.set(TailStatus::Live);
            spawn_local(run_tail(generation.get_value()));
        } else {
            tail.set(TailStatus::Off);
        }
    };
    let tailing = move || tail.get() != TailStatus::Off;
    let chart = Memo::new(move |_| {
        let span = view.chart_span(now_ms(), parse_time_ms)?;
        rows.with(|rows| {
            let points: Vec<(f64, &str)> =
                rows.iter().filter_map(|e| parse_time_ms(&e.timestamp).map(|at| (at, e.kind.as_str()))).collect();
            Some(chart(span, &points))
        })
    });
    view! {
        <div class="tail">
            <button
                type="button"
                class="button"
                aria-pressed=move || tailing().to_string()
                disabled=!open_ended
                title=(!open_ended).then_some("A range with an end gets no new events.")
                on:click=toggle_tail
            >
                "Live tail"
            </button>
            <span role="status" aria-live="polite" data-testid="tail-status">
                {move || tailing().then(|| tail.get().describe())}
                {move || {
                    (tailing() && fresh.get() > 0)
                        .then(|| view! { <span class="badge badge-active">{format!(" {} new", fresh.get())}</span> })
                }}
            </span>
        </div>
        {move || chart.get().map(|chart| view! { <EventsChart chart /> })}
        <Show
            when=move || rows.with(|rows| !rows.is_empty())
            fallback=move || {
                view! {
                    <div class="empty" data-testid="no-events">
                        <p>"No events in this window yet."</p>
                    </div>
                }
            }
        >
            <div class="table-wrap">
                <table class="events" data-testid="events-table">
                    <caption class="sr-only">"Events, oldest first"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Time"</th>
                            <th scope="col">"Type"</th>
                            <th scope="col">"Event"</th>
                            <th scope="col">"Request"</th>
                            <th scope="col">"Data"</th>
                        </tr>
                    </thead>
                    <tbody>
                        <For each=move || rows.get() key=|event| event.locator let:event>
                            <EventRow tenant event />
                        </For>
                    </tbody>
                </table>
            </div>
        </Show>
        <p class="error-text" role="alert">
            {move || failure.get()}
        </p>
        <div class="pagination">
            <span class="range" data-testid="events-count">
                {move || format!("{} events, oldest first", rows.with(Vec::len))}
            </span>
            <button
                type="button"
                class="button"
                disabled=move || load_more.pending().get() || tailing()
                on:click=move |_| {
                    load_more.dispatch_local(());
                }
            >
                {move || if more_waiting.get() { "Load more" } else { "Check for newer events" }}
            </button>
        </div>
    }
}

/// One event's row.
#[component]
fn EventRow(tenant: TenantLocator, event: EventResponse) -> impl IntoView {
    let when = time_ago(&event.timestamp).unwrap_or_default();
    let summary = summarize_data(&event.data, SUMMARY_CHARS);
    view! {
        <tr data-testid="event-row">
            <td>
                <time datetime=event.timestamp.clone() title=absolute_time(&event.timestamp)>
                    {when}
                </time>
            </td>
            <td>
                <span class="chip">{event.kind.clone()}</span>
            </td>
            <th scope="row" class="mono">
                <a href=routes::event(tenant, event.locator)>{event.locator.to_string()}</a>
            </th>
            <td class="mono">{event.request_id.to_string()}</td>
            <td class="message" title=summary.clone()>
                {summary.clone()}
            </td>
        </tr>
    }
}

/// Bars of the loaded events per time bucket, stacked by service, with a legend and the
/// count of what it shows.
#[component]
fn EventsChart(chart: Chart) -> impl IntoView {
    const WIDTH: f64 = 600.0;
    const HEIGHT: f64 = 120.0;
    let tallest = chart.max_total().max(1) as f64;
    let slot = WIDTH / chart.buckets.len() as f64;
    let bucket_ms = chart.buckets.get(1).zip(chart.buckets.first()).map_or(0.0, |(b, a)| b.start_ms - a.start_ms);
    let per = crate::shared::format::duration_words(bucket_ms as i64);
    let caption =
        format!("{} loaded event{} per {per}, by service", chart.counted, if chart.counted == 1 { "" } else { "s" });
    let totals: Vec<usize> =
        (0..chart.services.len()).map(|i| chart.buckets.iter().map(|b| b.counts[i]).sum()).collect();
    let bars = chart
        .buckets
        .iter()
        .enumerate()
        .map(|(i, bucket)| {
            let total: usize = bucket.counts.iter().sum();
            let mut top = HEIGHT;
            let segments = bucket
                .counts
                .iter()
                .enumerate()
                .filter(|(_, n)| **n > 0)
                .map(|(service, n)| {
                    let height = *n as f64 / tallest * HEIGHT;
                    top -= height;
                    view! {
                        <rect
                            class=format!("svc svc-{}", service % 8)
                            x=format!("{:.1}", i as f64 * slot + 1.0)
                            y=format!("{top:.1}")
                            width=format!("{:.1}", (slot - 2.0).max(1.0))
                            height=format!("{height:.1}")
                        ></rect>
                    }
                })
                .collect_view();
            let detail: Vec<String> = chart
                .services
                .iter()
                .zip(&bucket.counts)
                .filter(|(_, n)| **n > 0)
                .map(|(service, n)| format!("{service} {n}"))
                .collect();
            let from = absolute_time(&iso_time(bucket.start_ms));
            let label = format!(
                "{from}: {total} event{}{}",
                if total == 1 { "" } else { "s" },
                if detail.is_empty() { String::new() } else { format!(" ({})", detail.join(", ")) }
            );
            view! {
                <g>
                    <title>{label}</title>
                    {segments}
                </g>
            }
        })
        .collect_view();
    let first = chart.buckets.first().map(|b| absolute_time(&iso_time(b.start_ms))).unwrap_or_default();
    let last = chart.buckets.last().map(|b| absolute_time(&iso_time(b.start_ms + bucket_ms))).unwrap_or_default();
    view! {
        <figure class="chart" data-testid="events-chart">
            <svg
                viewBox=format!("0 0 {WIDTH} {HEIGHT}")
                preserveAspectRatio="none"
                role="img"
                aria-label=caption.clone()
            >
                {bars}
            </svg>
            <div class="chart-axis">
                <span>{first}</span>
                <span>{last}</span>
            </div>
            <figcaption>
                {caption}
                <ul class="legend">
                    {chart
                        .services
                        .iter()
                        .zip(totals)
                        .enumerate()
                        .map(|(i, (service, total))| {
                            view! {
                                <li>
                                    <span class=format!("swatch svc-{}", i % 8) aria-hidden="true"></span>
                                    {format!("{service}: {total}")}
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </figcaption>
        </figure>
    }
}
