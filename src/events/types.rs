//! `/tenants/:tenant/event-types`: EC's catalog of event types by service and group,
//! searchable; per type what its `data` carries, which of the tenant's webhooks receive
//! it, and a link to its recent events. Types that no enabled webhook receives are marked.

use std::collections::BTreeMap;

use leptos::prelude::*;
use webhooks_api::catalog::{event_type_groups, EventTypeGroup};
use webhooks_api::event_data::{data_schema, describe_field};
use webhooks_api::{TenantLocator, WebhookList, WebhookResponse};

use crate::api::{calls, use_api, whole_page_query, ApiClient, ApiError, Prefetch};
use crate::events::query::{receivers, EventsView};
use crate::shared::routes::{self, use_tenant};
use crate::shared::status::WebhookStatus;
use crate::widgets::event_type_picker::filter_groups;
use crate::widgets::field::TextField;
use crate::widgets::Loaded;

/// The most webhooks read to count receivers (10 pages of 1,000).
const COUNTED_WEBHOOKS: usize = 10_000;
/// Receivers named per type; the rest are behind a link to the filtered list.
const NAMED_RECEIVERS: usize = 3;

/// The tenant's webhooks as far as they were read, or why they could not be.
#[derive(Clone)]
enum Webhooks {
    /// The webhooks, and whether there were more than [`COUNTED_WEBHOOKS`].
    Read(Vec<WebhookResponse>, bool),
    /// The token may not list webhooks: the catalog shows without receivers.
    NotAllowed(String),
}

/// The tenant's first page of webhooks: fetched as soon as the route is chosen, beside the
/// page's chunk (the page reads the rest, if there is more).
#[derive(Clone, Copy)]
pub struct EventTypesData(Prefetch<WebhookList>);

impl EventTypesData {
    /// Starts fetching the first page of the tenant's webhooks.
    pub fn load() -> Self {
        let tenant = use_tenant();
        Self(Prefetch::start(move || Ok(Some(calls::list_webhooks(tenant.get()?, whole_page_query(0))))))
    }
}

/// The tenant's webhooks after `first` (their first page), or why they cannot be read.
async fn read_webhooks(
    client: ApiClient,
    first: Prefetch<WebhookList>,
    tenant: TenantLocator,
) -> Result<Webhooks, ApiError> {
    let loaded = match first.value().await {
        Ok(list) => list.0,
        Err(error @ ApiError::Forbidden { .. }) => return Ok(Webhooks::NotAllowed(error.to_string())),
        Err(error) => return Err(error),
    };
    let (webhooks, more) = client.all_webhooks(tenant, loaded, COUNTED_WEBHOOKS).await?;
    Ok(Webhooks::Read(webhooks, more))
}

/// The catalog with the tenant's receivers (their first page fetched by `data`).
#[component]
pub fn EventTypesPage(data: EventTypesData) -> impl IntoView {
    let tenant = use_tenant();
    let first = data.0;
    let client = use_api();
    let loaded = LocalResource::new(move || {
        let tenant = tenant.get();
        async move {
            let tenant = tenant?;
            Ok::<_, ApiError>((tenant, read_webhooks(client, first, tenant).await?))
        }
    });
    let body = move || {
        Suspend::new(async move { loaded.await.map(|(tenant, webhooks)| view! { <Catalog tenant webhooks /> }) })
    };
    view! {
        <section class="panel">
            <h1>"Event types"</h1>
            <p class="lead">
                "The event types EC raises, by service and group: what each carries, which webhooks receive it, and its recent events."
            </p>
            <Loaded what="the webhooks" retry=move || first.refetch()>
                {body}
            </Loaded>
        </section>
    }
}

/// The webhooks receiving each type.
type Receivers = BTreeMap<String, Vec<Receiver>>;

/// A webhook that receives a type, as the catalog names it.
#[derive(Clone)]
struct Receiver {
    locator: webhooks_api::Locator,
    name: String,
    status: WebhookStatus,
    enabled: bool,
}

/// Whether an enabled webhook among `receivers` receives the type.
fn any_enabled(receivers: &[Receiver]) -> bool {
    receivers.iter().any(|receiver| receiver.enabled)
}

