//! The vendor API bases the relay reaches with no operator setup (the official
//! ones, plus any the operator names), and how a connection to one of them is
//! routed: straight from the browser where the vendor allows it (CORS), through
//! `/relay/vendor/{host}/{path}` where it does not. The server and the app read
//! the same list, so the relay, the routing and the page's CSP agree.

use serde::{Deserialize, Serialize};

use crate::base_url::BaseUrl;
use crate::vendor::Vendor;

/// The relay path prefix for vendor hosts; no configured upstream may be named
/// `vendor`.
pub const RELAY_PREFIX: &str = "/relay/vendor";

/// One API base: the vendor and its base URL (scheme, host, port and path).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VendorHost {
    pub vendor: Vendor,
    pub base_url: String,
}

impl VendorHost {
    /// The vendors' documented bases (every Make zone, Dify cloud, Aitronos).
    pub fn official() -> Vec<VendorHost> {
        Vendor::all()
            .flat_map(|vendor| {
                vendor
                    .official_base_urls()
                    .iter()
                    .map(move |base| VendorHost {
                        vendor,
                        base_url: (*base).to_owned(),
                    })
            })
            .collect()
    }

    fn url(&self) -> Option<BaseUrl> {
        BaseUrl::parse(&self.base_url)
    }

    /// `host[:port]` as it appears in the relay path.
    pub fn authority(&self) -> Option<String> {
        Some(self.url()?.authority())
    }

    /// The base's path without a trailing slash (`/api/v2`, or empty).
    pub fn base_path(&self) -> Option<String> {
        Some(self.url()?.path)
    }

    /// Where the browser sends calls for `base_url` when it lies under this host:
    /// the base itself if the vendor allows browser calls, the relay otherwise.
    fn route(&self, vendor: Vendor, base_url: &str) -> Option<String> {
        if vendor != self.vendor {
            return None;
        }
        let wanted = BaseUrl::parse(base_url)?;
        let known = self.url()?;
        let rest = wanted.path.strip_prefix(&known.path)?;
        if !wanted.same_origin(&known) || !(rest.is_empty() || rest.starts_with('/')) {
            return None;
        }
        if vendor.allows_browser_calls() {
            return Some(base_url.trim().trim_end_matches('/').to_owned());
        }
        Some(format!(
            "{RELAY_PREFIX}/{}{}",
            known.authority(),
            wanted.path
        ))
    }
}

/// The official base a connection routed through the relay stands for
/// (`/relay/vendor/eu1.make.com/api/v2` is `https://eu1.make.com/api/v2`):
/// what [`VendorHost::route`] made of it, read back, for links to the
/// vendor's own pages. `None` for a base not routed so, or not official.
pub fn official_base(vendor: Vendor, base_url: &str) -> Option<String> {
    let direct = match base_url.strip_prefix(RELAY_PREFIX) {
        Some(relayed) => format!("https://{}", relayed.strip_prefix('/')?),
        None => base_url.to_owned(),
    };
    vendor
        .official_base_urls()
        .contains(&direct.as_str())
        .then_some(direct)
}

/// What `config.json` says about vendor hosts: the relay's prefix, when this
/// server relays them, and the hosts it knows.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VendorRelay {
    /// `/relay/vendor` when the server relays vendor hosts; `None` otherwise.
    #[serde(default)]
    pub path: Option<String>,
    #[serde(default)]
    pub hosts: Vec<VendorHost>,
}

impl VendorRelay {
    /// The URL the browser should use for a connection to `base_url`: unchanged
    /// unless it lies under a known host of a vendor that blocks browser calls
    /// and this server relays them.
    pub fn route(&self, vendor: Vendor, base_url: &str) -> String {
        let relayed = self.path.is_some() || vendor.allows_browser_calls();
        self.hosts
            .iter()
            .filter(|_| relayed)
            .find_map(|host| host.route(vendor, base_url))
            .unwrap_or_else(|| base_url.to_owned())
    }

