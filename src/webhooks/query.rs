//! The list's filters and page, as kept in the URL query (so that a view can be
//! bookmarked, shared, reloaded, and walked with back and forward) and as sent to the API.

use crate::shared::routes::{self, query_string};

/// Page sizes offered.
pub const PAGE_SIZES: [u32; 3] = [25, 50, 100];
/// The page size when the URL gives none.
pub const DEFAULT_PAGE_SIZE: u32 = 25;

/// The status filter, mapped onto the API's `active`, `enabled` and `suspended`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StatusFilter {
    /// No filter.
    #[default]
    All,
    /// Enabled and not suspended (`active=true`).
    Active,
    /// Enabled, suspended or not (`enabled=true`).
    Enabled,
    /// Disabled (`enabled=false`).
    Disabled,
    /// Suspended (`suspended=true`).
    Suspended,
}

impl StatusFilter {
    /// Every value, in the order offered.
    pub const ALL: [Self; 5] = [Self::All, Self::Active, Self::Enabled, Self::Disabled, Self::Suspended];

    /// The URL's word for it.
    pub fn key(self) -> &'static str {
        match self {
            Self::All => "all",
            Self::Active => "active",
            Self::Enabled => "enabled",
            Self::Disabled => "disabled",
            Self::Suspended => "suspended",
        }
    }

    /// The label shown.
    pub fn label(self) -> &'static str {
        match self {
            Self::All => "All",
            Self::Active => "Active",
            Self::Enabled => "Enabled",
            Self::Disabled => "Disabled",
            Self::Suspended => "Suspended",
        }
    }

    /// The value of a URL word (unknown words: no filter).
    pub fn from_key(key: &str) -> Self {
        Self::ALL.into_iter().find(|status| status.key() == key).unwrap_or_default()
    }

    /// The API's query parameter for it.
    fn api_parameter(self) -> Option<(&'static str, &'static str)> {
        match self {
            Self::All => None,
            Self::Active => Some(("active", "true")),
            Self::Enabled => Some(("enabled", "true")),
            Self::Disabled => Some(("enabled", "false")),
            Self::Suspended => Some(("suspended", "true")),
        }
    }
}

/// What the list shows: filters and page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListView {
    /// Substring of the name (case-insensitive, on the server).
    pub name: String,
    /// The status filter.
    pub status: StatusFilter,
    /// Any of these event types.
    pub event_types: Vec<String>,
    /// 1-based page number.
    pub page: u32,
    /// Rows per page (one of [`PAGE_SIZES`]).
    pub page_size: u32,
}

impl Default for ListView {
    fn default() -> Self {
        Self {
            name: String::new(),
            status: StatusFilter::All,
            event_types: Vec::new(),
            page: 1,
            page_size: DEFAULT_PAGE_SIZE,
        }
    }
}

impl ListView {
    /// Reads the URL query (`name`, `status`, `types`, `page`, `size`); bad values fall back to defaults.
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> Self {
        let mut event_types: Vec<String> = get(routes::TYPES_PARAM)
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect();
        event_types.sort();
        event_types.dedup();
        Self {
            name: get("name").unwrap_or_default(),
            status: get("status").map(|s| StatusFilter::from_key(&s)).unwrap_or_default(),
            event_types,
            page: page_number(get("page")),
            page_size: get("size")
                .and_then(|s| s.parse().ok())
                .filter(|s| PAGE_SIZES.contains(s))
                .unwrap_or(DEFAULT_PAGE_SIZE),
        }
    }

