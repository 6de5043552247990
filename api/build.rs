//! Turns `data/event-types.json` (the catalog) and `data/event-data.json` (what each type
//! carries in `data`) into static Rust tables, so that the wasm carries them as data
//! rather than a JSON parser for them.

use std::collections::BTreeMap;
use std::fmt::Write;

fn main() {
    println!("cargo::rerun-if-changed=data/event-types.json");
    let json = std::fs::read_to_string("data/event-types.json").expect("data/event-types.json is readable");
    let catalog: BTreeMap<String, BTreeMap<String, Vec<String>>> =
        serde_json::from_str(&json).expect("data/event-types.json is service → group → [type]");
    let mut source =
        String::from("/// service, group, event types (sorted).\npub static GROUPS: &[(&str, &str, &[&str])] = &[\n");
    for (service, groups) in &catalog {
        for (group, types) in groups {
            let mut types = types.clone();
            types.sort();
            writeln!(source, "    ({service:?}, {group:?}, &{types:?}),").unwrap();
        }
    }
    source.push_str("];\n");
    let out = std::path::Path::new(&std::env::var("OUT_DIR").unwrap()).to_owned();
    std::fs::write(out.join("catalog.rs"), source).unwrap();
    std::fs::write(out.join("event_data.rs"), event_data()).unwrap();
}

/// `DATA`: (event type, schema name, [(field, format)]), sorted by type then field. A
/// format is a `Format` variant's name; a nested object is a paged `List`.
fn event_data() -> String {
    println!("cargo::rerun-if-changed=data/event-data.json");
    #[derive(serde::Deserialize)]
    struct Entry {
        schema: String,
        fields: BTreeMap<String, serde_json::Value>,
    }
    let json = std::fs::read_to_string("data/event-data.json").expect("data/event-data.json is readable");
    let data: BTreeMap<String, Entry> =
        serde_json::from_str(&json).expect("data/event-data.json is type → {schema, fields}");
    let mut source =
        String::from("/// event type, schema, fields (name, format), sorted.\npub static DATA: &[Entry] = &[\n");
    for (event_type, entry) in &data {
        let fields: Vec<String> = entry
            .fields
            .iter()
            .map(|(name, format)| {
                let format = match format.as_str() {
                    Some("string/ulid") => "Ulid",
                    Some("string/date-time") => "DateTime",
                    Some("string") => "Text",
                    Some("boolean") => "Boolean",
                    Some(other) => panic!("unknown format {other} of {event_type}.{name}"),
                    None => "List",
                };
                format!("({name:?}, Format::{format})")
            })
            .collect();
        writeln!(source, "    ({event_type:?}, {:?}, &[{}]),", entry.schema, fields.join(", ")).unwrap();
    }
    source.push_str("];\n");
    source
}
