//! The demo's events: requests of an insurer's day (a policy issued, a payment posted, a
//! claim reported, ...), each raising several events in order under one `requestId` and
//! one user, with `data` shaped as `event-data.json` describes each type.
//!
//! The demo tenant starts with a few days of them in its stream ([`seed_history`]: stored
//! only, never delivered), and while the server runs [`generate`] raises one request every
//! few seconds through the delivery engine. Those live requests are only of kinds whose
//! every event type the demo's webhooks deliver to the loopback receiver alone (a test
//! holds it), so the demo sends nothing off this machine.

use std::time::SystemTime;

use rusqlite::Connection;
use serde_json::{json, Map, Value};
use time::{Duration, OffsetDateTime};
use ulid::Ulid;
use webhooks_api::{EventResponse, Locator, TenantLocator};

use crate::db::StoreError;
use crate::{stream, timestamp, AppState};

/// How often the live demo raises a request's events.
const LIVE_EVERY: std::time::Duration = std::time::Duration::from_secs(12);
/// Requests in the seeded history, spread over [`HISTORY_DAYS`].
const HISTORY_REQUESTS: u32 = 160;
/// How far back the seeded history goes.
const HISTORY_DAYS: i64 = 4;

/// The people (and the scheduler) whose requests raise the demo's events.
const UNDERWRITER: &str = "4b8d2f0a-6c1e-4e7a-9b35-2d9f8c1a7e64";
const BILLING_CLERK: &str = "9e3a5c71-2b4d-4f86-a0c9-7d1e6b2f5a38";
const CLAIMS_ADJUSTER: &str = "c27f9a14-8e3b-4d52-b6a0-1f4c9e7d2b85";
const AGENT: &str = "5a1e7d3c-9f2b-4c68-8e14-b3d7a2f6c901";
const SCHEDULER: &str = "0d6b4e92-3a7c-4f15-9c28-e5a1b7d3f460";

/// A kind of request and the events it raises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Request {
    /// A policy change priced and issued: its invoice and its document follow.
    Issuance,
    /// A renewal priced and issued by the scheduler, invoiced, documented.
    Renewal,
    /// A payment received, posted, and the invoice it pays settled.
    Payment,
    /// A first notice of loss reported and validated.
    NewClaim,
    /// A reported loss updated by the adjuster and validated again.
    ClaimReview,
    /// A quote created, priced and underwritten.
    Quote,
    /// A new account and its contact.
    Onboarding,
    /// A cancellation issued, with its final invoice.
    Cancellation,
    /// An unpaid invoice that opens a delinquency.
    Delinquency,
}

/// What the live demo raises, in turn: kinds whose types reach loopback webhooks only.
const LIVE: [Request; 4] = [Request::Issuance, Request::Quote, Request::ClaimReview, Request::Renewal];

/// What the history holds, in turn (issuances and payments come up most).
const HISTORY: [Request; 12] = [
    Request::Issuance,
    Request::Payment,
    Request::Quote,
    Request::NewClaim,
    Request::Issuance,
    Request::Payment,
    Request::Onboarding,
    Request::Renewal,
    Request::ClaimReview,
    Request::Payment,
    Request::Cancellation,
    Request::Delinquency,
];

/// The accounts and policies the requests are about (an insurer's small book).
struct Book {
    accounts: Vec<Locator>,
    policies: Vec<Locator>,
}

impl Book {
    /// Twelve accounts with a policy each, opened in the months before `now`.
    fn new(now: OffsetDateTime) -> Self {
        let opened = |n: i64, days: i64| locator_at(now - Duration::days(days + n * 13));
        Self {
            accounts: (0..12).map(|n| opened(n, 200)).collect(),
            policies: (0..12).map(|n| opened(n, 190)).collect(),
        }
    }
}

fn locator_at(moment: OffsetDateTime) -> Locator {
    Locator::from_ulid(Ulid::from_datetime(SystemTime::from(moment)))
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => unreachable!("the demo's data are objects"),
    }
}