/// The searchable catalog.
#[component]
fn Catalog(tenant: TenantLocator, webhooks: Webhooks) -> impl IntoView {
    let search = RwSignal::new(String::new());
    let groups = StoredValue::new(event_type_groups());
    let (by_type, note): (Option<Receivers>, Option<String>) = match &webhooks {
        Webhooks::Read(webhooks, more) => {
            let by_type = receivers(webhooks)
                .into_iter()
                .map(|(kind, list)| {
                    let list = list
                        .into_iter()
                        .map(|w| Receiver {
                            locator: w.locator,
                            name: w.name.clone(),
                            status: WebhookStatus::of(w),
                            enabled: w.enabled,
                        })
                        .collect();
                    (kind, list)
                })
                .collect();
            let note = more
                .then(|| format!("Receivers are counted among the first {COUNTED_WEBHOOKS} webhooks of this tenant."));
            (Some(by_type), note)
        }
        Webhooks::NotAllowed(why) => (None, Some(format!("Which webhooks receive each type is not shown: {why}"))),
    };
    let by_type = StoredValue::new(by_type);
    let unreceived = by_type.with_value(|by_type| {
        by_type.as_ref().map(|by_type| {
            groups.with_value(|groups| {
                groups
                    .iter()
                    .flat_map(|g| &g.event_types)
                    .filter(|t| !by_type.get(*t).is_some_and(|list| any_enabled(list)))
                    .count()
            })
        })
    });
    let shown = Memo::new(move |_| groups.with_value(|groups| filter_groups(groups, &search.get())));
    view! {
        {note
            .map(|note| {
                view! {
                    <p class="notice" role="note">
                        {note}
                    </p>
                }
            })}
        {unreceived
            .map(|n| {
                view! {
                    <p data-testid="unreceived-count">
                        {format!(
                            "{n} of the catalog's types reach no enabled webhook of this tenant (marked “Not received”).",
                        )}
                    </p>
                }
            })}
        <TextField
            id="types-search"
            label="Search event types"
            kind="search"
            value=search
            on_input=Callback::new(move |text| search.set(text))
        />
        <For
            each=move || shown.get()
            key=|group| (group.service.clone(), group.group.clone(), group.event_types.len())
            let:group
        >
            <TypeGroup tenant group by_type />
        </For>
        <Show when=move || shown.with(Vec::is_empty)>
            <p class="empty">"No event type matches this search."</p>
        </Show>
    }
}

/// One group of the catalog, a row per type.
#[component]
fn TypeGroup(tenant: TenantLocator, group: EventTypeGroup, by_type: StoredValue<Option<Receivers>>) -> impl IntoView {
    let title = format!("{} · {}", group.service, group.group);
    view! {
        <section class="type-group">
            <h2>{title}</h2>
            <table class="event-types-table">
                <thead>
                    <tr>
                        <th scope="col">"Type"</th>
                        <th scope="col">"Data"</th>
                        <th scope="col">"Received by"</th>
                        <th scope="col">
                            <span class="sr-only">"Recent events"</span>
                        </th>
                    </tr>
                </thead>
                <tbody>
                    {group
                        .event_types
                        .into_iter()
                        .map(|kind| {
                            let receivers = by_type
                                .with_value(|by_type| {
                                    by_type.as_ref().map(|b| b.get(&kind).cloned().unwrap_or_default())
                                });
                            view! { <TypeRow tenant kind receivers /> }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </section>
    }
}

/// One type: its name, its data's fields, its receivers, a link to its recent events.
#[component]
fn TypeRow(
    tenant: TenantLocator,
    kind: String,
    /// The webhooks receiving it; `None` when they could not be read.
    receivers: Option<Vec<Receiver>>,
) -> impl IntoView {
    let fields = data_schema(&kind).map(|schema| schema.fields).unwrap_or_default();
    let received = receivers.as_deref().map(any_enabled);
    let recent = routes::events(tenant, &EventsView::recent(&kind).to_query());
    let all_receivers = routes::webhooks_of_type(tenant, &kind);
    view! {
        <tr data-testid="event-type-row" class:unreceived=received == Some(false)>
            <th scope="row">
                <span class="mono">{kind.clone()}</span>
                {(received == Some(false))
                    .then(|| {
                        view! {
                            " "
                            <span class="badge badge-muted">"Not received"</span>
                        }
                    })}
            </th>
            <td>
                <details>
                    <summary>{format!("{} field{}", fields.len(), if fields.len() == 1 { "" } else { "s" })}</summary>
                    <ul class="data-schema">
                        {fields
                            .iter()
                            .map(|(name, format)| {
                                view! {
                                    <li>
                                        <code>{*name}</code>
                                        ": "
                                        {describe_field(name, *format)}
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                </details>
            </td>
            <td>
                {receivers
                    .map(|list| {
                        let count = list.len();
                        let named = list
                            .into_iter()
                            .take(NAMED_RECEIVERS)
                            .map(|Receiver { locator, name, status, .. }| {
                                view! {
                                    <li>
                                        <a href=routes::webhook(tenant, locator)>{name}</a>
                                        " "
                                        <span class=status.css_class()>{status.label()}</span>
                                    </li>
                                }
                            })
                            .collect_view();
                        view! {
                            <span>
                                {match count {
                                    0 => "No webhook".to_owned(),
                                    1 => "1 webhook".to_owned(),
                                    n => format!("{n} webhooks"),
                                }}
                            </span>
                            <ul class="receiving">{named}</ul>
                            {(count > NAMED_RECEIVERS)
                                .then(|| view! { <a href=all_receivers.clone()>{format!("All {count}")}</a> })}
                        }
                    })}
            </td>
            <td>
                <a href=recent aria-label=format!("Recent events of {kind}")>
                    "Recent events"
                </a>
            </td>
        </tr>
    }
}
