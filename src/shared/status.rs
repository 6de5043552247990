//! How a webhook's state reads to an administrator.

use webhooks_api::WebhookResponse;

/// The one status shown for a webhook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebhookStatus {
    /// Enabled and not suspended: events are delivered.
    Active,
    /// Turned off by an administrator.
    Disabled,
    /// Stopped by EC after failures; needs an unsuspend.
    Suspended,
}

impl WebhookStatus {
    /// Suspension wins over disabled: it is the state that needs action.
    pub fn of(webhook: &WebhookResponse) -> Self {
        if webhook.suspended {
            Self::Suspended
        } else if webhook.enabled {
            Self::Active
        } else {
            Self::Disabled
        }
    }

    /// The word shown in the table.
    pub fn label(self) -> &'static str {
        match self {
            Self::Active => "Active",
            Self::Disabled => "Disabled",
            Self::Suspended => "Suspended",
        }
    }

    /// The CSS modifier of the status badge.
    pub fn css_class(self) -> &'static str {
        match self {
            Self::Active => "badge badge-active",
            Self::Disabled => "badge badge-disabled",
            Self::Suspended => "badge badge-suspended",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use webhooks_api::{EndpointResponse, FailureHandlingResponse};

    fn webhook(enabled: bool, suspended: bool) -> WebhookResponse {
        WebhookResponse {
            locator: "01JD8Z6Q4V3N5K7M9P1R2S3T4V".parse().unwrap(),
            name: "n".into(),
            enabled,
            endpoint: EndpointResponse {
                url: "https://e.com".into(),
                headers: Default::default(),
                security: Default::default(),
            },
            failure_handling: FailureHandlingResponse::default(),
            suspended,
            suspended_at: None,
            event_types: vec![],
        }
    }

    #[test]
    fn status_reflects_enabled_and_suspended() {
        assert_eq!(WebhookStatus::of(&webhook(true, false)), WebhookStatus::Active);
        assert_eq!(WebhookStatus::of(&webhook(false, false)), WebhookStatus::Disabled);
        assert_eq!(WebhookStatus::of(&webhook(true, true)), WebhookStatus::Suspended);
        assert_eq!(WebhookStatus::of(&webhook(false, true)), WebhookStatus::Suspended);
    }
}
