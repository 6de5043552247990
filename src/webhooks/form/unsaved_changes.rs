//! Asks before the user leaves a page with unsaved changes.

use leptos::prelude::*;

/// Asks before leaving while `dirty`: on reload or closing the tab, and on in-app links
/// (a capturing listener, so that it runs before the router's). Lasts as long as the
/// component that calls it.
pub fn guard_unsaved_changes(dirty: Signal<bool>) {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    const QUESTION: &str = "You have unsaved changes. Leave this page and lose them?";
    let unload = window_event_listener(leptos::ev::beforeunload, move |event| {
        if dirty.get_untracked() {
            event.prevent_default();
            event.set_return_value(QUESTION);
        }
    });
    let on_click = Closure::<dyn Fn(web_sys::MouseEvent)>::new(move |event: web_sys::MouseEvent| {
        let on_link = event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest("a[href]").ok().flatten())
            .is_some();
        if on_link && dirty.get_untracked() {
            let leave = web_sys::window().and_then(|w| w.confirm_with_message(QUESTION).ok()).unwrap_or(true);
            if !leave {
                event.prevent_default();
                event.stop_immediate_propagation();
            }
        }
    });
    let Some(window) = web_sys::window() else { return };
    let listener: js_sys::Function = on_click.as_ref().unchecked_ref::<js_sys::Function>().clone();
    let _ = window.add_event_listener_with_callback_and_bool("click", &listener, true);
    // The browser's objects stay on this thread; cleanup runs there too.
    let held = send_wrapper::SendWrapper::new((on_click, listener));
    on_cleanup(move || {
        unload.remove();
        let (on_click, listener) = held.take();
        if let Some(window) = web_sys::window() {
            let _ = window.remove_event_listener_with_callback_and_bool("click", &listener, true);
        }
        drop(on_click);
    });
}
