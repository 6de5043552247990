//! The failure policy as pure decisions: what an attempt's outcome means under a
//! webhook's failure handling (trigger matching, retry delays, jitter). No I/O: tested
//! natively below.

use std::time::Duration;

use webhooks_api::FailureHandlingResponse;

/// What became of one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A 2xx answer.
    Delivered(u16),
    /// Any other status (a redirect too: redirects are not followed).
    Status(u16),
    /// No answer in time.
    TimedOut,
    /// No connection (refused, unknown host, reset): counts as `timeout`.
    ConnectionFailed(String),
    /// The destination is not allowed (why, in words): not sent, counts as `timeout`.
    Refused(String),
    /// The endpoint's TLS certificate was not accepted (why, in words): counts as `timeout`.
    Untrusted(String),
}

impl Outcome {
    /// What happened, in words (the diverted event's message).
    pub fn message(&self, timeout: Duration) -> String {
        match self {
            Self::Delivered(code) => format!("HTTP {code}"),
            Self::Status(code) => {
                let reason = axum::http::StatusCode::from_u16(*code).ok().and_then(|s| s.canonical_reason());
                format!("HTTP {code}{}", reason.map(|r| format!(" {r}")).unwrap_or_default())
            }
            Self::TimedOut => format!("no answer within {} ms", timeout.as_millis()),
            Self::ConnectionFailed(why) => format!("could not connect: {why}"),
            Self::Refused(why) => why.clone(),
            Self::Untrusted(why) => format!(
                "TLS certificate not accepted: {why}. Give the endpoint a certificate from a public authority, \
                 or, for a self-signed one you trust, turn off \"Verify the TLS certificate\" (secureSsl)"
            ),
        }
    }
}

/// What to do after an attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Delivered.
    Done,
    /// A failure no trigger matches: dropped without retry.
    Drop,
    /// A triggered failure with retries left: try again after this long.
    Retry {
        /// Milliseconds to wait (before [`jittered`]).
        delay_ms: i64,
    },
    /// A triggered failure with no retry left: alert, divert, suspend as the policy says.
    GiveUp {
        /// The trigger that matched (`503`, `5xx`, `timeout`).
        trigger: String,
    },
}

/// The trigger a failed outcome matches: an exact status first, then its class, or `timeout`.
pub fn matching_trigger(triggers: &[String], outcome: &Outcome) -> Option<String> {
    let has = |t: &str| triggers.iter().any(|trigger| trigger == t);
    match outcome {
        Outcome::Delivered(_) => None,
        Outcome::Status(code) => {
            let exact = code.to_string();
            let class = match code {
                400..=499 => "4xx",
                500..=599 => "5xx",
                _ => "",
            };
            if has(&exact) {
                Some(exact)
            } else {
                (!class.is_empty() && has(class)).then(|| class.to_owned())
            }
        }
        Outcome::TimedOut | Outcome::ConnectionFailed(_) | Outcome::Refused(_) | Outcome::Untrusted(_) => {
            has("timeout").then(|| "timeout".to_owned())
        }
    }
}

/// The policy's answer to an outcome, after `retries_done` retries.
pub fn decide(policy: &FailureHandlingResponse, retries_done: i32, outcome: &Outcome) -> Decision {
    if let Outcome::Delivered(_) = outcome {
        return Decision::Done;
    }
    let Some(trigger) = matching_trigger(&policy.triggers, outcome) else { return Decision::Drop };
    match &policy.retry_strategy {
        Some(strategy) if retries_done < strategy.attempts => {
            Decision::Retry { delay_ms: strategy.delay_before_retry_ms(retries_done + 1) }
        }
        _ => Decision::GiveUp { trigger },
    }
}

/// The largest share of a retry delay added at random.
const JITTER: f64 = 0.1;

/// A retry delay with jitter: `delay_ms` plus up to 10 % more, `unit` (0 to 1) saying how
/// much. Retries of many deliveries that failed together (an endpoint that was down)
/// spread out instead of arriving together; never earlier than the strategy says.
pub fn jittered(delay_ms: i64, unit: f64) -> i64 {
    delay_ms + (delay_ms as f64 * JITTER * unit.clamp(0.0, 1.0)) as i64
}

