//! The bearer token and the last tenant: where they come from and where they are kept.
//!
//! `make dev` prints a URL whose fragment carries a demo token (`#token=...`). The app
//! reads it once, keeps it in `sessionStorage`, and removes the fragment from the
//! address bar so that the token never stays in history.

const TOKEN_KEY: &str = "webhooks.token";
const LAST_TENANT_KEY: &str = "webhooks.lastTenant";

/// The value of `token` in a URL fragment such as `#token=abc&x=y`, if any.
pub fn token_from_fragment(fragment: &str) -> Option<String> {
    fragment
        .trim_start_matches('#')
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == "token")
        .map(|(_, value)| value.to_owned())
        .filter(|value| !value.is_empty())
}

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Moves a token from the address bar's fragment into `sessionStorage`, then drops the fragment.
pub fn adopt_token_from_location() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let location = window.location();
    let Some(token) = location.hash().ok().as_deref().and_then(token_from_fragment) else {
        return;
    };
    if let Some(storage) = session_storage() {
        // Without storage the token is kept nowhere; the API answers 401 and the page says so.
        let _ = storage.set_item(TOKEN_KEY, &token);
    }
    let without_fragment =
        format!("{}{}", location.pathname().unwrap_or_default(), location.search().unwrap_or_default());
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&without_fragment));
    }
}

/// The token of this browser tab, if one was given.
pub fn token() -> Option<String> {
    session_storage()?.get_item(TOKEN_KEY).ok().flatten()
}

/// Remembers the tenant last opened, so that `/` can return to it.
pub fn remember_tenant(tenant: &str) {
    if let Some(storage) = local_storage() {
        let _ = storage.set_item(LAST_TENANT_KEY, tenant);
    }
}

/// The tenant last opened in this browser.
pub fn last_tenant() -> Option<String> {
    local_storage()?.get_item(LAST_TENANT_KEY).ok().flatten()
}

#[cfg(test)]
mod tests {
    use super::token_from_fragment;

    #[test]
    fn reads_token_from_fragment() {
        assert_eq!(token_from_fragment("#token=abc"), Some("abc".into()));
        assert_eq!(token_from_fragment("#x=1&token=t_2"), Some("t_2".into()));
        assert_eq!(token_from_fragment("token=abc"), Some("abc".into()));
    }

    #[test]
    fn ignores_fragments_without_a_token() {
        assert_eq!(token_from_fragment(""), None);
        assert_eq!(token_from_fragment("#"), None);
        assert_eq!(token_from_fragment("#token="), None);
        assert_eq!(token_from_fragment("#tokens=abc"), None);
        assert_eq!(token_from_fragment("#section-2"), None);
    }
}
