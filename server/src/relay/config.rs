//! The relay's configuration: the operator's allowlist of upstreams, from a TOML
//! file and/or `--upstream` flags, and the limits every relayed call obeys.

use std::time::Duration;

use logdeck_core::vendor::Vendor;
use serde::Deserialize;
use serde_json::{json, Value};
use url::Url;

use logdeck_core::base_url::BaseUrl;
use logdeck_core::vendor_hosts::{VendorHost, VendorRelay, RELAY_PREFIX};

/// How the app reaches an upstream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Through `/relay/{name}/…` on this server (vendors without browser CORS).
    #[default]
    Relay,
    /// Straight from the browser (vendors that allow CORS, like Dify's service API).
    Direct,
}

/// One allowlisted upstream.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Upstream {
    /// Path segment under `/relay/`: lowercase letters, digits and `-`.
    pub name: String,
    /// What the app's connection speaks (`make`, `dify`, `aitronos`: the core's list).
    pub vendor: Vendor,
    /// What people see; defaults to the name.
    #[serde(default)]
    pub label: Option<String>,
    pub base_url: Url,
    #[serde(default)]
    pub mode: Mode,
    /// Extra connection fields for `config.json` (organizationId, teamId, scenarios…).
    /// Keys are never configured here: users supply them in the browser.
    #[serde(default)]
    pub connection: toml::Table,
}

/// Bounds on every relayed call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// For the whole call, headers and body.
    pub timeout: Duration,
    /// No answer larger than this is passed on, however it is sent.
    pub max_response_bytes: usize,
    pub max_uri_bytes: usize,
    /// Answers up to this size are read whole first, so a failure mid-body still
    /// gets a status; larger ones stream through, and a failure cuts them off.
    pub buffered_bytes: usize,
    /// Relayed calls at once; more get 503 with `Retry-After`.
    pub max_concurrent: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            timeout: Duration::from_secs(30),
            max_response_bytes: 32 * 1024 * 1024,
            max_uri_bytes: 8 * 1024,
            buffered_bytes: 256 * 1024,
            max_concurrent: 32,
        }
    }
}

/// The whole relay configuration.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RelayConfig {
    pub upstreams: Vec<Upstream>,
    pub limits: Limits,
    /// `--allow-insecure-upstream`: `http://` to hosts other than loopback.
    pub allow_insecure_upstream: bool,
    /// `--upstream-proxy`: the only proxy relayed calls ever use.
    pub upstream_proxy: Option<Url>,
    /// The vendors' official API bases plus `--vendor-host` ones: users' own
    /// connections to them work with no further setup.
    pub vendor_hosts: Vec<VendorHost>,
    /// Whether `/relay/vendor/{host}/…` relays them (vendors that refuse browser
    /// calls); off with `--no-vendor-relay`, or beyond loopback without a token.
    pub relays_vendor_hosts: bool,
}

#[derive(Deserialize)]
struct FileLimits {
    timeout_seconds: Option<u64>,
    max_response_bytes: Option<usize>,
    max_concurrent: Option<usize>,
}

#[derive(Deserialize)]
struct File {
    #[serde(default)]
    upstream: Vec<Upstream>,
    limits: Option<FileLimits>,
}

/// Parts of a field name that mark it as a secret.
const SECRET_WORDS: [&str; 6] = ["token", "key", "secret", "password", "credential", "auth"];

impl RelayConfig {
    /// Reads a TOML file's text.
    pub fn from_toml(text: &str) -> Result<RelayConfig, String> {
        let file: File = toml::from_str(text).map_err(|e| format!("relay configuration: {e}"))?;
        let mut limits = Limits::default();
        if let Some(file_limits) = file.limits {
            if let Some(seconds) = file_limits.timeout_seconds {
                limits.timeout = Duration::from_secs(seconds.max(1));
            }
            if let Some(bytes) = file_limits.max_response_bytes {
                limits.max_response_bytes = bytes;
            }
            if let Some(calls) = file_limits.max_concurrent {
                limits.max_concurrent = calls.max(1);
            }
        }
        let config = RelayConfig {
            upstreams: file.upstream,
            limits,
            ..RelayConfig::default()
        };
        config.validate()?;
        Ok(config)
    }

    /// Adds `--upstream NAME,VENDOR,URL`.
    pub fn add_flag(&mut self, flag: &str) -> Result<(), String> {
        let mut parts = flag.splitn(3, ',');
        let (Some(name), Some(vendor), Some(url)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(format!("--upstream {flag:?}: expected NAME,VENDOR,URL"));
        };
        let base_url = Url::parse(url).map_err(|e| format!("--upstream {flag:?}: {e}"))?;
        let vendor = Vendor::from_key(vendor).ok_or_else(|| {
            let known: Vec<&str> = Vendor::all().map(Vendor::key).collect();
            format!(
                "--upstream {flag:?}: vendor must be one of {}",
                known.join(", ")
            )
        })?;
        self.upstreams.push(Upstream {
            name: name.to_owned(),
            vendor,
            label: None,
            base_url,
            mode: Mode::Relay,
            connection: toml::Table::new(),
        });
        self.validate()
    }

