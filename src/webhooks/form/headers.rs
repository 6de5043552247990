//! Edits an endpoint's headers: rows of a name and one or more values. Secret values
//! (see `model::is_sensitive_header`) are masked until revealed.

use leptos::prelude::*;

use super::model::{is_sensitive_header, HeaderRow};
use crate::widgets::field::{Bound, RevealToggle};

/// The header rows of one endpoint, with presets for the usual `Authorization` forms.
#[component]
pub fn HeaderEditor<S: Send + Sync + 'static>(
    /// The rows, inside the form's state.
    rows: Bound<S, Vec<HeaderRow>>,
    /// Prefix of ids and labels ("Endpoint", "Alert endpoint").
    label: &'static str,
    /// The validation message of the headers as a whole, if any.
    #[prop(into)]
    error: Signal<Option<String>>,
) -> impl IntoView {
    let next_id = StoredValue::new(rows.with_untracked(|r| r.iter().map(|row| row.id + 1).max().unwrap_or(0)) + 1000);
    let add = move |name: &str, value: &str| {
        let id = next_id.get_value();
        next_id.set_value(id + 1);
        rows.update(|rows| rows.push(HeaderRow { id, name: name.to_owned(), values: vec![value.to_owned()] }));
    };
    let edit = move |id: u32, change: &dyn Fn(&mut HeaderRow)| {
        rows.update(|rows| {
            if let Some(row) = rows.iter_mut().find(|row| row.id == id) {
                change(row);
            }
        })
    };
    view! {
        <fieldset class="headers">
            <legend>{format!("{label} headers")}</legend>
            <For each=move || rows.get() key=|row| (row.id, row.values.len()) let:row>
                {
                    let id = row.id;
                    let revealed = RwSignal::new(false);
                    let name = move || {
                        rows.with(|rows| rows.iter().find(|r| r.id == id).map(|r| r.name.clone()).unwrap_or_default())
                    };
                    let masked = move || is_sensitive_header(&name()) && !revealed.get();
                    let name_id = format!("{label}-header-{id}");
                    view! {
                        <div class="header-row" data-testid="header-row">
                            <label for=name_id.clone() class="sr-only">
                                {format!("{label} header name")}
                            </label>
                            <input
                                id=name_id
                                class="header-name"
                                placeholder="Header name"
                                prop:value=row.name.clone()
                                on:input=move |e| {
                                    let value = event_target_value(&e);
                                    edit(id, &|row| row.name = value.clone());
                                }
                            />
                            <div class="header-values">
                                {row
                                    .values
                                    .iter()
                                    .enumerate()
                                    .map(|(index, value)| {
                                        view! {
                                            <span class="header-value">
                                                <input
                                                    type=move || if masked() { "password" } else { "text" }
                                                    aria-label=move || {
                                                        format!("Value {} of header {}", index + 1, name())
                                                    }
                                                    placeholder="Value"
                                                    autocomplete="off"
                                                    prop:value=value.clone()
                                                    on:input=move |e| {
                                                        let value = event_target_value(&e);
                                                        edit(id, &|row| row.values[index] = value.clone());
                                                    }
                                                />
                                                <button
                                                    type="button"
                                                    class="icon-button"
                                                    aria-label=move || {
                                                        format!("Remove value {} of header {}", index + 1, name())
                                                    }
                                                    on:click=move |_| edit(
                                                        id,
                                                        &|row| {
                                                            row.values.remove(index);
                                                        },
                                                    )
                                                >
                                                    "×"
                                                </button>
                                            </span>
                                        }
                                    })
                                    .collect_view()}
                                <button
                                    type="button"
                                    class="link-button"
                                    on:click=move |_| edit(id, &|row| row.values.push(String::new()))
                                >
                                    "Add value"
                                </button>
                            </div>
                            <Show when=move || is_sensitive_header(&name())>
                                <RevealToggle revealed class="link-button" />
                            </Show>
                            <button
                                type="button"
                                class="button subtle"
                                aria-label=move || format!("Remove header {}", name())
                                on:click=move |_| rows.update(|rows| rows.retain(|r| r.id != id))
                            >
                                "Remove"
                            </button>
                        </div>
                    }
                }
            </For>
            <p class="field-error">{move || error.get()}</p>
            <div class="actions">
                <button type="button" class="button" on:click=move |_| add("", "")>
                    "Add header"
                </button>
                <button type="button" class="button subtle" on:click=move |_| add("Authorization", "Bearer ")>
                    "Authorization: Bearer …"
                </button>
                <button type="button" class="button subtle" on:click=move |_| add("Authorization", "Basic ")>
                    "Authorization: Basic …"
                </button>
            </div>
        </fieldset>
    }
}
