//! The demo tenant: seeded once with varied webhooks and a history of events
//! (`demo_events`), and an admin token per start.

use std::collections::BTreeSet;

use rusqlite::Connection;
use time::{Duration, OffsetDateTime};
use webhooks_api::{
    CreateEndpointRequest, CreateWebhookRequest, FailureHandlingCreateRequest, Headers, Locator, RetryStrategy,
    RetryType, TenantLocator,
};

use crate::auth::{self, Grant};
use crate::db::StoreError;
use crate::{store, timestamp};

/// The demo tenant's locator (fixed, so that bookmarks keep working across restarts).
pub const DEMO_TENANT: &str = "6f1c7a52-0d3e-4b8a-9d1e-5e2f3a4b5c6d";
/// Where the demo's webhook receiver listens. Every demo webhook that subscribes to a
/// type the demo raises points there, and so does every alert endpoint: the demo sends
/// nothing off this machine. The others have realistic URLs and never get an event.
pub const DEMO_RECEIVER: &str = "127.0.0.1:8082";
const SEEDED_KEY: &str = "demo.seeded";

/// One demo webhook, before it becomes a request.
struct Seed {
    name: &'static str,
    url: &'static str,
    event_types: &'static [&'static str],
    enabled: bool,
    /// Hours ago it was suspended, if it is.
    suspended_hours_ago: Option<i64>,
    headers: &'static [(&'static str, &'static [&'static str])],
    policy: Policy,
}

/// The failure-handling shapes the demo shows.
#[derive(Clone, Copy)]
enum Policy {
    Default,
    LinearDivert,
    ExponentialSuspend,
    AlertOnly,
    Strict5xx,
}

impl Policy {
    fn request(self) -> Option<FailureHandlingCreateRequest> {
        let strategy = |kind, interval, attempts| Some(RetryStrategy { kind, interval, attempts });
        let triggers = |list: &[&str]| Some(list.iter().map(|t| (*t).to_owned()).collect());
        // The demo receiver's: the webhooks that fail for real alert there, on this machine.
        let alert = || {
            Some(CreateEndpointRequest {
                url: "http://127.0.0.1:8082/alert".into(),
                headers: Headers::from([("X-Team".into(), vec!["platform".into()])]),
                ..Default::default()
            })
        };
        match self {
            Self::Default => None,
            Self::LinearDivert => Some(FailureHandlingCreateRequest {
                triggers: triggers(&["5xx", "timeout"]),
                retry_strategy: strategy(RetryType::Linear, 2_000, 3),
                divert: Some(true),
                ..Default::default()
            }),
            Self::ExponentialSuspend => Some(FailureHandlingCreateRequest {
                triggers: triggers(&["4xx", "5xx", "timeout"]),
                retry_strategy: strategy(RetryType::Exponential, 1_000, 5),
                divert: Some(true),
                suspend: Some(true),
                alert_endpoint: alert(),
            }),
            Self::AlertOnly => Some(FailureHandlingCreateRequest { alert_endpoint: alert(), ..Default::default() }),
            Self::Strict5xx => Some(FailureHandlingCreateRequest {
                triggers: triggers(&["500", "502", "503", "504"]),
                retry_strategy: strategy(RetryType::Linear, 500, 10),
                suspend: Some(true),
                ..Default::default()
            }),
        }
    }
}

const BEARER: &[(&str, &[&str])] = &[("Authorization", &["Bearer demo-receiver-secret"])];
const API_KEY: &[(&str, &[&str])] = &[("X-Api-Key", &["demo-key-123"]), ("X-Source", &["socotra-ec"])];
const MULTI: &[(&str, &[&str])] = &[("Accept", &["application/json", "text/plain"]), ("X-Env", &["demo"])];

