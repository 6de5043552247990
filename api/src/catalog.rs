//! The event types that EC publishes (`data/event-types.json`, turned into a static
//! table by `build.rs`), grouped as EC groups them.

mod generated {
    include!(concat!(env!("OUT_DIR"), "/catalog.rs"));
}

/// One group of event types, e.g. billing / invoiceEvents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventTypeGroup {
    /// The service, e.g. `billing`.
    pub service: String,
    /// The group, e.g. `invoiceEvents`.
    pub group: String,
    /// Its event types, sorted.
    pub event_types: Vec<String>,
}

/// Every group of the catalog, by service then group.
pub fn event_type_groups() -> Vec<EventTypeGroup> {
    generated::GROUPS
        .iter()
        .map(|(service, group, event_types)| EventTypeGroup {
            service: (*service).to_owned(),
            group: (*group).to_owned(),
            event_types: event_types.iter().map(|t| (*t).to_owned()).collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalog_has_every_type_once_and_each_is_valid() {
        let groups = event_type_groups();
        let all: Vec<&String> = groups.iter().flat_map(|g| &g.event_types).collect();
        assert_eq!(all.len(), 193);
        let unique: std::collections::BTreeSet<_> = all.iter().collect();
        assert_eq!(unique.len(), all.len());
        assert!(all.iter().all(|t| crate::validate::event_type(t).is_ok()));
        assert!(groups.iter().any(|g| g.service == "billing" && g.group == "invoiceEvents"));
    }
}
