//! The light and dark themes: the system's preference until the user picks one, which
//! is then kept on this device. (leptos-use's `use_color_mode` does this too, but adds
//! 43 kB brotli to the wasm for cookie and URL-parameter support this app does not use.)

const THEME_KEY: &str = "webhooks.theme";

/// A colour theme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    /// Dark text on light backgrounds.
    Light,
    /// Light text on dark backgrounds.
    Dark,
}

impl Theme {
    /// The stored name of a theme, if it is one.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "light" => Some(Self::Light),
            "dark" => Some(Self::Dark),
            _ => None,
        }
    }

    /// The name stored, and the class set on `<html>`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Light => "light",
            Self::Dark => "dark",
        }
    }

    /// The other theme.
    pub fn toggled(self) -> Self {
        match self {
            Self::Light => Self::Dark,
            Self::Dark => Self::Light,
        }
    }

    /// The theme chosen on this device, else the system's preference.
    pub fn current() -> Self {
        let window = web_sys::window();
        let stored = window
            .as_ref()
            .and_then(|w| w.local_storage().ok().flatten())
            .and_then(|storage| storage.get_item(THEME_KEY).ok().flatten());
        stored.as_deref().and_then(Self::parse).unwrap_or_else(|| {
            let prefers_dark = window
                .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
                .is_some_and(|query| query.matches());
            if prefers_dark {
                Self::Dark
            } else {
                Self::Light
            }
        })
    }

    /// Shows this theme (class on `<html>`), and keeps it on this device if `remember`.
    pub fn apply(self, remember: bool) {
        let Some(window) = web_sys::window() else { return };
        if let Some(root) = window.document().and_then(|d| d.document_element()) {
            let classes = root.class_list();
            let _ = classes.remove_1(self.toggled().name());
            let _ = classes.add_1(self.name());
        }
        if remember {
            if let Some(storage) = window.local_storage().ok().flatten() {
                // Without storage the choice lasts for this page view.
                let _ = storage.set_item(THEME_KEY, self.name());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Theme;

    #[test]
    fn names_round_trip_and_toggle() {
        for theme in [Theme::Light, Theme::Dark] {
            assert_eq!(Theme::parse(theme.name()), Some(theme));
            assert_eq!(theme.toggled().toggled(), theme);
            assert_ne!(theme.toggled(), theme);
        }
        assert_eq!(Theme::parse("auto"), None);
    }
}
