//! Where the connection (API base URL, bearer token) and the recent tenants are kept.
//!
//! The token lives in `sessionStorage` (this tab only) unless the user asks to be
//! remembered on this device (`localStorage`). `make dev` prints a URL whose fragment
//! carries a demo token (`#token=...`): the app reads it once and removes the fragment,
//! so that the token never stays in the address bar or in history.

const TOKEN_KEY: &str = "webhooks.token";
const BASE_URL_KEY: &str = "webhooks.baseUrl";
const LAST_TENANT_KEY: &str = "webhooks.lastTenant";
const RECENT_TENANTS_KEY: &str = "webhooks.recentTenants";
/// How many tenants the connection page offers again.
pub const MAX_RECENT_TENANTS: usize = 5;

/// How the app reaches the API, as the user set it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connection {
    /// The API's base URL; empty means the dashboard's own origin.
    pub base_url: String,
    /// The bearer token.
    pub token: String,
    /// Kept in `localStorage` (this device) rather than `sessionStorage` (this tab).
    pub remember: bool,
}

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

/// `recent` with `tenant` first, without repeats, at most [`MAX_RECENT_TENANTS`] long.
pub fn push_recent(recent: &[String], tenant: &str) -> Vec<String> {
    std::iter::once(tenant.to_owned())
        .chain(recent.iter().filter(|t| *t != tenant).cloned())
        .take(MAX_RECENT_TENANTS)
        .collect()
}

/// Whether `next` is a path of this app (not another site): `/…` but not `//…`. A
/// backslash, a control character or white space makes it no path of ours: URL parsers
/// read `\` as `/` and drop tabs and line breaks, so `/\t/evil.example` would be read as
/// `//evil.example`, another host.
pub fn is_local_path(next: &str) -> bool {
    next.starts_with('/')
        && !next.starts_with("//")
        && !next.chars().any(|c| c == '\\' || c.is_control() || c.is_whitespace())
}

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn get(storage: Option<web_sys::Storage>, key: &str) -> Option<String> {
    storage?.get_item(key).ok().flatten()
}

// Storage can be full or disabled (private windows); the app then works for this page
// view only, which the API's 401 makes plain, so a failed write is not an error here.
fn set(storage: Option<web_sys::Storage>, key: &str, value: &str) {
    if let Some(storage) = storage {
        let _ = storage.set_item(key, value);
    }
}

fn remove(storage: Option<web_sys::Storage>, key: &str) {
    if let Some(storage) = storage {
        let _ = storage.remove_item(key);
    }
}

/// The saved connection: this tab's first, then this device's.
pub fn load_connection() -> Option<Connection> {
    let from = |storage: fn() -> Option<web_sys::Storage>, remember| {
        get(storage(), TOKEN_KEY).map(|token| Connection {
            base_url: get(storage(), BASE_URL_KEY).unwrap_or_default(),
            token,
            remember,
        })
    };
    from(session_storage, false).or_else(|| from(local_storage, true))
}

/// Saves the connection where the user asked, and removes it from the other storage.
pub fn save_connection(connection: &Connection) {
    let (keep, clear) = if connection.remember {
        (local_storage as fn() -> _, session_storage as fn() -> _)
    } else {
        (session_storage as fn() -> _, local_storage as fn() -> _)
    };
    set(keep(), TOKEN_KEY, &connection.token);
    set(keep(), BASE_URL_KEY, &connection.base_url);
    remove(clear(), TOKEN_KEY);
    remove(clear(), BASE_URL_KEY);
}

/// Signs out: forgets the token everywhere (the base URL and tenants stay).
pub fn forget_token() {
    remove(session_storage(), TOKEN_KEY);
    remove(local_storage(), TOKEN_KEY);
}

/// What to do with a token handed over in a link (`#token=…`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenLink {
    /// It is the session's own token: nothing changes.
    Keep,
    /// Ask first, naming the link's tenant: a link never signs in by itself, with or
    /// without a session here, since someone else's link would seat this browser in their
    /// tenant.
    Ask(String),
}

impl TokenLink {
    /// The decision for `offered` while `saved` is the session.
    pub fn decide(saved: Option<&Connection>, offered: String) -> Self {
        match saved {
            Some(saved) if saved.token == offered => Self::Keep,
            _ => Self::Ask(offered),
        }
    }
}

/// Takes a token from the address bar's fragment, dropping the fragment from the address
/// bar and history; unless it is the session's own, it is returned, to be asked about.
pub fn take_token_from_location() -> Option<String> {
    let window = web_sys::window()?;
    let location = window.location();
    let offered = location.hash().ok().as_deref().and_then(token_from_fragment)?;
    let without_fragment =
        format!("{}{}", location.pathname().unwrap_or_default(), location.search().unwrap_or_default());
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&without_fragment));
    }
    match TokenLink::decide(load_connection().as_ref(), offered) {
        TokenLink::Keep => None,
        TokenLink::Ask(token) => Some(token),
    }
}

/// Signs in this tab with `token` (kept in `sessionStorage`), with the saved base URL.
pub fn sign_in_here(token: String) {
    let base_url = load_connection().map(|c| c.base_url).unwrap_or_default();
    save_connection(&Connection { base_url, token, remember: false });
}

/// Remembers a tenant as the last one opened and among the recent ones.
pub fn remember_tenant(tenant: &str) {
    set(local_storage(), LAST_TENANT_KEY, tenant);
    let recent = push_recent(&recent_tenants(), tenant);
    set(local_storage(), RECENT_TENANTS_KEY, &recent.join(","));
}

/// The tenant last opened in this browser.
pub fn last_tenant() -> Option<String> {
    get(local_storage(), LAST_TENANT_KEY)
}

/// Tenants opened recently, most recent first.
pub fn recent_tenants() -> Vec<String> {
    get(local_storage(), RECENT_TENANTS_KEY)
        .map(|list| list.split(',').filter(|t| !t.is_empty()).map(str::to_owned).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn recent_tenants_are_most_recent_first_without_repeats() {
        let recent: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
        assert_eq!(push_recent(&recent, "b"), ["b", "a", "c"]);
        assert_eq!(push_recent(&[], "x"), ["x"]);
        let full: Vec<String> = (0..MAX_RECENT_TENANTS).map(|n| n.to_string()).collect();
        let pushed = push_recent(&full, "new");
        assert_eq!(pushed.len(), MAX_RECENT_TENANTS);
        assert_eq!(pushed[0], "new");
        assert!(!pushed.contains(&(MAX_RECENT_TENANTS - 1).to_string()));
    }

    #[test]
    fn a_link_never_signs_in_by_itself() {
        let saved = Connection { base_url: String::new(), token: "mine".into(), remember: true };
        assert_eq!(TokenLink::decide(None, "link".into()), TokenLink::Ask("link".into()), "no session: asked too");
        assert_eq!(TokenLink::decide(Some(&saved), "mine".into()), TokenLink::Keep);
        assert_eq!(TokenLink::decide(Some(&saved), "link".into()), TokenLink::Ask("link".into()));
    }

    #[test]
    fn next_must_stay_in_the_app() {
        assert!(is_local_path("/tenants/x/webhooks?name=a"));
        let bad_ones = ["", "https://evil.example", "//evil.example", "/\\evil.example", "javascript:alert(1)"];
        let stripped_by_parsers = ["/\t/evil.example", "/\n/evil.example", "/\r/evil.example", "/ /evil.example"];
        for bad in bad_ones.into_iter().chain(stripped_by_parsers) {
            assert!(!is_local_path(bad), "{bad}");
        }
    }
}
