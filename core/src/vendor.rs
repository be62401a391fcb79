//! The vendors Logdeck reads, as one list: the `config.json` key, the name people
//! know, the auth header, the official base URLs and the collection types.
//!
//! Everything that differs per vendor starts here, and every `match` on [`Vendor`]
//! is exhaustive, so adding a variant makes the compiler list each place (the
//! connection form, the relay's allowlist, config parsing, sources) that must learn
//! about it. See ARCHITECTURE.md, "Add a vendor".

use serde::{Deserialize, Serialize};

use crate::config::Secret;
use crate::keyed_enum;
use crate::model::CollectionType;

keyed_enum! {
    /// A vendor whose log APIs Logdeck reads. Its key is the `vendor` value of
    /// `config.json` and of the relay's configuration.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
    #[serde(rename_all = "lowercase")]
    pub enum Vendor {
        Make = ("make", "Make"),
        Dify = ("dify", "Dify"),
        Aitronos = ("aitronos", "Aitronos"),
    }
}

/// How a vendor expects its key: header name and the prefix before the key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuthScheme {
    pub header: &'static str,
    /// Written before the key, e.g. `"Token "`; empty when the key stands alone.
    pub prefix: &'static str,
}

impl AuthScheme {
    /// The header a request carries for `key`.
    pub fn header_for(self, key: &Secret) -> (String, String) {
        (
            self.header.to_owned(),
            format!("{}{}", self.prefix, key.expose()),
        )
    }

    /// The key a header value carries, if it has this scheme's prefix.
    pub fn key_in(self, value: &str) -> Option<&str> {
        value.strip_prefix(self.prefix)
    }
}

impl Vendor {
    /// Every vendor, in the order the connection form offers them.
    pub fn all() -> impl Iterator<Item = Vendor> {
        Vendor::ALL.into_iter()
    }

    /// The header the vendor's specs declare for the key.
    pub fn auth(self) -> AuthScheme {
        match self {
            Vendor::Make => AuthScheme {
                header: "Authorization",
                prefix: "Token ",
            },
            Vendor::Dify => AuthScheme {
                header: "Authorization",
                prefix: "Bearer ",
            },
            Vendor::Aitronos => AuthScheme {
                header: "X-API-Key",
                prefix: "",
            },
        }
    }

    /// The vendor's documented public base URLs (Make: one per zone); the first is
    /// the connection form's default. Self-hosted instances and the relay add their own.
    pub fn official_base_urls(self) -> &'static [&'static str] {
        match self {
            Vendor::Make => &[
                "https://eu1.make.com/api/v2",
                "https://eu2.make.com/api/v2",
                "https://us1.make.com/api/v2",
                "https://us2.make.com/api/v2",
                "https://eu1.make.celonis.com/api/v2",
                "https://us1.make.celonis.com/api/v2",
            ],
            Vendor::Dify => &["https://api.dify.ai/v1"],
            Vendor::Aitronos => &["https://api.aitronos.com"],
        }
    }

    /// The collection types a connection of this vendor can yield.
    pub fn collection_types(self) -> &'static [CollectionType] {
        match self {
            Vendor::Make => &[CollectionType::MakeScenarios, CollectionType::MakeAudit],
            Vendor::Dify => &[CollectionType::DifyWorkflows],
            Vendor::Aitronos => &[CollectionType::AitronosConnectors],
        }
    }

    /// Calls a minute a connection makes when its own figure is not given: Make's
    /// smallest plan (Core, 60 per organisation); Dify and Aitronos document none,
    /// so a pace no public instance is known to refuse.
    pub fn default_calls_per_minute(self) -> u32 {
        match self {
            Vendor::Make => 60,
            Vendor::Dify | Vendor::Aitronos => 120,
        }
    }

    /// Whether the vendor's API answers browser calls from another origin (CORS).
    /// Those that do not must be reached through the relay.
    pub fn allows_browser_calls(self) -> bool {
        match self {
            // Make documents no CORS; Aitronos documents none either.
            Vendor::Make | Vendor::Aitronos => false,
            Vendor::Dify => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_and_unknown_keys_are_refused() {
        for vendor in Vendor::all() {
            assert_eq!(Vendor::from_key(vendor.key()), Some(vendor));
            let json = serde_json::to_string(&vendor).unwrap();
            assert_eq!(json, format!("\"{}\"", vendor.key()));
        }
        assert_eq!(Vendor::from_key("zapier"), None);
        assert_eq!(Vendor::from_key("Make"), None, "keys are lower case");
        let keys: Vec<&str> = Vendor::all().map(Vendor::key).collect();
        assert_eq!(keys, ["make", "dify", "aitronos"]);
    }

    #[test]
    fn auth_headers_follow_the_specs() {
        let key = Secret::new("k-1");
        assert_eq!(
            Vendor::Make.auth().header_for(&key),
            ("Authorization".to_owned(), "Token k-1".to_owned())
        );
        assert_eq!(
            Vendor::Dify.auth().header_for(&key),
            ("Authorization".to_owned(), "Bearer k-1".to_owned())
        );
        assert_eq!(
            Vendor::Aitronos.auth().header_for(&key),
            ("X-API-Key".to_owned(), "k-1".to_owned())
        );
        assert_eq!(Vendor::Make.auth().key_in("Token abc"), Some("abc"));
        assert_eq!(Vendor::Make.auth().key_in("Bearer abc"), None);
    }

    #[test]
    fn every_collection_type_but_files_belongs_to_one_vendor() {
        for kind in CollectionType::ALL {
            let owners = Vendor::all()
                .filter(|v| v.collection_types().contains(&kind))
                .count();
            let expected = usize::from(kind != CollectionType::ApiPlatform);
            assert_eq!(owners, expected, "{kind:?}");
        }
    }
}
