//! The controls of a form, each with its label, hint and error tied to it for assistive
//! technology (`aria-describedby`, `aria-invalid`), and [`Bound`]: one value inside a
//! form's state, so that a control is one line of markup.

use leptos::prelude::*;

/// A value inside the value of a signal (a lens): read tracked, changed in place. Made
/// with [`bind!`](crate::bind), e.g. `bind!(form, draft.name)`.
pub struct Bound<S: 'static, T: 'static> {
    root: RwSignal<S>,
    get: fn(&S) -> &T,
    get_mut: fn(&mut S) -> &mut T,
}

impl<S, T> Clone for Bound<S, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<S, T> Copy for Bound<S, T> {}

impl<S: Send + Sync + 'static, T: Clone + 'static> Bound<S, T> {
    /// The value `get` and `get_mut` reach inside `root`'s.
    pub fn new(root: RwSignal<S>, get: fn(&S) -> &T, get_mut: fn(&mut S) -> &mut T) -> Self {
        Self { root, get, get_mut }
    }

    /// The value now (tracked).
    pub fn get(&self) -> T {
        self.root.with(|root| (self.get)(root).clone())
    }

    /// Reads the value in place (tracked).
    pub fn with<R>(&self, read: impl FnOnce(&T) -> R) -> R {
        self.root.with(|root| read((self.get)(root)))
    }

    /// Reads the value in place, without subscribing.
    pub fn with_untracked<R>(&self, read: impl FnOnce(&T) -> R) -> R {
        self.root.with_untracked(|root| read((self.get)(root)))
    }

    /// Replaces the value.
    pub fn set(&self, value: T) {
        self.root.update(|root| *(self.get_mut)(root) = value);
    }

    /// Changes the value in place.
    pub fn update(&self, change: impl FnOnce(&mut T)) {
        self.root.update(|root| change((self.get_mut)(root)));
    }

    /// The value as a memo: its readers hear of changes to it, not of the rest of the root.
    pub fn memo(&self) -> Memo<T>
    where
        T: PartialEq + Send + Sync,
    {
        let this = *self;
        Memo::new(move |_| this.get())
    }
}

/// `bind!(root, a.b.c)`: the [`Bound`] value `a.b.c` inside the signal `root`'s value.
#[macro_export]
macro_rules! bind {
    ($root:expr, $($path:tt)+) => {
        $crate::widgets::field::Bound::new($root, |root| &root.$($path)+, |root| &mut root.$($path)+)
    };
}

/// The ids of a control's hint and error, and its `aria-describedby`: the error (when
/// there is one) and then the hint.
fn described_by(id: &str, hint: bool, error: Signal<Option<String>>) -> (String, String, impl Fn() -> Option<String>) {
    let (hint_id, error_id) = (format!("{id}-hint"), format!("{id}-error"));
    let ids = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || {
            let parts = [error.with(Option::is_some).then_some(error_id.as_str()), hint.then_some(hint_id.as_str())];
            let joined = parts.into_iter().flatten().collect::<Vec<_>>().join(" ");
            (!joined.is_empty()).then_some(joined)
        }
    };
    (hint_id, error_id, ids)
}

/// The hint and the error under a control.
#[component]
fn HintAndError(
    hint: Option<&'static str>,
    hint_id: String,
    error_id: String,
    error: Signal<Option<String>>,
) -> impl IntoView {
    view! {
        {hint
            .map(|hint| {
                view! {
                    <p class="hint" id=hint_id>
                        {hint}
                    </p>
                }
            })}
        {move || {
            error
                .get()
                .map(|message| {
                    view! {
                        <p class="field-error" id=error_id.clone()>
                            {message}
                        </p>
                    }
                })
        }}
    }
}

