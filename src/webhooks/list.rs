//! `/tenants/:tenant/webhooks`: the tenant's webhooks, filtered on the server, with the
//! filters and page in the URL.

use std::collections::BTreeSet;
use std::time::Duration;

use leptos::html::Input;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;
use webhooks_api::TenantLocator;

use super::query::{split_page, ListView, StatusFilter, PAGE_SIZES};
use super::table::WebhookTable;
use crate::api::session;
use crate::api::{calls, ApiError, Prefetch};
use crate::shared::routes::{self, use_tenant};
use crate::widgets::event_type_picker::EventTypePicker;
use crate::widgets::lazy::lazy_view;
use crate::widgets::ErrorPanel;

/// How long the name filter waits after the last keystroke.
const NAME_DEBOUNCE: Duration = Duration::from_millis(300);

/// The list page: filters, the table, pagination.
#[component]
pub fn WebhookListPage() -> impl IntoView {
    let query = use_query_map();
    let navigate = use_navigate();
    let tenant = use_tenant();
    let view = Memo::new(move |_| query.with(|q| ListView::from_query(|key| q.get(key))));
    let show = Callback::new(move |(next, replace): (ListView, bool)| {
        let path = tenant.link(&|tenant| routes::webhooks(tenant, &next.to_query()));
        navigate(&path, NavigateOptions { replace, scroll: false, ..Default::default() });
    });

    // The same kind of request as the lazy pages' (one resource type in the first load).
    let page = Prefetch::start(move || Ok(Some(calls::list_webhooks(tenant.get()?, view.with(ListView::api_query)))));
    let body = move || {
        Suspend::new(async move {
            let rows = page.value().await?.0;
            let tenant = tenant.get_untracked()?;
            session::remember_tenant(&tenant.to_string());
            let current = view.get_untracked();
            let (rows, has_next) = split_page(rows, current.page_size);
            Ok::<_, ApiError>(view! { <ListBody tenant rows has_next current show /> })
        })
    };

    view! {
        <section class="panel">
            <div class="panel-head">
                <h1>"Webhooks"</h1>
                <a class="button primary" href=move || tenant.link(&routes::new_webhook)>
                    "New webhook"
                </a>
            </div>
            <FilterBar view show />
            <Transition fallback=|| view! { <SkeletonRows /> }>
                <ErrorBoundary fallback=move |errors| view! { <ErrorPanel errors retry=move || page.refetch() /> }>
                    <div aria-busy=move || page.loading().to_string()>{body}</div>
                </ErrorBoundary>
            </Transition>
        </section>
    }
}

