//! Typed identifiers: a tenant is a UUID, a webhook or event is a ULID.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Why a path segment is not a valid locator.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LocatorError {
    /// The text is not a UUID (`8-4-4-4-12` hexadecimal digits).
    #[error("\"{0}\" is not a tenant locator: expected a UUID such as 3f2c8a4e-1b7d-4c1e-9a55-0c6f1e2d3b4a")]
    NotUuid(String),
    /// The text is not a ULID (26 characters of Crockford base32).
    #[error("\"{0}\" is not a locator: expected a ULID of 26 characters such as 01JD8Z6Q4V3N5K7M9P1R2S3T4V")]
    NotUlid(String),
}

/// The locator of a tenant: a UUID, written in its hyphenated lower-case form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TenantLocator(uuid::Uuid);

impl TenantLocator {
    /// Wraps a UUID.
    pub fn from_uuid(uuid: uuid::Uuid) -> Self {
        Self(uuid)
    }

    /// The UUID inside.
    pub fn as_uuid(&self) -> uuid::Uuid {
        self.0
    }
}

impl FromStr for TenantLocator {
    type Err = LocatorError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        // Only the hyphenated form is a locator; braces, URNs and bare hex are not.
        if text.len() != 36 {
            return Err(LocatorError::NotUuid(text.to_owned()));
        }
        uuid::Uuid::try_parse(text).map(Self).map_err(|_| LocatorError::NotUuid(text.to_owned()))
    }
}

impl fmt::Display for TenantLocator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}

/// The locator of a webhook or an event: a ULID (time-ordered).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Locator(ulid::Ulid);

impl Locator {
    /// Wraps a ULID.
    pub fn from_ulid(ulid: ulid::Ulid) -> Self {
        Self(ulid)
    }

    /// The ULID inside.
    pub fn as_ulid(&self) -> ulid::Ulid {
        self.0
    }
}

impl FromStr for Locator {
    type Err = LocatorError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        ulid::Ulid::from_string(text).map(Self).map_err(|_| LocatorError::NotUlid(text.to_owned()))
    }
}

impl fmt::Display for Locator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Serializes and deserializes a locator as its text form, rejecting bad input.
macro_rules! text_serde {
    ($type:ty) => {
        impl Serialize for $type {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        impl<'de> Deserialize<'de> for $type {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

text_serde!(TenantLocator);
text_serde!(Locator);

/// OpenAPI schemas: both are strings with a format.
#[cfg(feature = "openapi")]
mod schema {
    use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaFormat, Type};
    use utoipa::openapi::RefOr;

    fn string_with_format(format: &str, example: &str) -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::Custom(format.to_owned())))
            .examples([example])
            .into()
    }

    impl utoipa::PartialSchema for super::TenantLocator {
        fn schema() -> RefOr<Schema> {
            string_with_format("uuid", "3f2c8a4e-1b7d-4c1e-9a55-0c6f1e2d3b4a")
        }
    }
    impl utoipa::ToSchema for super::TenantLocator {}

    impl utoipa::PartialSchema for super::Locator {
        fn schema() -> RefOr<Schema> {
            string_with_format("ulid", "01JD8Z6Q4V3N5K7M9P1R2S3T4V")
        }
    }
    impl utoipa::ToSchema for super::Locator {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenant_locator_accepts_hyphenated_uuid_only() {
        let good = "3f2c8a4e-1b7d-4c1e-9a55-0c6f1e2d3b4a";
        assert_eq!(good.parse::<TenantLocator>().unwrap().to_string(), good);
        for bad in [
            "",
            "3f2c8a4e1b7d4c1e9a550c6f1e2d3b4a",
            "{3f2c8a4e-1b7d-4c1e-9a55-0c6f1e2d3b4a}",
            "3f2c8a4e-1b7d-4c1e-9a55-0c6f1e2d3b4g",
            "not-a-uuid",
        ] {
            assert!(bad.parse::<TenantLocator>().is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn locator_accepts_ulid_and_rejects_the_rest() {
        let good = "01JD8Z6Q4V3N5K7M9P1R2S3T4V";
        assert_eq!(good.parse::<Locator>().unwrap().to_string(), good);
        for bad in ["", "01JD8Z6Q4V3N5K7M9P1R2S3T4", "01JD8Z6Q4V3N5K7M9P1R2S3T4VX", "01JD8Z6Q4V3N5K7M9P1R2S3T4U!"] {
            assert!(bad.parse::<Locator>().is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn locators_round_trip_through_json() {
        let locator: Locator = serde_json::from_str("\"01JD8Z6Q4V3N5K7M9P1R2S3T4V\"").unwrap();
        assert_eq!(serde_json::to_string(&locator).unwrap(), "\"01JD8Z6Q4V3N5K7M9P1R2S3T4V\"");
        assert!(serde_json::from_str::<TenantLocator>("\"nope\"").is_err());
    }
}