    /// Whether `base_url` is a host this server reaches for `vendor`.
    pub fn knows(&self, vendor: Vendor, base_url: &str) -> bool {
        self.hosts
            .iter()
            .any(|host| host.route(vendor, base_url).is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_routed_official_base_reads_back_as_itself_and_no_other_does() {
        let routed = relaying().route(Vendor::Make, "https://eu1.make.com/api/v2");
        assert_eq!(
            official_base(Vendor::Make, &routed).as_deref(),
            Some("https://eu1.make.com/api/v2")
        );
        assert_eq!(
            official_base(Vendor::Make, "https://us2.make.com/api/v2").as_deref(),
            Some("https://us2.make.com/api/v2")
        );
        for other in [
            "/relay/vendor/127.0.0.1:9300/demo/make/api/v2",
            "/relay/make-eu1",
            "https://make.example.com/api/v2",
            "/relay/vendor",
        ] {
            assert_eq!(official_base(Vendor::Make, other), None, "{other}");
        }
        assert_eq!(
            official_base(Vendor::Dify, &routed),
            None,
            "another vendor's"
        );
    }

    fn relaying() -> VendorRelay {
        VendorRelay {
            path: Some(RELAY_PREFIX.into()),
            hosts: VendorHost::official(),
        }
    }

    #[test]
    fn make_zones_go_through_the_relay_and_dify_cloud_goes_direct() {
        let relay = relaying();
        assert_eq!(
            relay.route(Vendor::Make, "https://eu1.make.com/api/v2"),
            "/relay/vendor/eu1.make.com/api/v2"
        );
        assert_eq!(
            relay.route(Vendor::Make, "https://us2.make.com/api/v2/"),
            "/relay/vendor/us2.make.com/api/v2"
        );
        assert_eq!(
            relay.route(Vendor::Aitronos, "https://api.aitronos.com"),
            "/relay/vendor/api.aitronos.com"
        );
        assert_eq!(
            relay.route(Vendor::Dify, "https://api.dify.ai/v1"),
            "https://api.dify.ai/v1"
        );
    }

    #[test]
    fn unknown_hosts_lookalikes_and_other_vendors_bases_stay_as_they_are() {
        let relay = relaying();
        for (vendor, base) in [
            (Vendor::Make, "https://make.example.com/api/v2"),
            (Vendor::Make, "https://eu1.make.com.evil.example/api/v2"),
            (Vendor::Make, "http://eu1.make.com/api/v2"),
            (Vendor::Make, "https://eu1.make.com/api/v2x"),
            (Vendor::Make, "https://api.aitronos.com"),
            (Vendor::Make, "/relay/make-eu1"),
            (Vendor::Make, "not a url"),
        ] {
            assert_eq!(relay.route(vendor, base), base, "{base}");
            assert!(!relay.knows(vendor, base), "{base}");
        }
    }

    #[test]
    fn every_official_base_is_read_and_routed_through_the_relay_by_its_authority() {
        let relay = relaying();
        for host in VendorHost::official() {
            let authority = host.authority().unwrap_or_default();
            assert!(!authority.is_empty(), "{}", host.base_url);
            let routed = relay.route(host.vendor, &host.base_url);
            if host.vendor.allows_browser_calls() {
                assert_eq!(routed, host.base_url.trim_end_matches('/'));
            } else {
                assert!(
                    routed.starts_with(&format!("{RELAY_PREFIX}/{authority}")),
                    "{routed}"
                );
            }
        }
    }

    #[test]
    fn without_a_relay_nothing_is_rewritten() {
        let direct = VendorRelay {
            path: None,
            hosts: VendorHost::official(),
        };
        let make = "https://eu1.make.com/api/v2";
        assert_eq!(direct.route(Vendor::Make, make), make);
        assert!(direct.knows(Vendor::Make, make));
    }

    #[test]
    fn an_operator_named_host_with_a_port_is_routed_by_authority() {
        let relay = VendorRelay {
            path: Some(RELAY_PREFIX.into()),
            hosts: vec![VendorHost {
                vendor: Vendor::Make,
                base_url: "http://127.0.0.1:9300/demo/make/api/v2".into(),
            }],
        };
        assert_eq!(
            relay.route(Vendor::Make, "http://127.0.0.1:9300/demo/make/api/v2"),
            "/relay/vendor/127.0.0.1:9300/demo/make/api/v2"
        );
    }
}