const SEEDS: &[Seed] = &[
    Seed {
        name: "Policy issuance → CRM",
        url: "http://127.0.0.1:8082/ok",
        event_types: &["policy.change.issue", "policy.renewal.issue"],
        enabled: true,
        suspended_hours_ago: None,
        headers: BEARER,
        policy: Policy::LinearDivert,
    },
    Seed {
        name: "Invoices to ERP",
        url: "http://127.0.0.1:8082/status/503",
        event_types: &["billing.invoice.generate", "billing.invoice.settle"],
        enabled: true,
        suspended_hours_ago: None,
        headers: API_KEY,
        policy: Policy::ExponentialSuspend,
    },
    Seed {
        name: "Payments ledger",
        url: "https://ledger.example.net/v2/payments",
        event_types: &[
            "billing.payment.create",
            "billing.payment.post",
            "billing.payment.reverse",
            "billing.payment.fail",
        ],
        enabled: true,
        suspended_hours_ago: Some(5),
        headers: API_KEY,
        policy: Policy::ExponentialSuspend,
    },
    Seed {
        name: "FNOL intake (claims)",
        url: "https://claims.example.com/fnol",
        // Not claim.fnol.create: the demo raises it, and this URL is not the demo's receiver.
        event_types: &["claim.fnol.complete", "claim.fnol.reject"],
        enabled: true,
        suspended_hours_ago: None,
        headers: &[],
        policy: Policy::Default,
    },
    Seed {
        name: "Data warehouse firehose",
        url: "http://127.0.0.1:8082/ok",
        event_types: &[
            "policy.account.create",
            "policy.account.update",
            "contact.created",
            "contact.merged",
            "document.ready",
            "billing.invoice.generate",
            "billing.payment.post",
        ],
        enabled: true,
        suspended_hours_ago: None,
        headers: MULTI,
        policy: Policy::LinearDivert,
    },
    Seed {
        name: "Legacy policy mirror",
        url: "http://legacy.internal.example.com:8080/mirror",
        event_types: &["policy.cancellation.issue"],
        enabled: false,
        suspended_hours_ago: None,
        headers: &[],
        policy: Policy::Default,
    },
    Seed {
        name: "Document archive",
        url: "http://127.0.0.1:8082/status/500",
        event_types: &["document.ready", "document.failed"],
        enabled: true,
        suspended_hours_ago: Some(30),
        headers: BEARER,
        policy: Policy::Strict5xx,
    },
    Seed {
        name: "Delinquency notices",
        url: "https://notify.example.com/delinquency",
        event_types: &["billing.delinquency.create", "billing.delinquency.lapse", "billing.delinquency.settle"],
        enabled: true,
        suspended_hours_ago: None,
        headers: &[],
        policy: Policy::AlertOnly,
    },
    Seed {
        name: "Disbursement approvals",
        url: "https://treasury.example.com/disbursements",
        event_types: &["billing.disbursement.approve", "billing.disbursement.execute", "billing.disbursement.reject"],
        enabled: true,
        suspended_hours_ago: None,
        headers: API_KEY,
        policy: Policy::ExponentialSuspend,
    },
    Seed {
        name: "Contact sync (Salesforce)",
        url: "https://sf-bridge.example.com/contacts",
        event_types: &["contact.created", "contact.merged", "contact.anonymized"],
        enabled: false,
        suspended_hours_ago: None,
        headers: BEARER,
        policy: Policy::LinearDivert,
    },
    Seed {
        name: "Migration monitor",
        url: "https://ops.example.com/migration-events",
        event_types: &["migration.start", "migration.finish", "migration.fail", "migration.error"],
        enabled: true,
        suspended_hours_ago: None,
        headers: &[],
        policy: Policy::Default,
    },
    Seed {
        name: "Moratorium broadcast",
        url: "https://comms.example.com/moratorium",
        event_types: &["moratorium.create", "moratorium.effective", "moratorium.end"],
        enabled: true,
        suspended_hours_ago: Some(72),
        headers: &[],
        policy: Policy::Strict5xx,
    },
    Seed {
        name: "Hold review queue",
        url: "https://review.example.com/holds",
        event_types: &["billing.hold.create", "billing.hold.release", "billing.hold.discard"],
        enabled: true,
        suspended_hours_ago: None,
        headers: MULTI,
        policy: Policy::AlertOnly,
    },
    Seed {
        name: "Write-off audit",
        url: "https://audit.example.com/write-offs",
        event_types: &["billing.writeoff.create", "billing.writeoff.reverse"],
        enabled: false,
        suspended_hours_ago: Some(200),
        headers: API_KEY,
        policy: Policy::ExponentialSuspend,
    },
    Seed {
        name: "Credit distribution",
        url: "https://finance.example.com/credits",
        event_types: &["billing.creditdistribution.create", "billing.creditdistribution.distribute"],
        enabled: true,
        suspended_hours_ago: None,
        headers: &[],
        policy: Policy::LinearDivert,
    },
    Seed {
        name: "Account onboarding",
        url: "https://onboarding.example.com/accounts",
        event_types: &["policy.account.create", "policy.account.validate"],
        enabled: true,
        suspended_hours_ago: None,
        headers: BEARER,
        policy: Policy::Default,
    },
    Seed {
        name: "Shortfall credits",
        url: "https://finance.example.com/shortfall",
        event_types: &[
            "billing.shortfallcredit.create",
            "billing.shortfallcredit.distribute",
            "billing.shortfallcredit.reverse",
        ],
        enabled: true,
        suspended_hours_ago: None,
        headers: &[],
        policy: Policy::Strict5xx,
    },
    Seed {
        name: "Numbering failures → PagerDuty",
        url: "https://events.pagerduty.example.com/integration/ec",
        event_types: &[
            "invoice.numberAssignmentFailed",
            "payment.numberAssignmentFailed",
            "disbursement.numberAssignmentFailed",
            "fnol.numberAssignmentFailed",
        ],
        enabled: true,
        suspended_hours_ago: None,
        headers: API_KEY,
        policy: Policy::AlertOnly,
    },
    Seed {
        name: "Autopay tracker",
        url: "https://payments.example.com/autopay",
        event_types: &["billing.invoice.autopay", "billing.invoice.autopayfailed"],
        enabled: true,
        suspended_hours_ago: Some(1),
        headers: &[],
        policy: Policy::ExponentialSuspend,
    },
    Seed {
        name: "Staging smoke test",
        url: "https://staging.example.com/webhook-smoke",
        event_types: &["policy.account.create"],
        enabled: false,
        suspended_hours_ago: None,
        headers: MULTI,
        policy: Policy::Default,
    },
    Seed {
        name: "Installment plans",
        url: "https://plans.example.com/installments",
        event_types: &["billing.installmentlattice.create"],
        enabled: true,
        suspended_hours_ago: None,
        headers: &[],
        policy: Policy::LinearDivert,
    },
    Seed {
        name: "Claims fraud screening",
        url: "http://127.0.0.1:8082/hang",
        event_types: &["claim.fnol.create", "claim.fnol.update", "claim.fnol.validate"],
        enabled: true,
        suspended_hours_ago: None,
        headers: BEARER,
        policy: Policy::ExponentialSuspend,
    },
    Seed {
        name: "Anonymisation log",
        url: "https://privacy.example.com/anonymize",
        event_types: &[
            "policy.account.anonymize",
            "contact.anonymized",
            "claim.fnol.anonymize",
            "billing.payment.anonymize",
        ],
        enabled: true,
        suspended_hours_ago: None,
        headers: API_KEY,
        policy: Policy::Default,
    },
    Seed {
        name: "Payment requests (bank)",
        url: "https://bank-gw.example.com/requests",
        event_types: &["billing.payment.request", "billing.payment.execute", "billing.payment.validationfailed"],
        enabled: true,
        suspended_hours_ago: None,
        headers: BEARER,
        policy: Policy::Strict5xx,
    },
];