    /// Adds the upstreams of another source of configuration (a file after
    /// flags, say), checking the union: a name given twice is refused.
    pub fn merge(&mut self, other: RelayConfig) -> Result<(), String> {
        self.upstreams.extend(other.upstreams);
        // A file without `[limits]` keeps the limits given before it.
        if other.limits != Limits::default() {
            self.limits = other.limits;
        }
        self.validate()
    }

    fn validate(&self) -> Result<(), String> {
        for (index, upstream) in self.upstreams.iter().enumerate() {
            let valid_name = !upstream.name.is_empty()
                && upstream
                    .name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if !valid_name {
                return Err(format!(
                    "upstream {:?}: names use a-z, 0-9 and -",
                    upstream.name
                ));
            }
            if self.upstreams[..index]
                .iter()
                .any(|u| u.name == upstream.name)
            {
                return Err(format!("upstream {:?} is listed twice", upstream.name));
            }
            if upstream.name == "vendor" {
                return Err(
                    "upstream \"vendor\": the name is taken by the vendors' own hosts".to_owned(),
                );
            }
            if !matches!(upstream.base_url.scheme(), "https" | "http")
                || upstream.base_url.host_str().is_none()
            {
                return Err(format!(
                    "upstream {:?}: the base URL must be http(s) with a host",
                    upstream.name
                ));
            }
            if upstream.base_url.query().is_some() || !upstream.base_url.username().is_empty() {
                return Err(format!(
                    "upstream {:?}: no query or credentials in the base URL",
                    upstream.name
                ));
            }
            // `[upstream.connection]` is published in config.json: nothing that
            // looks like a secret may be there, whatever its case.
            let secret = upstream.connection.keys().find(|field| {
                let field = field.to_ascii_lowercase();
                SECRET_WORDS.iter().any(|word| field.contains(word))
            });
            if let Some(field) = secret {
                return Err(format!(
                    "upstream {:?}: `{field}` looks like a secret, and [upstream.connection] is \
                     published in config.json; keys stay with each user (or, for the archive, \
                     in the server's environment)",
                    upstream.name
                ));
            }
        }
        Ok(())
    }

    /// Keys travel in headers: over `http://` they would cross the network in
    /// clear, so only loopback upstreams may use it unless the operator says so.
    pub fn check_transport(&self) -> Result<(), String> {
        if self.allow_insecure_upstream {
            return Ok(());
        }
        let in_clear = |url: &Url| {
            url.scheme() == "http" && !matches!(url.host(), Some(host) if is_loopback(&host))
        };
        let upstreams = self
            .upstreams
            .iter()
            .map(|u| (u.name.clone(), u.base_url.clone()));
        let hosts = self.vendor_hosts.iter().filter_map(|h| {
            Some((
                format!("--vendor-host {}", h.base_url),
                h.base_url.parse().ok()?,
            ))
        });
        match upstreams.chain(hosts).find(|(_, url)| in_clear(url)) {
            Some((name, url)) => Err(format!(
                "upstream {name:?}: http:// would send keys in clear to {}; use https://, or \
                 --allow-insecure-upstream on a network you trust",
                url.host_str().unwrap_or("?")
            )),
            None => Ok(()),
        }
    }

    /// `--vendor-host VENDOR,URL`: one more base users' connections may reach.
    pub fn add_vendor_host(&mut self, flag: &str) -> Result<(), String> {
        let Some((vendor, url)) = flag.split_once(',') else {
            return Err(format!("--vendor-host {flag:?}: expected VENDOR,URL"));
        };
        let vendor = Vendor::from_key(vendor)
            .ok_or_else(|| format!("--vendor-host {flag:?}: unknown vendor {vendor:?}"))?;
        let parsed = Url::parse(url).map_err(|e| format!("--vendor-host {flag:?}: {e}"))?;
        if !matches!(parsed.scheme(), "https" | "http") || parsed.query().is_some() {
            return Err(format!(
                "--vendor-host {flag:?}: an http(s) base URL with no query"
            ));
        }
        if BaseUrl::parse(url).is_none() {
            return Err(format!(
                "--vendor-host {flag:?}: the host must be a name of ASCII letters, digits, dots and \
                 hyphens (no xn-- labels or underscores) or an IPv4 address (not IPv6), with no \
                 user, %-escapes or . segments in the path"
            ));
        }
        self.vendor_hosts.push(VendorHost {
            vendor,
            base_url: url.trim_end_matches('/').to_owned(),
        });
        Ok(())
    }