impl Request {
    /// Who sends it.
    fn user(self) -> uuid::Uuid {
        let user = match self {
            Self::Issuance | Self::Cancellation => UNDERWRITER,
            Self::Payment => BILLING_CLERK,
            Self::NewClaim | Self::ClaimReview => CLAIMS_ADJUSTER,
            Self::Quote | Self::Onboarding => AGENT,
            Self::Renewal | Self::Delinquency => SCHEDULER,
        };
        user.parse().expect("the demo's users are UUIDs")
    }

    /// Its events, in the order raised, about customer `n` of the book, at `at`.
    fn events(self, book: &Book, n: usize, at: OffsetDateTime) -> Vec<(&'static str, Map<String, Value>)> {
        let at = at.replace_millisecond(at.millisecond()).unwrap_or(at); // whole milliseconds, as the API writes times
        let account = book.accounts[n % book.accounts.len()];
        let policy = book.policies[n % book.policies.len()];
        let policies = json!({"items": [policy], "listCompleted": true});
        let created = |minutes_ago: i64| locator_at(at - Duration::minutes(minutes_ago));
        let invoice = |invoice: Locator, kind: &str| {
            json!({"accountLocator": account, "generateTime": timestamp::format(at), "invoiceLocator": invoice,
                "invoiceType": kind, "policyLocators": policies})
        };
        let document = || json!({"documentLocator": created(0), "referenceLocator": policy, "referenceType": "policy"});
        let events: Vec<(&'static str, Value)> = match self {
            Self::Issuance | Self::Renewal => {
                let transaction = json!({"policyLocator": policy, "transactionLocator": created(6)});
                let (price, issue) = if self == Self::Issuance {
                    ("policy.change.price", "policy.change.issue")
                } else {
                    ("policy.renewal.price", "policy.renewal.issue")
                };
                vec![
                    (price, transaction.clone()),
                    (issue, transaction),
                    ("billing.invoice.generate", invoice(created(0), "premium")),
                    ("document.ready", document()),
                ]
            }
            Self::Payment => {
                let payment = json!({"paymentLocator": created(0), "policyLocators": policies});
                let settled = json!({"accountLocator": account, "invoiceLocator": created(60 * 24 * 9),
                    "invoiceType": "premium", "policyLocators": policies});
                vec![
                    ("billing.payment.create", payment.clone()),
                    ("billing.payment.post", payment),
                    ("billing.invoice.settle", settled),
                ]
            }
            Self::NewClaim | Self::ClaimReview => {
                let fnol = json!({"locator": created(if self == Self::NewClaim { 0 } else { 60 * 26 })});
                let first = if self == Self::NewClaim { "claim.fnol.create" } else { "claim.fnol.update" };
                vec![(first, fnol.clone()), ("claim.fnol.validate", fnol)]
            }
            Self::Quote => {
                let quote = created(0);
                vec![
                    ("policy.quote.create", json!({"quoteLocator": quote})),
                    ("policy.quote.price", json!({"quoteLocator": quote})),
                    ("policy.quote.underwrite", json!({"quoteLocator": quote, "underwritingStatus": "accepted"})),
                ]
            }
            Self::Onboarding => {
                let contact = created(0);
                vec![
                    ("policy.account.create", json!({"accountLocator": account})),
                    ("contact.created", json!({"locator": contact, "staticLocator": contact})),
                    ("policy.account.validate", json!({"accountLocator": account})),
                ]
            }
            Self::Cancellation => {
                let transaction = json!({"policyLocator": policy, "transactionLocator": created(4)});
                vec![
                    ("policy.cancellation.price", transaction.clone()),
                    ("policy.cancellation.issue", transaction),
                    ("billing.invoice.generate", invoice(created(0), "cancellation")),
                ]
            }
            Self::Delinquency => vec![
                ("billing.invoice.generate", invoice(created(0), "installment")),
                ("billing.delinquency.create", json!({"delinquencyLocator": created(0), "policyLocators": policies})),
            ],
        };
        events.into_iter().map(|(kind, data)| (kind, object(data))).collect()
    }
}