/// Seeds the demo tenant once (later starts leave it as the user changed it).
pub fn seed(connection: &mut Connection, now: OffsetDateTime) -> Result<TenantLocator, StoreError> {
    let tenant: TenantLocator = DEMO_TENANT.parse().expect("the demo tenant is a UUID");
    crate::demo_events::seed_history(connection, tenant, now)?;
    if store::setting(connection, SEEDED_KEY)?.is_some() {
        return Ok(tenant);
    }
    let transaction = connection.transaction()?;
    let mut generator = ulid::Generator::new();
    for seed in SEEDS {
        let request = CreateWebhookRequest {
            name: seed.name.into(),
            enabled: Some(seed.enabled),
            endpoint: CreateEndpointRequest {
                url: seed.url.into(),
                headers: seed
                    .headers
                    .iter()
                    .map(|(name, values)| ((*name).to_owned(), values.iter().map(|v| (*v).to_owned()).collect()))
                    .collect(),
                ..Default::default()
            },
            failure_handling: seed.policy.request(),
            event_types: seed.event_types.iter().map(|t| (*t).to_owned()).collect(),
        };
        let locator = Locator::from_ulid(generator.generate().expect("fewer than 2^80 demo webhooks"));
        let mut webhook = request.into_response(locator);
        if let Some(hours) = seed.suspended_hours_ago {
            webhook.suspended = true;
            webhook.suspended_at = Some(timestamp::format(now - Duration::hours(hours)));
        }
        store::put_webhook(&transaction, tenant, &webhook)?;
    }
    store::set_setting(&transaction, SEEDED_KEY, &timestamp::format(now))?;
    transaction.commit()?;
    Ok(tenant)
}