    /// The URL query for this view (defaults left out), with its leading `?` when not empty.
    pub fn to_query(&self) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if !self.name.is_empty() {
            pairs.push(("name", self.name.clone()));
        }
        if self.status != StatusFilter::All {
            pairs.push(("status", self.status.key().to_owned()));
        }
        if !self.event_types.is_empty() {
            pairs.push((routes::TYPES_PARAM, self.event_types.join(",")));
        }
        if self.page != 1 {
            pairs.push(("page", self.page.to_string()));
        }
        if self.page_size != DEFAULT_PAGE_SIZE {
            pairs.push(("size", self.page_size.to_string()));
        }
        query_string(&pairs)
    }

    /// The API's query: one row more than the page, to learn whether a next page exists.
    pub fn api_query(&self) -> Vec<(&'static str, String)> {
        let mut query = vec![
            ("offset", ((self.page - 1) * self.page_size).to_string()),
            ("count", (self.page_size + 1).to_string()),
        ];
        if !self.name.is_empty() {
            query.push(("name", self.name.clone()));
        }
        if let Some((key, value)) = self.status.api_parameter() {
            query.push((key, value.to_owned()));
        }
        if !self.event_types.is_empty() {
            query.push(("eventTypes", self.event_types.join(",")));
        }
        query
    }

    /// Whether any filter narrows the list.
    pub fn is_filtered(&self) -> bool {
        !self.name.is_empty() || self.status != StatusFilter::All || !self.event_types.is_empty()
    }

    /// The same filters, no filter at all, first page.
    pub fn cleared(&self) -> Self {
        Self { page_size: self.page_size, ..Self::default() }
    }

    /// These filters from the first page (a filter change starts over).
    pub fn first_page(self) -> Self {
        Self { page: 1, ..self }
    }

    /// The 1-based numbers of the first and last row of a page of `rows` rows.
    pub fn row_range(&self, rows: usize) -> (u32, u32) {
        let first = (self.page - 1) * self.page_size + 1;
        (first, first + rows as u32 - 1)
    }
}

/// The highest page number a URL may ask for: a page's offset stays far within `u32`
/// (1,000,000 pages of 100 rows).
pub const MAX_PAGE: u32 = 1_000_000;

/// A 1-based page number from the URL; 1 when absent or not a positive number, at most
/// [`MAX_PAGE`].
pub fn page_number(text: Option<String>) -> u32 {
    text.and_then(|p| p.parse::<u32>().ok()).filter(|p| *p >= 1).unwrap_or(1).min(MAX_PAGE)
}