    /// The `vendorRelay` entry of `config.json`.
    pub fn vendor_relay(&self) -> VendorRelay {
        VendorRelay {
            path: self.relays_vendor_hosts.then(|| RELAY_PREFIX.to_owned()),
            hosts: self.vendor_hosts.clone(),
        }
    }

    /// The known vendor host `/relay/vendor/{rest}` names, as an upstream, and
    /// the path under its base.
    pub fn vendor_upstream<'a>(&self, rest: &'a str) -> Option<(Upstream, &'a str)> {
        if !self.relays_vendor_hosts {
            return None;
        }
        let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
        self.vendor_hosts
            .iter()
            .filter(|host| !host.vendor.allows_browser_calls())
            .filter(|host| host.authority().as_deref() == Some(authority))
            .find_map(|host| {
                let base = host.base_path()?;
                let under = format!("/{path}");
                let rest = under.strip_prefix(&base)?;
                if !(rest.is_empty() || rest.starts_with('/')) {
                    return None;
                }
                let upstream = Upstream {
                    name: format!("vendor host {authority}"),
                    vendor: host.vendor,
                    label: None,
                    base_url: Url::parse(&host.base_url).ok()?,
                    mode: Mode::Relay,
                    connection: toml::Table::new(),
                };
                let tail = rest.strip_prefix('/').unwrap_or(rest);
                Some((upstream, &path[path.len() - tail.len()..]))
            })
    }

    pub fn find(&self, name: &str) -> Option<&Upstream> {
        self.upstreams.iter().find(|u| u.name == name)
    }

    /// `config.json` connections: the app lists the operator's sources, pointing
    /// at the relay or straight at the vendor, without keys.
    pub fn connections(&self) -> Vec<Value> {
        self.upstreams
            .iter()
            .map(|upstream| {
                let base = match upstream.mode {
                    Mode::Relay => format!("/relay/{}", upstream.name),
                    Mode::Direct => upstream.base_url.as_str().trim_end_matches('/').to_owned(),
                };
                let mut connection =
                    serde_json::to_value(&upstream.connection).unwrap_or_else(|_| json!({}));
                if let Some(object) = connection.as_object_mut() {
                    object.insert("vendor".into(), json!(upstream.vendor.key()));
                    object.insert("id".into(), json!(upstream.name));
                    object.insert(
                        "name".into(),
                        json!(upstream
                            .label
                            .clone()
                            .unwrap_or_else(|| upstream.name.clone())),
                    );
                    object.insert("baseUrl".into(), json!(base));
                }
                connection
            })
            .collect()
    }

    /// Origins the browser calls directly, for the CSP's `connect-src`: direct-mode
    /// upstreams and the vendor hosts of vendors that allow browser calls.
    pub fn direct_origins(&self) -> Vec<String> {
        let upstreams = self
            .upstreams
            .iter()
            .filter(|u| u.mode == Mode::Direct)
            .map(|u| u.base_url.origin().ascii_serialization());
        let hosts = self
            .vendor_hosts
            .iter()
            .filter(|h| h.vendor.allows_browser_calls())
            .filter_map(|h| Url::parse(&h.base_url).ok())
            .map(|url| url.origin().ascii_serialization());
        let mut origins: Vec<String> = upstreams.chain(hosts).collect();
        origins.dedup();
        origins
    }
}

