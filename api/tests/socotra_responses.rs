//! Any answer Socotra's response schemas allow decodes with the console's wire types.
//! The answers are generated from those schemas (`api/data/socotra-webhooks-openapi.json`)
//! by hypothesis-jsonschema, a few hundred per schema, and checked in as a fixture:
//! `api/tests/data/socotra-responses.json`, written by `scripts/socotra_responses.py`
//! (`.venv/bin/python scripts/socotra_responses.py` after `scripts/setup.sh`).

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use webhooks_api::{DivertedEventResponse, EventResponse, EventStreamResponse, WebhookList, WebhookResponse};

/// Decodes one answer from its text, as the console does.
type Decode = fn(&str) -> Result<(), serde_json::Error>;

fn decode<T: DeserializeOwned>(text: &str) -> Result<(), serde_json::Error> {
    serde_json::from_str::<T>(text).map(drop)
}

/// Each 200 answer's schema in Socotra's file (`[X]`: an array of X) and the wire type
/// the console decodes it with.
const DECODERS: [(&str, Decode); 7] = [
    ("WebhookResponse", decode::<WebhookResponse>),
    ("WebhookListResponse", decode::<WebhookList>),
    ("DivertedEventResponse", decode::<DivertedEventResponse>),
    ("[DivertedEventResponse]", decode::<Vec<DivertedEventResponse>>),
    ("EventResponse", decode::<EventResponse>),
    ("[EventResponse]", decode::<Vec<EventResponse>>),
    ("EventStreamResponse", decode::<EventStreamResponse>),
];

fn fixture() -> Map<String, Value> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/socotra-responses.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn every_answer_socotras_schemas_allow_decodes() {
    let fixture = fixture();
    let mut schemas: Vec<&str> = fixture.keys().map(String::as_str).collect();
    let mut decoded: Vec<&str> = DECODERS.iter().map(|(schema, _)| *schema).collect();
    schemas.sort_unstable();
    decoded.sort_unstable();
    assert_eq!(schemas, decoded, "every response schema has its wire type");
    let mut failures = Vec::new();
    for (schema, decode) in DECODERS {
        let answers = fixture[schema].as_array().unwrap();
        assert!(answers.len() >= 100, "{schema}: only {} answers", answers.len());
        for answer in answers {
            let text = answer.to_string();
            if let Err(error) = decode(&text) {
                failures.push(format!("{schema}: {error} in {text}"));
            }
        }
    }
    assert!(failures.is_empty(), "{} answers do not decode:\n{}", failures.len(), failures.join("\n"));
}

/// The array is what the reference server answers; the fixture has the later shape.
#[test]
fn the_bare_list_decodes_too() {
    let fixture = fixture();
    let items = &fixture["WebhookListResponse"].as_array().unwrap()[0]["items"];
    assert!(decode::<WebhookList>(&items.to_string()).is_ok());
}