const WORDS: [&str; 10] =
    ["Invoices", "Payments", "Policy", "Claims", "Contacts", "Documents", "Ledger", "CRM", "ERP", "Audit"];
/// The event types `seed_many` gives out, in turn.
pub const MANY_EVENT_TYPES: [&str; 6] = [
    "billing.invoice.generate",
    "billing.payment.post",
    "policy.change.issue",
    "claim.fnol.create",
    "contact.created",
    "document.ready",
];

/// Adds `count` varied webhooks to `tenant` in one transaction (for tests, benchmarks and
/// demos of large tenants): webhook `n` is named from two words and `#n`, is disabled
/// when `n % 7 == 0`, suspended when `n % 11 == 0`, and has 1 to 3 of six event types.
/// Locators follow `first_locator`, so that list order is `n` order.
pub fn seed_many(
    connection: &mut Connection,
    tenant: TenantLocator,
    count: u32,
    first_locator: u128,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let transaction = connection.transaction()?;
    for n in 0..count {
        let i = n as usize;
        let request = CreateWebhookRequest {
            name: format!("{} {} #{n}", WORDS[i % 10], WORDS[(i / 10) % 10]),
            enabled: Some(n % 7 != 0),
            endpoint: CreateEndpointRequest {
                url: format!("https://hooks{}.example.com/in", n % 50),
                ..Default::default()
            },
            failure_handling: Some(FailureHandlingCreateRequest { divert: Some(n % 2 == 0), ..Default::default() }),
            event_types: (0..1 + i % 3).map(|k| MANY_EVENT_TYPES[(i + k) % 6].to_owned()).collect(),
        };
        let mut webhook = request.into_response(Locator::from_ulid(ulid::Ulid(first_locator + u128::from(n))));
        webhook.suspended = n % 11 == 0;
        webhook.suspended_at = webhook.suspended.then(|| timestamp::format(now - Duration::minutes(i64::from(n))));
        store::put_webhook(&transaction, tenant, &webhook)?;
    }
    Ok(transaction.commit()?)
}

/// Raises the demo's live events (`demo_events`) in the demo tenant, for as long as the server runs.
pub async fn generate_events(state: crate::AppState) {
    crate::demo_events::generate(state, DEMO_TENANT.parse().expect("the demo tenant is a UUID")).await;
}

/// The label of the demo's admin token.
const ADMIN_TOKEN_LABEL: &str = "demo admin";

