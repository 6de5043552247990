//! Picks event types from EC's catalog (grouped by service and group, searchable), or
//! types one that the catalog does not list.

use std::collections::BTreeSet;

use leptos::prelude::*;
use webhooks_api::catalog::{event_type_groups, EventTypeGroup};

/// The groups whose service, group or types contain `search` (case-insensitive), each
/// with only its matching types unless the service or group name itself matches.
pub fn filter_groups(groups: &[EventTypeGroup], search: &str) -> Vec<EventTypeGroup> {
    let needle = search.trim().to_lowercase();
    groups
        .iter()
        .filter_map(|group| {
            if needle.is_empty() || group.service.contains(&needle) || group.group.to_lowercase().contains(&needle) {
                return Some(group.clone());
            }
            let event_types: Vec<String> =
                group.event_types.iter().filter(|t| t.to_lowercase().contains(&needle)).cloned().collect();
            (!event_types.is_empty()).then(|| EventTypeGroup { event_types, ..group.clone() })
        })
        .collect()
}

/// A searchable, grouped list of checkboxes over `selected`, with free entry.
/// `on_change` receives the whole new selection.
#[component]
pub fn EventTypePicker(
    #[prop(into)] selected: Signal<BTreeSet<String>>,
    on_change: Callback<BTreeSet<String>>,
    /// Prefix of element ids, so that two pickers can share a page.
    id: &'static str,
    /// Offer select-all and clear per group.
    #[prop(optional)]
    group_actions: bool,
) -> impl IntoView {
    let groups = StoredValue::new(event_type_groups());
    let search = RwSignal::new(String::new());
    let custom = RwSignal::new(String::new());
    let custom_error = RwSignal::new(None::<String>);
    let shown = Memo::new(move |_| groups.with_value(|groups| filter_groups(groups, &search.get())));
    let set = move |event_type: String, on: bool| {
        let mut next = selected.get_untracked();
        if on {
            next.insert(event_type);
        } else {
            next.remove(&event_type);
        }
        on_change.run(next);
    };
    let set_group = move |event_types: Vec<String>, on: bool| {
        let mut next = selected.get_untracked();
        for event_type in event_types {
            if on {
                next.insert(event_type);
            } else {
                next.remove(&event_type);
            }
        }
        on_change.run(next);
    };
    let add_custom = move || {
        let value = custom.get_untracked().trim().to_owned();
        match webhooks_api::validate::event_type(&value) {
            Ok(()) => {
                custom_error.set(None);
                custom.set(String::new());
                set(value, true);
            }
            Err(message) => custom_error.set(Some(message)),
        }
    };
    let search_id = format!("{id}-search");
    let custom_id = format!("{id}-custom");
    let custom_error_id = format!("{id}-custom-error");
    view! {
        <div class="picker">
            <div class="picker-tools">
                <label for=search_id.clone()>"Search event types"</label>
                <input
                    id=search_id
                    type="search"
                    prop:value=search
                    on:input=move |e| search.set(event_target_value(&e))
                />
                <span class="hint" aria-live="polite">
                    {move || format!("{} selected", selected.with(BTreeSet::len))}
                </span>
            </div>
            <div class="picker-groups">
                // The catalog is static data: re-rendered whole on search, no keyed diff needed.
                // Groups are folded unless searched or already in use, so that the keyboard
                // meets a few dozen group names, not every one of EC's event types.
                {move || {
                    shown
                        .get()
                        .into_iter()
                        .map(|group| {
                            let searching = search.with(|text| !text.trim().is_empty());
                            let members = group.event_types.clone();
                            let chosen = move || selected.with(|s| members.iter().filter(|t| s.contains(*t)).count());
                            let unfolded = searching || chosen() > 0;
                            view! {
                                <details class="picker-group" open=unfolded>
                                    <summary>
                                        {format!("{} · {}", group.service, group.group)}
                                        <span class="hint">
                                            {move || match chosen() {
                                                0 => String::new(),
                                                n => format!(" ({n} selected)"),
                                            }}
                                        </span>
                                    </summary>
                                    {group_actions
                                        .then(|| {
                                            let (all, none) = (group.event_types.clone(), group.event_types.clone());
                                            view! {
                                                <div class="group-actions">
                                                    <button
                                                        type="button"
                                                        class="link-button"
                                                        on:click=move |_| set_group(all.clone(), true)
                                                    >
                                                        "Select all"
                                                    </button>
                                                    <button
                                                        type="button"
                                                        class="link-button"
                                                        on:click=move |_| set_group(none.clone(), false)
                                                    >
                                                        "Clear"
                                                    </button>
                                                </div>
                                            }
                                        })}
                                    {group
                                        .event_types
                                        .into_iter()
                                        .map(|event_type| {
                                            let checked = {
                                                let event_type = event_type.clone();
                                                move || selected.with(|s| s.contains(&event_type))
                                            };
                                            let value = event_type.clone();
                                            view! {
                                                <label class="check">
                                                    <input
                                                        type="checkbox"
                                                        prop:checked=checked
                                                        on:change=move |e| set(value.clone(), event_target_checked(&e))
                                                    />
                                                    <code>{event_type}</code>
                                                </label>
                                            }
                                        })
                                        .collect_view()}
                                </details>
                            }
                        })
                        .collect_view()
                }}
            </div>
            <div class="picker-custom">
                <label for=custom_id.clone()>"Another event type"</label>
                <input
                    id=custom_id
                    type="text"
                    spellcheck="false"
                    prop:value=custom
                    aria-invalid=move || custom_error.get().is_some().to_string()
                    aria-describedby=custom_error_id.clone()
                    on:input=move |e| custom.set(event_target_value(&e))
                    on:keydown=move |e| {
                        if e.key() == "Enter" {
                            e.prevent_default();
                            add_custom();
                        }
                    }
                />
                <button type="button" class="button" on:click=move |_| add_custom()>
                    "Add"
                </button>
                <p class="field-error" id=custom_error_id>
                    {move || custom_error.get()}
                </p>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_narrows_to_matching_types_or_whole_groups() {
        let groups = event_type_groups();
        assert_eq!(filter_groups(&groups, "").len(), groups.len());
        let invoice = filter_groups(&groups, "INVOICE.SET");
        assert_eq!(invoice.len(), 1);
        assert_eq!(invoice[0].event_types, ["billing.invoice.settle"]);
        let by_group = filter_groups(&groups, "fnolevents");
        assert_eq!(by_group.len(), 1);
        assert!(by_group[0].event_types.len() > 5, "a group-name match keeps the whole group");
        assert!(filter_groups(&groups, "no-such-thing").is_empty());
    }
}