/// The table, or the right empty state, and the pagination.
#[component]
fn ListBody(
    tenant: TenantLocator,
    rows: Vec<webhooks_api::WebhookResponse>,
    has_next: bool,
    current: ListView,
    show: Callback<(ListView, bool)>,
) -> impl IntoView {
    let count = rows.len();
    // Why the page is empty, and the way out: one view for the three cases.
    let empty: Option<(&str, Option<(&str, ListView)>)> = if count > 0 {
        None
    } else if current.page > 1 {
        Some(("There is nothing on this page.", Some(("Go to the first page", current.clone().first_page()))))
    } else if current.is_filtered() {
        Some(("No webhook matches these filters.", Some(("Clear filters", current.cleared()))))
    } else {
        Some(("This tenant has no webhooks yet: create the first one with “New webhook”.", None))
    };
    let (first_row, last_row) = current.row_range(count);
    let previous = (current.page > 1).then(|| ListView { page: current.page - 1, ..current.clone() });
    let next = has_next.then(|| ListView { page: current.page + 1, ..current.clone() });
    let size_view = current.clone();
    view! {
        {match empty {
            Some((message, way_out)) => {
                view! {
                    <div class="empty" data-testid="empty-list">
                        <p>{message}</p>
                        {way_out
                            .map(|(label, target)| {
                                view! {
                                    <button
                                        type="button"
                                        class="button"
                                        on:click=move |_| show.run((target.clone(), false))
                                    >
                                        {label}
                                    </button>
                                }
                            })}
                    </div>
                }
                    .into_any()
            }
            None => view! { <WebhookTable tenant webhooks=rows /> }.into_any(),
        }}
        <nav class="pagination" aria-label="Pages">
            <span class="range" data-testid="row-range">
                {if count > 0 { format!("Rows {first_row}–{last_row}") } else { String::new() }}
            </span>
            <button
                type="button"
                class="button"
                disabled=previous.is_none()
                on:click=move |_| {
                    if let Some(p) = previous.clone() {
                        show.run((p, false))
                    }
                }
            >
                "Previous"
            </button>
            <span class="page-number">{format!("Page {}", current.page)}</span>
            <button
                type="button"
                class="button"
                disabled=next.is_none()
                on:click=move |_| {
                    if let Some(n) = next.clone() {
                        show.run((n, false))
                    }
                }
            >
                "Next"
            </button>
            <label for="page-size">"Rows per page"</label>
            <select
                id="page-size"
                on:change=move |e| {
                    let page_size = event_target_value(&e).parse().unwrap_or(current.page_size);
                    show.run((
                        ListView {
                            page_size,
                            ..size_view.clone()
                        }
                            .first_page(),
                        false,
                    ));
                }
            >
                {PAGE_SIZES
                    .into_iter()
                    .map(|size| {
                        view! {
                            <option value=size.to_string() selected=size == current.page_size>
                                {size.to_string()}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </nav>
    }
}

/// Name (debounced), status and event-type filters, all kept in the URL.
#[component]
fn FilterBar(view: Memo<ListView>, show: Callback<(ListView, bool)>) -> impl IntoView {
    let name_input = NodeRef::<Input>::new();
    let name = RwSignal::new(view.get_untracked().name);
    // Back, forward and "Clear filters" change the URL: the box follows.
    Effect::new(move |_| name.set(view.get().name));
    let pending = StoredValue::new(None::<TimeoutHandle>);
    let on_name = move |event| {
        let typed = event_target_value(&event);
        name.set(typed.clone());
        if let Some(handle) = pending.get_value() {
            handle.clear();
        }
        let handle = set_timeout_with_handle(
            move || show.run((ListView { name: typed.clone(), ..view.get_untracked() }.first_page(), true)),
            NAME_DEBOUNCE,
        );
        pending.set_value(handle.ok());
    };
    // `/` focuses the name filter, unless the user is typing somewhere.
    let shortcut = window_event_listener(leptos::ev::keydown, move |event| {
        let typing = event
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
            .is_some_and(|element| matches!(element.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"));
        if event.key() == "/" && !typing {
            if let Some(input) = name_input.get() {
                event.prevent_default();
                let _ = input.focus();
            }
        }
    });
    on_cleanup(move || shortcut.remove());
    // A memo, not a derived signal: each of the picker's checkboxes reads it, and paging
    // changes the view but not its event types.
    let selected = Memo::new(move |_| view.with(|v| v.event_types.iter().cloned().collect::<BTreeSet<_>>()));
    // The picker (a checkbox per catalog entry, in a chunk of its own) is made when the
    // filter is first opened: most visits never open it.
    let types_opened = RwSignal::new(false);
    let on_types = Callback::new(move |types: BTreeSet<String>| {
        show.run((ListView { event_types: types.into_iter().collect(), ..view.get_untracked() }.first_page(), false));
    });
    view! {
        <div class="filters" role="search" aria-label="Filter webhooks">
            <div class="field">
                <label for="filter-name">"Name contains"</label>
                <input
                    id="filter-name"
                    type="search"
                    node_ref=name_input
                    placeholder="Press / to search"
                    prop:value=name
                    on:input=on_name
                />
            </div>
            <div class="field">
                <label for="filter-status">"Status"</label>
                <select
                    id="filter-status"
                    on:change=move |e| {
                        let status = StatusFilter::from_key(&event_target_value(&e));
                        show.run((
                            ListView {
                                status,
                                ..view.get_untracked()
                            }
                                .first_page(),
                            false,
                        ));
                    }
                >
                    {StatusFilter::ALL
                        .into_iter()
                        .map(|status| {
                            view! {
                                <option value=status.key() selected=move || view.with(|v| v.status == status)>
                                    {status.label()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </div>
            <details class="field types-filter" on:toggle=move |_| types_opened.set(true)>
                <summary>
                    {move || match view.with(|v| v.event_types.len()) {
                        0 => "Event types: any".to_owned(),
                        n => format!("Event types: {n} selected"),
                    }}
                </summary>
                <Show when=move || types_opened.get()>
                    <Suspense fallback=|| {
                        view! { <p class="loading">"Loading event types…"</p> }
                    }>{move || Suspend::new(filter_types_picker(selected, on_types))}</Suspense>
                </Show>
            </details>
            <Show when=move || view.with(ListView::is_filtered)>
                <button
                    type="button"
                    class="button subtle"
                    on:click=move |_| show.run((view.get_untracked().cleared(), false))
                >
                    "Clear filters"
                </button>
            </Show>
        </div>
    }
}

/// Placeholder rows while the first page loads.
#[component]
fn SkeletonRows() -> impl IntoView {
    view! {
        <p class="sr-only" role="status">
            "Loading webhooks…"
        </p>
        <div class="skeleton" aria-hidden="true" data-testid="skeleton">
            {(0..6).map(|_| view! { <div class="skeleton-row"></div> }).collect_view()}
        </div>
    }
}

lazy_view!(
    /// The filter's event-type picker, in the `event_types` chunk: most visits to the list
    /// never open that filter.
    filter_types_picker, filter_types_picker_split, event_types,
    (selected: Memo<BTreeSet<String>>, on_change: Callback<BTreeSet<String>>) =>
        view! { <EventTypePicker selected on_change id="filter-types" /> }
);