/// Issues a token for the demo tenant with every permission, revoking the one issued at
/// the previous start: one demo admin token is live at a time.
pub fn admin_token(connection: &mut Connection, tenant: TenantLocator) -> Result<String, StoreError> {
    let grants: BTreeSet<Grant> = auth::ALL_GRANTS.iter().map(|g| g.parse().expect("known grants are valid")).collect();
    let transaction = connection.transaction()?;
    let revoked = auth::revoke_labelled(&transaction, tenant, ADMIN_TOKEN_LABEL)?;
    let (_, token) = auth::issue(&transaction, tenant, &grants, ADMIN_TOKEN_LABEL)?;
    transaction.commit()?;
    if revoked > 0 {
        tracing::info!(revoked, "the previous demo admin token was revoked");
    }
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Db;

    #[test]
    fn seeds_many_in_locator_order() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("m.sqlite3")).unwrap();
        let tenant: TenantLocator = "3f2c8a4e-1b7d-4c1e-9a55-0c6f1e2d3b4a".parse().unwrap();
        db.blocking(|c| {
            seed_many(c, tenant, 30, 1 << 100, OffsetDateTime::now_utc())?;
            let all = list_webhooks(
                c,
                tenant,
                &WebhookFilter { page: Page { offset: 0, count: 100 }, ..Default::default() },
            )?;
            assert_eq!(all.len(), 30);
            assert_eq!(all[12].name, "Policy Payments #12");
            assert_eq!(all.iter().filter(|w| w.suspended).count(), 3);
            assert_eq!(all.iter().filter(|w| !w.enabled).count(), 5);
            Ok(())
        })
        .unwrap();
    }
    use crate::store::{list_webhooks, Page, WebhookFilter};

    #[test]
    fn seeds_once_with_variety() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("d.sqlite3")).unwrap();
        let now = OffsetDateTime::now_utc();
        db.blocking(|c| {
            let tenant = seed(c, now)?;
            seed(c, now)?;
            let all = list_webhooks(
                c,
                tenant,
                &WebhookFilter { page: Page { offset: 0, count: 1000 }, ..Default::default() },
            )?;
            assert_eq!(all.len(), SEEDS.len());
            assert!(all.len() >= 20);
            assert!(all.iter().any(|w| w.suspended && w.suspended_at.is_some()));
            assert!(all.iter().any(|w| !w.enabled));
            assert!(all.iter().any(|w| w.is_active()));
            assert!(all.iter().any(|w| w.failure_handling.retry_strategy.is_some()));
            assert!(all.iter().any(|w| !w.endpoint.headers.is_empty()));
            assert!(all.iter().all(|w| w.suspended == w.suspended_at.is_some()));
            Ok(())
        })
        .unwrap();
    }

    #[test]
    fn each_start_revokes_the_previous_admin_token() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("a.sqlite3")).unwrap();
        db.blocking(|c| {
            let tenant = seed(c, OffsetDateTime::now_utc())?;
            let other = auth::issue(c, tenant, &auth::parse_grants("webhooks.read").unwrap(), "kept")?.1;
            let first = admin_token(c, tenant)?;
            let second = admin_token(c, tenant)?;
            assert!(auth::authenticate(c, &first)?.is_none(), "the previous start's token is revoked");
            assert!(auth::authenticate(c, &second)?.is_some());
            assert!(auth::authenticate(c, &other)?.is_some(), "tokens with other labels stay");
            Ok(())
        })
        .unwrap();
    }

    #[test]
    fn demo_event_types_are_in_the_catalog() {
        let catalog: serde_json::Value = serde_json::from_str(include_str!("../../api/data/event-types.json")).unwrap();
        let known: Vec<&str> = catalog
            .as_object()
            .unwrap()
            .values()
            .flat_map(|groups| groups.as_object().unwrap().values())
            .flat_map(|types| types.as_array().unwrap().iter().map(|t| t.as_str().unwrap()))
            .collect();
        for seed in SEEDS {
            for event_type in seed.event_types {
                assert!(known.contains(event_type), "{event_type} is not in event-types.json");
            }
        }
    }
}