/// Splits an answer to a `count + 1` request: the page, and whether a next page exists.
pub fn split_page<T>(mut rows: Vec<T>, page_size: u32) -> (Vec<T>, bool) {
    let has_next = rows.len() > page_size as usize;
    rows.truncate(page_size as usize);
    (rows, has_next)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn parse(query: &[(&str, &str)]) -> ListView {
        let map: HashMap<String, String> = query.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        ListView::from_query(|key| map.get(key).cloned())
    }

    /// Decodes a query the way the router does, for round trips.
    fn decode(query: &str) -> Vec<(String, String)> {
        query
            .trim_start_matches('?')
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|pair| {
                let (k, v) = pair.split_once('=').unwrap();
                let bytes = v.as_bytes();
                let mut out = Vec::new();
                let mut i = 0;
                while i < bytes.len() {
                    if bytes[i] == b'%' {
                        out.push(u8::from_str_radix(&v[i + 1..i + 3], 16).unwrap());
                        i += 3;
                    } else {
                        out.push(bytes[i]);
                        i += 1;
                    }
                }
                (k.to_owned(), String::from_utf8(out).unwrap())
            })
            .collect()
    }

    #[test]
    fn pages_from_the_url() {
        assert_eq!(page_number(Some("3".into())), 3);
        assert_eq!(page_number(Some("0".into())), 1);
        assert_eq!(page_number(Some("-2".into())), 1);
        assert_eq!(page_number(None), 1);
    }

    #[test]
    fn the_link_to_a_types_webhooks_opens_the_list_filtered_by_it() {
        let tenant: webhooks_api::TenantLocator = "6f1c7a52-0d3e-4b8a-9d1e-5e2f3a4b5c6d".parse().unwrap();
        let link = routes::webhooks_of_type(tenant, "billing.invoice.generate");
        let pairs = decode(link.split_once('?').map(|(_, q)| q).unwrap());
        let view = ListView::from_query(|key| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()));
        assert_eq!(view, ListView { event_types: vec!["billing.invoice.generate".into()], ..ListView::default() });
    }

    #[test]
    fn defaults_when_the_url_says_nothing_or_nonsense() {
        assert_eq!(parse(&[]), ListView::default());
        assert_eq!(parse(&[("page", "0"), ("size", "33"), ("status", "weird")]), ListView::default());
        assert_eq!(parse(&[("page", "-2"), ("size", "x")]), ListView::default());
        assert_eq!(ListView::default().to_query(), "");
    }

    #[test]
    fn url_round_trip() {
        let view = ListView {
            name: "Billing & co/ä 100%".into(),
            status: StatusFilter::Suspended,
            event_types: vec!["billing.invoice.generate".into(), "claim.fnol.create".into()],
            page: 3,
            page_size: 50,
        };
        let query = view.to_query();
        assert_eq!(
            query,
            "?name=Billing%20%26%20co%2F%C3%A4%20100%25&status=suspended&types=billing.invoice.generate,claim.fnol.create&page=3&size=50"
        );
        let pairs = decode(&query);
        let back = ListView::from_query(|key| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()));
        assert_eq!(back, view);
    }

    #[test]
    fn every_status_maps_to_the_api() {
        let query = |status| ListView { status, ..ListView::default() }.api_query();
        assert_eq!(query(StatusFilter::All), [("offset", "0".to_owned()), ("count", "26".to_owned())]);
        assert!(query(StatusFilter::Active).contains(&("active", "true".to_owned())));
        assert!(query(StatusFilter::Enabled).contains(&("enabled", "true".to_owned())));
        assert!(query(StatusFilter::Disabled).contains(&("enabled", "false".to_owned())));
        assert!(query(StatusFilter::Suspended).contains(&("suspended", "true".to_owned())));
        for status in StatusFilter::ALL {
            assert_eq!(StatusFilter::from_key(status.key()), status);
        }
    }

    #[test]
    fn api_query_asks_one_more_row_and_sends_every_filter() {
        let view = ListView {
            name: "erp".into(),
            status: StatusFilter::Disabled,
            event_types: vec!["a.b".into(), "c.d".into()],
            page: 4,
            page_size: 100,
        };
        assert_eq!(
            view.api_query(),
            [
                ("offset", "300".to_owned()),
                ("count", "101".to_owned()),
                ("name", "erp".to_owned()),
                ("enabled", "false".to_owned()),
                ("eventTypes", "a.b,c.d".to_owned()),
            ]
        );
        assert_eq!(view.row_range(100), (301, 400));
        assert!(view.is_filtered());
        assert!(!view.cleared().is_filtered());
        assert_eq!(view.cleared().page_size, 100);
        assert_eq!(view.clone().first_page().page, 1);
    }

    #[test]
    fn page_numbers_from_the_url_cannot_overflow() {
        assert_eq!(page_number(Some("4294967295".into())), MAX_PAGE);
        assert_eq!(page_number(Some("99999999999999999999".into())), 1, "not a u32: the first page");
        assert_eq!(page_number(Some("-3".into())), 1);
        let deep = ListView::from_query(|key| {
            (key == "page").then(|| "4294967295".to_owned()).or_else(|| (key == "size").then(|| "100".to_owned()))
        });
        assert_eq!(deep.page, MAX_PAGE);
        assert_eq!(deep.api_query()[0], ("offset", (u64::from(MAX_PAGE - 1) * 100).to_string()));
        assert_eq!(deep.row_range(100), ((MAX_PAGE - 1) * 100 + 1, MAX_PAGE * 100));
    }

    #[test]
    fn count_plus_one_at_the_exact_boundary() {
        assert_eq!(split_page((0..26).collect(), 25), ((0..25).collect(), true));
        assert_eq!(split_page((0..25).collect(), 25), ((0..25).collect(), false));
        assert_eq!(split_page(Vec::<u8>::new(), 25), (vec![], false));
    }
}