/// Fills an empty demo stream with [`HISTORY_REQUESTS`] requests over the last
/// [`HISTORY_DAYS`] days, in one transaction; a stream that has events is left alone.
/// Stored only: nothing is delivered for them.
pub fn seed_history(connection: &mut Connection, tenant: TenantLocator, now: OffsetDateTime) -> Result<(), StoreError> {
    let transaction = connection.transaction()?;
    if stream::last_locator(&transaction, tenant)?.is_some() {
        return Ok(());
    }
    let book = Book::new(now);
    let span = Duration::days(HISTORY_DAYS);
    for n in 0..HISTORY_REQUESTS {
        // Unevenly spaced, oldest first, the last one a few minutes ago.
        let fraction = (f64::from(n) + 0.6 * f64::from((n * 7919) % 10) / 10.0) / f64::from(HISTORY_REQUESTS);
        let mut at = now - span + span * fraction - Duration::minutes(5);
        let kind = HISTORY[n as usize % HISTORY.len()];
        let request = locator_at(at);
        for (event_type, data) in kind.events(&book, n as usize, at) {
            at += Duration::milliseconds(35);
            let mut event = EventResponse {
                locator: locator_at(at),
                user_locator: kind.user(),
                request_id: request,
                timestamp: String::new(),
                kind: event_type.to_owned(),
                data: serde_json::Value::Object(data),
            };
            stream::append(&transaction, tenant, &mut event)?;
        }
    }
    Ok(transaction.commit()?)
}

/// Raises one live request's events in the demo tenant every few seconds, through the
/// delivery engine, so that the demo shows deliveries, retries, diverted events, a
/// suspension and the Events page's live tail happening.
pub async fn generate(state: AppState, tenant: TenantLocator) {
    let book = Book::new(OffsetDateTime::now_utc());
    for n in 0usize.. {
        tokio::time::sleep(LIVE_EVERY).await;
        let kind = LIVE[n % LIVE.len()];
        let request = Locator::from_ulid(Ulid::generate());
        for (event_type, data) in kind.events(&book, n, OffsetDateTime::now_utc()) {
            let raised = state.raise_event(tenant, event_type.to_owned(), data, Some(request), Some(kind.user())).await;
            if let Err(error) = raised {
                tracing::warn!(error = &error as &dyn std::error::Error, "the demo could not raise an event");
            }
        }
    }
}

