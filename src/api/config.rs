//! Runtime configuration: `config.json`, served beside the app, so that an operator can
//! point a deployed dashboard at another EC environment without rebuilding it.

use serde::Deserialize;

/// One EC environment an administrator can pick on the connection page.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Environment {
    /// Shown in the header, e.g. "Staging".
    pub name: String,
    /// The API's base URL; empty means the dashboard's own origin.
    #[serde(default)]
    pub api_base_url: String,
}

/// The contents of `config.json`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppConfig {
    /// The base URL used until the user picks another; empty means same origin.
    #[serde(default)]
    pub api_base_url: String,
    /// Named environments, offered on the connection page.
    #[serde(default)]
    pub environments: Vec<Environment>,
}

/// Why `config.json` cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// Not JSON of the expected shape.
    #[error("config.json is not valid ({0}); the dashboard uses the same origin as the API")]
    Unreadable(String),
    /// A base URL that is neither empty nor an absolute http(s) URL.
    #[error("config.json: the base URL of \"{name}\" is not valid ({reason})")]
    BadBaseUrl {
        /// The environment's name (or "apiBaseUrl").
        name: String,
        /// What is wrong with it.
        reason: String,
    },
}

/// Trims a base URL and its trailing slashes; empty is the same origin.
pub fn normalize_base_url(text: &str) -> Result<String, String> {
    let trimmed = text.trim().trim_end_matches('/');
    if trimmed.is_empty() {
        return Ok(String::new());
    }
    webhooks_api::validate::url(trimmed)?;
    if trimmed.contains(['?', '#']) {
        return Err("a base URL has no query or fragment".into());
    }
    Ok(trimmed.to_owned())
}

/// `scheme://host[:port]` of an absolute URL, lower-cased; empty for the same origin.
pub fn origin_of(base_url: &str) -> String {
    let Some((scheme, rest)) = base_url.split_once("://") else { return String::new() };
    let authority = rest.split('/').next().unwrap_or_default();
    format!("{}://{}", scheme.to_ascii_lowercase(), authority.to_ascii_lowercase())
}

impl AppConfig {
    /// Parses and checks `config.json`; base URLs come out normalized.
    pub fn parse(text: &str) -> Result<Self, ConfigError> {
        let mut config: Self =
            serde_json::from_str(text).map_err(|error| ConfigError::Unreadable(error.to_string()))?;
        let check = |name: &str, url: &str| {
            normalize_base_url(url).map_err(|reason| ConfigError::BadBaseUrl { name: name.to_owned(), reason })
        };
        config.api_base_url = check("apiBaseUrl", &config.api_base_url)?;
        for environment in &mut config.environments {
            environment.api_base_url = check(&environment.name, &environment.api_base_url)?;
        }
        Ok(config)
    }

    /// The name of the environment at `base_url`, for the header.
    pub fn environment_name(&self, base_url: &str) -> String {
        self.environments
            .iter()
            .find(|environment| environment.api_base_url == base_url)
            .map(|environment| environment.name.clone())
            .unwrap_or_else(|| if base_url.is_empty() { "Same origin".into() } else { format!("Custom: {base_url}") })
    }

    /// Whether the page's Content-Security-Policy lets the app call `base_url`: the same
    /// origin, or the origin of the default or of a configured environment.
    pub fn allows(&self, base_url: &str) -> bool {
        let origin = origin_of(base_url);
        origin.is_empty()
            || origin_of(&self.api_base_url) == origin
            || self.environments.iter().any(|environment| origin_of(&environment.api_base_url) == origin)
    }
}

/// The configuration in context (the default until `config.json` has loaded).
pub fn use_config() -> leptos::prelude::RwSignal<AppConfig> {
    leptos::prelude::expect_context()
}

/// Fetches `/config.json`; without one (or with a bad one) the dashboard uses the same origin.
pub async fn load() -> Result<AppConfig, ConfigError> {
    let response = gloo_net::http::Request::get("/config.json")
        .send()
        .await
        .map_err(|error| ConfigError::Unreadable(error.to_string()))?;
    if response.status() == 404 {
        return Ok(AppConfig::default());
    }
    let text = response.text().await.map_err(|error| ConfigError::Unreadable(error.to_string()))?;
    AppConfig::parse(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_environments_and_normalizes_urls() {
        let config = AppConfig::parse(
            r#"{"apiBaseUrl": "", "environments": [
                {"name": "Sandbox", "apiBaseUrl": "https://api.sandbox.socotra.com/"},
                {"name": "Local", "apiBaseUrl": ""}
            ], "somethingElse": 1}"#,
        )
        .unwrap();
        assert_eq!(config.environments[0].api_base_url, "https://api.sandbox.socotra.com");
        assert_eq!(config.environment_name("https://api.sandbox.socotra.com"), "Sandbox");
        assert_eq!(config.environment_name(""), "Local");
        assert_eq!(config.environment_name("https://other.example"), "Custom: https://other.example");
        assert_eq!(AppConfig::parse("{}").unwrap(), AppConfig::default());
    }

    #[test]
    fn refuses_bad_configuration() {
        assert!(matches!(AppConfig::parse("not json"), Err(ConfigError::Unreadable(_))));
        assert!(matches!(AppConfig::parse(r#"{"environments": {}}"#), Err(ConfigError::Unreadable(_))));
        let error = AppConfig::parse(r#"{"environments": [{"name": "Prod", "apiBaseUrl": "ftp://x"}]}"#).unwrap_err();
        assert!(matches!(error, ConfigError::BadBaseUrl { ref name, .. } if name == "Prod"), "{error}");
        assert!(error.to_string().contains("Prod"));
    }

    #[test]
    fn base_urls() {
        assert_eq!(normalize_base_url("  https://api.example.com/ ").unwrap(), "https://api.example.com");
        assert_eq!(normalize_base_url("").unwrap(), "");
        assert_eq!(normalize_base_url("/").unwrap(), "");
        assert!(normalize_base_url("api.example.com").is_err());
        assert!(normalize_base_url("https://api.example.com/?x=1").is_err());
        assert_eq!(origin_of("HTTPS://API.example.com:8443/base/path"), "https://api.example.com:8443");
    }

    #[test]
    fn only_configured_origins_are_allowed() {
        let config =
            AppConfig::parse(r#"{"environments": [{"name": "S", "apiBaseUrl": "https://api.sandbox.example/v1"}]}"#)
                .unwrap();
        assert!(config.allows(""));
        assert!(config.allows("https://api.sandbox.example"));
        assert!(config.allows("https://api.sandbox.example/other"));
        assert!(!config.allows("https://evil.example"));
    }
}