/// A labelled text input (text, URL, password, number…) with its hint and error.
#[component]
pub fn TextField(
    /// The input's id, and the stem of its hint's and error's.
    #[prop(into)]
    id: String,
    /// The visible label.
    #[prop(into)]
    label: String,
    /// What to type, under the input.
    #[prop(optional)]
    hint: Option<&'static str>,
    /// The text shown.
    #[prop(into)]
    value: Signal<String>,
    /// Told every change as it is typed.
    on_input: Callback<String>,
    /// What is wrong with the value, if anything (shown, and the input marked invalid).
    #[prop(optional, into)]
    error: Signal<Option<String>>,
    /// Told when the input loses the focus (where a value is checked).
    #[prop(optional)]
    on_leave: Option<Callback<()>>,
    /// The input's type.
    #[prop(default = "text")]
    kind: &'static str,
    /// An example shown while the input is empty.
    #[prop(optional)]
    placeholder: Option<&'static str>,
    /// The smallest number (number inputs).
    #[prop(optional_no_strip)]
    min: Option<&'static str>,
    /// The largest number (number inputs).
    #[prop(optional_no_strip)]
    max: Option<&'static str>,
    /// For a masked input (`kind` "password"): shown as text while this holds.
    #[prop(optional_no_strip)]
    revealed: Option<RwSignal<bool>>,
) -> impl IntoView {
    let hint = hint.filter(|hint| !hint.is_empty());
    let (hint_id, error_id, ids) = described_by(&id, hint.is_some(), error);
    let kind = move || if revealed.is_some_and(|r| r.get()) { "text" } else { kind };
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input
                id=id
                type=kind
                autocomplete=if kind() == "password" && revealed.is_none() { "current-password" } else { "off" }
                spellcheck="false"
                placeholder=placeholder.filter(|p| !p.is_empty())
                min=min
                max=max
                prop:value=value
                aria-invalid=move || error.with(Option::is_some).to_string()
                aria-describedby=ids
                on:input=move |event| on_input.run(event_target_value(&event))
                on:blur=move |_| {
                    if let Some(on_leave) = on_leave {
                        on_leave.run(());
                    }
                }
            />
            <HintAndError hint hint_id error_id error />
        </div>
    }
}

/// A labelled group of choices (value, label) of a `<select>`.
pub type OptionGroup = (String, Vec<(String, String)>);

/// One `<option>` (value, label), selected while it is `value`.
fn choice_view((key, text): (String, String), value: Signal<String>) -> impl IntoView {
    let chosen = key.clone();
    view! {
        <option value=key selected=move || value.with(|v| *v == chosen)>
            {text}
        </option>
    }
}

/// A labelled `<select>` of `options` (value, label), then `groups`, with its error.
#[component]
pub fn SelectField(
    /// The select's id, and the stem of its hint's and error's.
    #[prop(into)]
    id: String,
    /// The visible label.
    #[prop(into)]
    label: String,
    /// The choices: each one's value and label.
    #[prop(into)]
    options: Signal<Vec<(String, String)>>,
    /// More choices after `options`, in labelled groups (`<optgroup>`).
    #[prop(optional, into)]
    groups: Signal<Vec<OptionGroup>>,
    /// The value chosen.
    #[prop(into)]
    value: Signal<String>,
    /// Told the value of a new choice.
    on_change: Callback<String>,
    /// What is wrong with the choice, if anything.
    #[prop(optional, into)]
    error: Signal<Option<String>>,
) -> impl IntoView {
    let (hint_id, error_id, ids) = described_by(&id, false, error);
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <select
                id=id
                aria-invalid=move || error.with(Option::is_some).to_string()
                aria-describedby=ids
                on:change=move |event| on_change.run(event_target_value(&event))
            >
                {move || options.get().into_iter().map(|choice| choice_view(choice, value)).collect_view()}
                {move || {
                    groups
                        .get()
                        .into_iter()
                        .map(|(group, choices)| {
                            view! {
                                <optgroup label=group>
                                    {choices.into_iter().map(|choice| choice_view(choice, value)).collect_view()}
                                </optgroup>
                            }
                        })
                        .collect_view()
                }}
            </select>
            <HintAndError hint=None hint_id error_id error />
        </div>
    }
}

/// A checkbox with its label after it.
#[component]
pub fn CheckField(
    /// The label, which says what ticking it means.
    #[prop(into)]
    label: String,
    /// Whether it is ticked.
    #[prop(into)]
    checked: Signal<bool>,
    /// Told the new state.
    on_change: Callback<bool>,
) -> impl IntoView {
    view! {
        <label class="check">
            <input
                type="checkbox"
                prop:checked=checked
                on:change=move |event| on_change.run(event_target_checked(&event))
            />
            {label}
        </label>
    }
}

/// The button that shows or masks a secret value: "Reveal {what}" / "Hide {what}"
/// ("Reveal" / "Hide" when `what` is empty), pressed while revealed.
#[component]
pub fn RevealToggle(
    /// Whether the value is shown.
    revealed: RwSignal<bool>,
    /// What it reveals, e.g. "secrets".
    #[prop(into, optional)]
    what: String,
    /// Its classes, e.g. "button subtle" or "link-button".
    class: &'static str,
) -> impl IntoView {
    let label = move || {
        let verb = if revealed.get() { "Hide" } else { "Reveal" };
        if what.is_empty() {
            verb.to_owned()
        } else {
            format!("{verb} {what}")
        }
    };
    view! {
        <button
            type="button"
            class=class
            aria-pressed=move || revealed.get().to_string()
            on:click=move |_| revealed.update(|shown| *shown = !*shown)
        >
            {label}
        </button>
    }
}
