//! What each event type of the catalog carries in its `data` (`data/event-data.json`,
//! turned into a static table by `build.rs`): the fields of its schema and their formats.

mod generated {
    use super::{Entry, Format};
    include!(concat!(env!("OUT_DIR"), "/event_data.rs"));
}

/// A row of the table: event type, schema name, fields (name, format).
type Entry = (&'static str, &'static str, &'static [(&'static str, Format)]);

/// The format of a field of an event's `data`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A locator: a ULID.
    Ulid,
    /// A date-time (RFC 3339).
    DateTime,
    /// Text.
    Text,
    /// True or false.
    Boolean,
    /// A paged list of locators: `{"items": [...], "listCompleted": bool}`.
    List,
}

impl Format {
    /// The format in words.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Ulid => "a locator (ULID)",
            Self::DateTime => "a date and time (RFC 3339)",
            Self::Text => "text",
            Self::Boolean => "true or false",
            Self::List => "a list of locators (items, and whether the list is complete)",
        }
    }
}

/// The schema of one event type's `data`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DataSchema {
    /// EC's name for the schema, e.g. `TransactionEventData`.
    pub name: &'static str,
    /// Its fields (name, format), sorted by name.
    pub fields: &'static [(&'static str, Format)],
}

/// The schema of `event_type`'s `data`, if the catalog knows the type.
pub fn data_schema(event_type: &str) -> Option<DataSchema> {
    let index = generated::DATA.binary_search_by(|(known, _, _)| (*known).cmp(event_type)).ok()?;
    let (_, name, fields) = generated::DATA[index];
    Some(DataSchema { name, fields })
}

/// What a field of an event's `data` means, in words: its name read as words, and its
/// format, e.g. `policyLocator` → "the policy's locator (ULID)".
pub fn describe_field(name: &str, format: Format) -> String {
    let mut words = String::new();
    for c in name.chars() {
        if c.is_ascii_uppercase() && !words.is_empty() {
            words.push(' ');
        }
        words.push(c.to_ascii_lowercase());
    }
    let subject = ["locators", "locator"].iter().find_map(|suffix| {
        let owner = words.strip_suffix(suffix)?.trim_end();
        (!owner.is_empty()).then(|| (owner.to_owned(), *suffix))
    });
    match (subject, format) {
        (Some((owner, "locator")), Format::Ulid) => format!("the {owner}'s locator (ULID)"),
        (Some((owner, "locators")), Format::List) => format!("the {owner} locators: {}", Format::List.describe()),
        _ => format!("{words}: {}", format.describe()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::event_type_groups;

    #[test]
    fn every_catalog_type_has_its_schema_and_nothing_else_does() {
        let types: Vec<String> = event_type_groups().into_iter().flat_map(|g| g.event_types).collect();
        assert_eq!(generated::DATA.len(), types.len());
        for event_type in &types {
            assert!(data_schema(event_type).is_some(), "{event_type}");
        }
        assert_eq!(data_schema("custom.thing.happened"), None);
        let issue = data_schema("policy.change.issue").unwrap();
        assert_eq!(issue.name, "TransactionEventData");
        assert_eq!(issue.fields, &[("policyLocator", Format::Ulid), ("transactionLocator", Format::Ulid)]);
        let invoice = data_schema("billing.delinquency.create").unwrap();
        assert!(invoice.fields.contains(&("policyLocators", Format::List)));
    }

    #[test]
    fn fields_in_words() {
        assert_eq!(describe_field("policyLocator", Format::Ulid), "the policy's locator (ULID)");
        assert_eq!(describe_field("delinquencyEventLocator", Format::Ulid), "the delinquency event's locator (ULID)");
        assert_eq!(
            describe_field("policyLocators", Format::List),
            "the policy locators: a list of locators (items, and whether the list is complete)"
        );
        assert_eq!(describe_field("locator", Format::Ulid), "locator: a locator (ULID)");
        assert_eq!(describe_field("isAutopay", Format::Boolean), "is autopay: true or false");
        assert_eq!(describe_field("effectiveTime", Format::DateTime), "effective time: a date and time (RFC 3339)");
    }
}