pub(crate) fn is_loopback(host: &url::Host<&str>) -> bool {
    match host {
        url::Host::Domain(name) => name.eq_ignore_ascii_case("localhost"),
        url::Host::Ipv4(ip) => ip.is_loopback(),
        url::Host::Ipv6(ip) => ip.is_loopback(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = r#"
        [limits]
        timeout_seconds = 5

        [[upstream]]
        name = "make-eu1"
        vendor = "make"
        label = "Make EU1"
        base_url = "https://eu1.make.com/api/v2"
        [upstream.connection]
        organizationId = 123
        scenarios = [{ id = 1, name = "Sync" }]

        [[upstream]]
        name = "dify"
        vendor = "dify"
        base_url = "https://api.dify.ai/v1"
        mode = "direct"
    "#;

    #[test]
    fn a_file_lists_upstreams_and_becomes_config_json() {
        let config = RelayConfig::from_toml(EXAMPLE).unwrap();
        assert_eq!(config.limits.timeout, Duration::from_secs(5));
        let connections = config.connections();
        assert_eq!(connections[0]["baseUrl"], "/relay/make-eu1");
        assert_eq!(connections[0]["organizationId"], 123);
        assert_eq!(connections[0]["scenarios"][0]["name"], "Sync");
        assert_eq!(connections[0]["name"], "Make EU1");
        assert_eq!(connections[1]["baseUrl"], "https://api.dify.ai/v1");
        assert_eq!(config.direct_origins(), ["https://api.dify.ai"]);
    }

    #[test]
    fn bad_entries_are_refused_with_a_reason() {
        let bad =
            |entry: &str| RelayConfig::from_toml(&format!("[[upstream]]\n{entry}")).unwrap_err();
        assert!(
            bad("name = \"Make\"\nvendor = \"make\"\nbase_url = \"https://x.io\"").contains("a-z")
        );
        assert!(
            bad("name = \"m\"\nvendor = \"zapier\"\nbase_url = \"https://x.io\"")
                .contains("vendor")
        );
        assert!(bad("name = \"m\"\nvendor = \"make\"\nbase_url = \"ftp://x.io\"").contains("http"));
        assert!(
            bad("name = \"m\"\nvendor = \"make\"\nbase_url = \"https://u:p@x.io\"")
                .contains("credentials")
        );
        assert!(bad("name = \"m\"\nvendor = \"make\"\nbase_url = \"https://x.io\"\n[upstream.connection]\ntoken = \"t\"").contains("token"));
        for secret in ["apiKey", "Token", "client_secret", "PASSWORD", "authHeader"] {
            let entry = format!("name = \"m\"\nvendor = \"make\"\nbase_url = \"https://x.io\"\n[upstream.connection]\n{secret} = \"t\"");
            assert!(bad(&entry).contains("looks like a secret"), "{secret}");
        }
        let mut config = RelayConfig::default();
        config
            .add_flag("a,make,https://eu1.make.com/api/v2")
            .unwrap();
        assert!(config
            .add_flag("a,make,https://eu2.make.com/api/v2")
            .unwrap_err()
            .contains("twice"));
        assert!(config.add_flag("nonsense").is_err());
        let file = RelayConfig::from_toml(
            "[[upstream]]\nname = \"a\"\nvendor = \"dify\"\nbase_url = \"https://api.dify.ai/v1\"",
        )
        .unwrap();
        assert!(
            config.merge(file).unwrap_err().contains("twice"),
            "flag then file"
        );
        let mut first = RelayConfig::from_toml(EXAMPLE).unwrap();
        let second = RelayConfig::from_toml(
            "[[upstream]]\nname = \"b\"\nvendor = \"dify\"\nbase_url = \"https://api.dify.ai/v1\"",
        )
        .unwrap();
        first.merge(second).unwrap();
        assert_eq!(
            first.limits.timeout,
            Duration::from_secs(5),
            "a later file without [limits] keeps the earlier ones"
        );
    }

    #[test]
    fn vendors_that_allow_browser_calls_are_in_the_csp_and_the_others_relayed() {
        let mut config = RelayConfig::from_toml(EXAMPLE).unwrap();
        config.vendor_hosts = VendorHost::official();
        assert_eq!(
            config.direct_origins(),
            ["https://api.dify.ai"],
            "deduplicated"
        );
        assert!(
            config
                .vendor_upstream("eu1.make.com/api/v2/scenarios")
                .is_none(),
            "off"
        );
        config.relays_vendor_hosts = true;
        let (upstream, path) = config
            .vendor_upstream("eu1.make.com/api/v2/scenarios")
            .unwrap();
        assert_eq!(upstream.base_url.as_str(), "https://eu1.make.com/api/v2");
        assert_eq!(path, "scenarios");
        assert!(config.add_vendor_host("zapier,https://x.io").is_err());
        let odd = config.add_vendor_host("make,https://ops@make.internal.example/api/v2");
        assert!(odd.unwrap_err().contains("ASCII letters"));
        config
            .add_vendor_host("dify,http://dify.internal.example/v1")
            .unwrap();
        assert!(config.check_transport().unwrap_err().contains("in clear"));
        let named_vendor = RelayConfig::from_toml(
            "[[upstream]]\nname = \"vendor\"\nvendor = \"make\"\nbase_url = \"https://x.io\"",
        );
        assert!(named_vendor.unwrap_err().contains("taken"));
    }

    #[test]
    fn plain_http_only_to_loopback_unless_the_operator_says_so() {
        let mut config = RelayConfig::default();
        for flag in [
            "a,make,http://127.0.0.1:9000/api/v2",
            "b,make,http://localhost:9000/api/v2",
            "c,make,http://[::1]:9000/api/v2",
            "d,make,https://eu1.make.com/api/v2",
        ] {
            config.add_flag(flag).unwrap();
        }
        assert_eq!(config.check_transport(), Ok(()));
        config
            .add_flag("e,make,http://eu1.make.com/api/v2")
            .unwrap();
        assert!(config.check_transport().unwrap_err().contains("in clear"));
        config.allow_insecure_upstream = true;
        assert_eq!(config.check_transport(), Ok(()));
    }
}
