//! Turns `data/event-types.json` into a static Rust table, so that the wasm carries the
//! catalog as data rather than a JSON parser for it.

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
    let out = std::path::Path::new(&std::env::var("OUT_DIR").unwrap()).join("catalog.rs");
    std::fs::write(out, source).unwrap();
}