#[cfg(test)]
mod tests {
    use super::*;
    use webhooks_api::{RetryStrategy, RetryType};

    fn policy(triggers: &[&str], retry: Option<(RetryType, i64, i32)>) -> FailureHandlingResponse {
        FailureHandlingResponse {
            triggers: triggers.iter().map(|t| (*t).to_owned()).collect(),
            retry_strategy: retry.map(|(kind, interval, attempts)| RetryStrategy { kind, interval, attempts }),
            ..FailureHandlingResponse::default()
        }
    }

    #[test]
    fn triggers_match_exact_code_then_class_then_timeout() {
        let triggers: Vec<String> = ["503", "5xx", "timeout"].map(String::from).to_vec();
        assert_eq!(matching_trigger(&triggers, &Outcome::Status(503)), Some("503".into()));
        assert_eq!(matching_trigger(&triggers, &Outcome::Status(500)), Some("5xx".into()));
        assert_eq!(matching_trigger(&triggers, &Outcome::Status(404)), None);
        assert_eq!(matching_trigger(&triggers, &Outcome::TimedOut), Some("timeout".into()));
        assert_eq!(matching_trigger(&triggers, &Outcome::ConnectionFailed("refused".into())), Some("timeout".into()));
        assert_eq!(matching_trigger(&["4xx".to_owned()], &Outcome::Status(429)), Some("4xx".into()));
        assert_eq!(matching_trigger(&["4xx".to_owned()], &Outcome::Status(302)), None);
    }

    #[test]
    fn retry_delays() {
        let linear = RetryStrategy { kind: RetryType::Linear, interval: 200, attempts: 3 };
        let exponential = RetryStrategy { kind: RetryType::Exponential, interval: 200, attempts: 3 };
        assert_eq!((1..=3).map(|n| linear.delay_before_retry_ms(n)).collect::<Vec<_>>(), [200, 200, 200]);
        assert_eq!((1..=4).map(|n| exponential.delay_before_retry_ms(n)).collect::<Vec<_>>(), [200, 400, 800, 1600]);
    }

    #[test]
    fn decisions_follow_the_policy() {
        let retrying = policy(&["5xx"], Some((RetryType::Linear, 100, 2)));
        assert_eq!(decide(&retrying, 0, &Outcome::Delivered(204)), Decision::Done);
        assert_eq!(decide(&retrying, 0, &Outcome::Status(500)), Decision::Retry { delay_ms: 100 });
        assert_eq!(decide(&retrying, 1, &Outcome::Status(500)), Decision::Retry { delay_ms: 100 });
        assert_eq!(decide(&retrying, 2, &Outcome::Status(500)), Decision::GiveUp { trigger: "5xx".into() });
        assert_eq!(decide(&retrying, 0, &Outcome::Status(404)), Decision::Drop, "indifference: no trigger, no retry");
        assert_eq!(decide(&retrying, 0, &Outcome::TimedOut), Decision::Drop);
        let default = FailureHandlingResponse::default();
        assert_eq!(decide(&default, 0, &Outcome::TimedOut), Decision::GiveUp { trigger: "timeout".into() });
    }

    #[test]
    fn messages_say_what_happened() {
        let timeout = Duration::from_millis(1500);
        assert_eq!(Outcome::Status(503).message(timeout), "HTTP 503 Service Unavailable");
        assert_eq!(Outcome::TimedOut.message(timeout), "no answer within 1500 ms");
        assert!(Outcome::ConnectionFailed("Connection refused".into()).message(timeout).contains("refused"));
        let untrusted = Outcome::Untrusted("expired".into());
        assert!(untrusted.message(timeout).starts_with("TLS certificate not accepted: expired. "));
        assert_eq!(matching_trigger(&["timeout".to_owned()], &untrusted), Some("timeout".into()));
    }
}