/// Every event type the live demo raises: the demo's webhooks that subscribe to one of them
/// must point at the demo receiver (the tests that keep the demo on this machine).
#[cfg(test)]
pub(crate) fn live_event_types() -> std::collections::BTreeSet<&'static str> {
    let now = OffsetDateTime::now_utc();
    let book = Book::new(now);
    LIVE.iter().enumerate().flat_map(|(n, kind)| kind.events(&book, n, now)).map(|(event_type, _)| event_type).collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::db::Db;
    use crate::store::{list_webhooks, Page, WebhookFilter};

    const EVERY_KIND: [Request; 9] = [
        Request::Issuance,
        Request::Renewal,
        Request::Payment,
        Request::NewClaim,
        Request::ClaimReview,
        Request::Quote,
        Request::Onboarding,
        Request::Cancellation,
        Request::Delinquency,
    ];

    fn sample(kinds: &[Request]) -> Vec<(&'static str, Map<String, Value>)> {
        let now = OffsetDateTime::now_utc();
        let book = Book::new(now);
        kinds.iter().enumerate().flat_map(|(n, kind)| kind.events(&book, n, now)).collect()
    }

    /// Checks `value` against a field schema of event-data.json (`"string/ulid"`, nested objects, lists).
    fn conforms(value: &Value, schema: &Value) -> bool {
        match (schema, value) {
            (Value::String(format), Value::String(text)) => match format.as_str() {
                "string" => true,
                "string/ulid" => text.parse::<Locator>().is_ok(),
                "string/date-time" => timestamp::parse(text).is_ok(),
                _ => false,
            },
            (Value::String(format), Value::Bool(_)) => format == "boolean",
            (Value::Array(item), Value::Array(values)) => values.iter().all(|v| conforms(v, &item[0])),
            (Value::Object(fields), Value::Object(values)) => {
                fields.keys().eq(values.keys()) && fields.iter().all(|(key, field)| conforms(&values[key], field))
            }
            _ => false,
        }
    }

    #[test]
    fn data_has_exactly_the_fields_event_data_json_gives_each_type() {
        let schemas: BTreeMap<String, Value> =
            serde_json::from_str(include_str!("../../api/data/event-data.json")).unwrap();
        for (event_type, data) in sample(&EVERY_KIND) {
            let fields =
                &schemas.get(event_type).unwrap_or_else(|| panic!("{event_type} is not a known type"))["fields"];
            assert!(conforms(&Value::Object(data.clone()), fields), "{event_type}: {data:?} against {fields}");
        }
    }

    #[test]
    fn live_requests_and_alerts_reach_only_the_demo_receiver() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("d.sqlite3")).unwrap();
        let receiver = format!("http://{}/", crate::demo::DEMO_RECEIVER);
        db.blocking(|c| {
            let tenant = crate::demo::seed(c, OffsetDateTime::now_utc())?;
            let all = WebhookFilter { page: Page { offset: 0, count: 1000 }, ..Default::default() };
            let webhooks = list_webhooks(c, tenant, &all)?;
            let live = live_event_types();
            let mut receiving = 0;
            for webhook in &webhooks {
                let alert = webhook.failure_handling.alert_endpoint.as_ref();
                assert!(alert.is_none_or(|a| a.url.starts_with(&receiver)), "{}'s alert endpoint", webhook.name);
                if webhook.event_types.iter().any(|t| live.contains(t.as_str())) {
                    assert!(
                        webhook.endpoint.url.starts_with(&receiver),
                        "{} gets live events at {}",
                        webhook.name,
                        webhook.endpoint.url
                    );
                    receiving += 1;
                }
            }
            assert!(receiving >= 4, "the demo shows deliveries to several webhooks");
            Ok(())
        })
        .unwrap();
    }

    #[test]
    fn history_is_requests_of_several_events_over_the_last_days_seeded_once() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("h.sqlite3")).unwrap();
        let tenant: TenantLocator = crate::demo::DEMO_TENANT.parse().unwrap();
        let now = OffsetDateTime::now_utc();
        db.blocking(|c| {
            seed_history(c, tenant, now)?;
            seed_history(c, tenant, now)?;
            let query = stream::StreamQuery { page_size: stream::MAX_PAGE_SIZE, ..Default::default() };
            let events = stream::list(c, tenant, &query)?.events;
            assert!((300..1000).contains(&events.len()), "{} events", events.len());
            let times: Vec<OffsetDateTime> = events.iter().map(|e| timestamp::parse(&e.timestamp).unwrap()).collect();
            assert!(times.windows(2).all(|pair| pair[0] <= pair[1]), "oldest first");
            assert!(times[0] < now - Duration::days(HISTORY_DAYS - 1) && times[times.len() - 1] < now);
            let mut requests: BTreeMap<Locator, Vec<&EventResponse>> = BTreeMap::new();
            for event in &events {
                requests.entry(event.request_id).or_default().push(event);
            }
            assert_eq!(requests.len(), HISTORY_REQUESTS as usize);
            assert!(requests
                .values()
                .all(|events| events.len() >= 2 && events.iter().all(|e| e.user_locator == events[0].user_locator)));
            let issuance = requests.values().find(|events| events[1].kind == "policy.change.issue").unwrap();
            assert_eq!(issuance[2].kind, "billing.invoice.generate");
            assert_eq!(issuance[1].data["policyLocator"], issuance[2].data["policyLocators"]["items"][0]);
            Ok(())
        })
        .unwrap();
    }
}
