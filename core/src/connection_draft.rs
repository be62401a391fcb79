//! The connection form's contents as plain data, and the rules that turn them into a
//! [`Connection`]: the form only shows fields and reports what this module says.

use std::fmt;

use crate::adapters::make_scenarios::ScenarioOwner;
use crate::base_url::BaseUrl;
use crate::config::{AitronosConnection, Connection, DifyConnection, MakeConnection, ScenarioRef};
use crate::vendor::Vendor;
use crate::vendor_hosts::VendorRelay;

/// What the person has typed so far, field by field, as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionDraft {
    pub vendor: Vendor,
    pub name: String,
    pub base_url: String,
    /// Make: the organization whose audit log is read; Aitronos: the organization id.
    pub organization: String,
    /// Make: the team whose scenarios are listed (and whose audit log is read).
    pub team: String,
    /// Make scenarios already picked, by name.
    pub scenarios: Vec<ScenarioRef>,
    /// Make scenario ids typed by hand, separated by commas or spaces.
    pub scenario_ids: String,
}

/// Why a draft is not a connection yet, in words for the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DraftError {
    MissingName,
    /// Neither an `http(s)://host…` address nor a path on this server.
    NotABaseUrl(String),
    /// A base URL with a query or a fragment: the app appends the API's paths
    /// and parameters to the base, so whatever follows `?` or `#` would end
    /// up in the middle of every call's address.
    QueryInBaseUrl(String),
    NotANumber {
        field: &'static str,
        text: String,
    },
    NotAScenarioId(String),
    MissingOrganization,
    /// Loading scenarios by name needs the team or the organization first.
    MissingScenarioOwner,
    /// A Make connection without a scenario, an organization or a team reads
    /// nothing: saved, it would vanish from the dashboard unsaid.
    ReadsNothing,
}

impl fmt::Display for DraftError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DraftError::MissingName => f.write_str("Give the connection a name."),
            DraftError::NotABaseUrl(text) if text.is_empty() => f.write_str(
                "The base URL is needed, like https://api.dify.ai/v1, or a path on this server such as /relay/….",
            ),
            DraftError::NotABaseUrl(text) => write!(
                f,
                "“{text}” is not a base URL: give one like https://api.dify.ai/v1, or a path on this server starting with /."
            ),
            DraftError::QueryInBaseUrl(text) => write!(
                f,
                "“{text}” holds a query (?…) or a fragment (#…): give the base URL alone, like https://api.dify.ai/v1; Logdeck adds the API's paths and parameters."
            ),
            DraftError::NotANumber { field, text } => {
                write!(f, "The {field} must be a number, not “{text}”.")
            }
            DraftError::NotAScenarioId(text) => write!(f, "“{text}” is not a scenario id."),
            DraftError::MissingOrganization => f.write_str("Aitronos needs the organization id."),
            DraftError::MissingScenarioOwner => {
                f.write_str("Enter the team id or the organization id first.")
            }
            DraftError::ReadsNothing => f.write_str(
                "Add a scenario, or the organization or team id whose audit log to read: without one this connection reads nothing.",
            ),
        }
    }
}

impl ConnectionDraft {
    /// An empty form for `vendor`, on its first official base URL.
    pub fn new(vendor: Vendor) -> Self {
        ConnectionDraft {
            vendor,
            name: String::new(),
            base_url: default_base_url(vendor),
            organization: String::new(),
            team: String::new(),
            scenarios: Vec::new(),
            scenario_ids: String::new(),
        }
    }

    /// The form filled from an existing connection, for editing.
    pub fn of(connection: &Connection) -> Self {
        let mut draft = ConnectionDraft::new(connection.vendor());
        draft.name = connection.name().to_owned();
        draft.base_url = connection.base_url().to_owned();
        match connection {
            Connection::Make(make) => {
                draft.organization = make
                    .organization_id
                    .map(|id| id.to_string())
                    .unwrap_or_default();
                draft.team = make.team_id.map(|id| id.to_string()).unwrap_or_default();
                draft.scenarios.clone_from(&make.scenarios);
            }
            Connection::Aitronos(aitronos) => {
                draft.organization.clone_from(&aitronos.organization_id);
            }
            Connection::Dify(_) => {}
        }
        draft
    }

    /// Switches vendor; the base URL follows unless it was typed by hand.
    pub fn switch_vendor(&mut self, vendor: Vendor) {
        let typed = !self
            .vendor
            .official_base_urls()
            .contains(&self.base_url.as_str());
        self.vendor = vendor;
        if !typed || self.base_url.trim().is_empty() {
            self.base_url = default_base_url(vendor);
        }
    }

    /// The base URL as it will be stored: trimmed, without a trailing slash.
    pub fn clean_base_url(&self) -> String {
        self.base_url.trim().trim_end_matches('/').to_owned()
    }

    /// Whose Make scenarios to list by name: the team when one is given (the
    /// narrower list), else the organization.
    pub fn scenario_owner(&self) -> Result<ScenarioOwner, DraftError> {
        let team = optional_number(&self.team, "team id")?;
        let organization = optional_number(&self.organization, "organization id")?;
        team.map(ScenarioOwner::Team)
            .or(organization.map(ScenarioOwner::Organization))
            .ok_or(DraftError::MissingScenarioOwner)
    }

    /// The picked scenarios plus those typed by id, each once.
    pub fn all_scenarios(&self) -> Result<Vec<ScenarioRef>, DraftError> {
        let mut picked = self.scenarios.clone();
        for part in self
            .scenario_ids
            .split([',', ' '])
            .filter(|p| !p.is_empty())
        {
            let id: u64 = part
                .parse()
                .map_err(|_| DraftError::NotAScenarioId(part.to_owned()))?;
            if !picked.iter().any(|s| s.id == id) {
                picked.push(ScenarioRef {
                    id,
                    name: format!("Scenario {id}"),
                });
            }
        }
        Ok(picked)
    }

    /// Adds scenarios found by name, keeping those already picked once.
    pub fn add_scenarios(&mut self, found: Vec<ScenarioRef>) {
        for scenario in found {
            if !self.scenarios.iter().any(|s| s.id == scenario.id) {
                self.scenarios.push(scenario);
            }
        }
    }

    /// The Make connection this draft describes (without a key), for listing
    /// scenarios before it is saved.
    pub fn make_connection(&self, id: &str) -> Result<MakeConnection, DraftError> {
        Ok(MakeConnection {
            id: id.to_owned(),
            name: self.name.trim().to_owned(),
            base_url: self.clean_base_url(),
            requests_per_minute: None,
            token: None,
            scenarios: self.all_scenarios()?,
            organization_id: optional_number(&self.organization, "organization id")?,
            team_id: optional_number(&self.team, "team id")?,
        })
    }

    /// The host of an absolute base URL this server does not list for the
    /// vendor (`relay`), nor serves the page from (`page_origin`): the page's
    /// security policy lets it call only listed hosts and its own origin, so
    /// calls there are likely refused.
    pub fn unlisted_host(&self, relay: &VendorRelay, page_origin: &str) -> Option<String> {
        let base = self.clean_base_url();
        let url = BaseUrl::parse(&base)?;
        let own = BaseUrl::parse(page_origin).is_some_and(|page| page.same_origin(&url));
        (!own && !relay.knows(self.vendor, &base)).then(|| url.authority())
    }

    /// The connection, with id `id` and no key (keys are stored apart).
    pub fn build(&self, id: &str) -> Result<Connection, DraftError> {
        let name = self.name.trim().to_owned();
        let base_url = self.clean_base_url();
        if name.is_empty() {
            return Err(DraftError::MissingName);
        }
        // A key goes to this address: never to a word the page would read as
        // a path of its own.
        if !is_base_url(&base_url) {
            return Err(DraftError::NotABaseUrl(base_url));
        }
        if base_url.contains(['?', '#']) {
            return Err(DraftError::QueryInBaseUrl(base_url));
        }
        let id = id.to_owned();
        match self.vendor {
            Vendor::Make => {
                let make = self.make_connection(&id)?;
                if make.scenarios.is_empty()
                    && make.organization_id.is_none()
                    && make.team_id.is_none()
                {
                    return Err(DraftError::ReadsNothing);
                }
                Ok(Connection::Make(make))
            }
            Vendor::Dify => Ok(Connection::Dify(DifyConnection {
                id,
                name,
                base_url,
                requests_per_minute: None,
                key: None,
            })),
            Vendor::Aitronos => {
                let organization_id = self.organization.trim().to_owned();
                if organization_id.is_empty() {
                    return Err(DraftError::MissingOrganization);
                }
                Ok(Connection::Aitronos(AitronosConnection {
                    id,
                    name,
                    base_url,
                    requests_per_minute: None,
                    key: None,
                    organization_id,
                }))
            }
        }
    }
}

/// `http(s)://` and a host, or a path on this server (`/relay/make`); no
/// spaces, no protocol-relative `//host`, and no `\`, which browsers read as
/// `/` (`/\host` is another host).
fn is_base_url(text: &str) -> bool {
    let odd = |c: char| c.is_whitespace() || c.is_control() || c == '\\';
    if text.is_empty() || text.chars().any(odd) {
        return false;
    }
    if let Some(path) = text.strip_prefix('/') {
        return !path.starts_with('/');
    }
    let after_scheme = ["https://", "http://"].iter().find_map(|scheme| {
        let head = text.get(..scheme.len())?;
        head.eq_ignore_ascii_case(scheme)
            .then(|| &text[scheme.len()..])
    });
    after_scheme.is_some_and(|rest| {
        let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
        !host.is_empty() && !host.starts_with(':') && !host.contains('@')
    })
}

fn default_base_url(vendor: Vendor) -> String {
    vendor
        .official_base_urls()
        .first()
        .copied()
        .unwrap_or_default()
        .to_owned()
}

fn optional_number(text: &str, field: &'static str) -> Result<Option<u64>, DraftError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse().map(Some).map_err(|_| DraftError::NotANumber {
        field,
        text: text.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn make_draft() -> ConnectionDraft {
        ConnectionDraft {
            name: " Ops ".into(),
            base_url: "https://relay.example/relay/make/ ".into(),
            organization: "11".into(),
            scenario_ids: "1001, 1002 1001".into(),
            ..ConnectionDraft::new(Vendor::Make)
        }
    }

    #[test]
    fn a_make_draft_builds_a_trimmed_connection_with_typed_scenarios_once() {
        let Ok(Connection::Make(make)) = make_draft().build("c1") else {
            panic!("expected a Make connection")
        };
        assert_eq!(make.name, "Ops");
        assert_eq!(make.base_url, "https://relay.example/relay/make");
        assert_eq!(make.organization_id, Some(11));
        assert_eq!(make.team_id, None);
        let ids: Vec<u64> = make.scenarios.iter().map(|s| s.id).collect();
        assert_eq!(ids, [1001, 1002]);
        assert!(make.token.is_none());
    }

    #[test]
    fn a_base_on_a_host_the_server_does_not_list_is_pointed_out() {
        let relay = VendorRelay {
            path: Some(crate::vendor_hosts::RELAY_PREFIX.into()),
            hosts: crate::vendor_hosts::VendorHost::official(),
        };
        let dify = |base: &str| ConnectionDraft {
            base_url: base.into(),
            ..ConnectionDraft::new(Vendor::Dify)
        };
        let page = "http://127.0.0.1:8080";
        let unlisted = |base: &str| dify(base).unlisted_host(&relay, page);
        assert_eq!(
            unlisted("http://evil.example.com/v1"),
            Some("evil.example.com".into())
        );
        assert_eq!(unlisted("https://api.dify.ai/v1"), None);
        assert_eq!(unlisted("/relay/dify"), None, "this server's path");
        assert_eq!(
            unlisted("http://127.0.0.1:8080/demo/dify/v1"),
            None,
            "the page's own origin"
        );
    }

    #[test]
    fn bad_fields_are_named() {
        let mut draft = make_draft();
        draft.organization = "eleven".into();
        assert_eq!(
            draft.build("c").unwrap_err().to_string(),
            "The organization id must be a number, not “eleven”."
        );
        let mut draft = make_draft();
        draft.scenario_ids = "12x".into();
        assert_eq!(
            draft.build("c"),
            Err(DraftError::NotAScenarioId("12x".into()))
        );
        let mut draft = make_draft();
        draft.name = "  ".into();
        assert_eq!(draft.build("c"), Err(DraftError::MissingName));
        let neither = ConnectionDraft {
            organization: String::new(),
            ..make_draft()
        };
        assert_eq!(
            neither.scenario_owner(),
            Err(DraftError::MissingScenarioOwner)
        );
        let reads_nothing = ConnectionDraft {
            scenario_ids: String::new(),
            scenarios: Vec::new(),
            ..neither.clone()
        };
        assert_eq!(reads_nothing.build("c"), Err(DraftError::ReadsNothing));
        let team_only = ConnectionDraft {
            team: "77".into(),
            ..reads_nothing
        };
        assert!(team_only.build("c").is_ok(), "the team's audit log");
        let with_organization = make_draft();
        assert_eq!(
            with_organization.scenario_owner(),
            Ok(ScenarioOwner::Organization(11))
        );
        let with_both = ConnectionDraft {
            team: "77".into(),
            ..with_organization
        };
        assert_eq!(with_both.scenario_owner(), Ok(ScenarioOwner::Team(77)));
        let aitronos = ConnectionDraft {
            name: "A".into(),
            ..ConnectionDraft::new(Vendor::Aitronos)
        };
        assert_eq!(aitronos.build("a"), Err(DraftError::MissingOrganization));
    }

    #[test]
    fn editing_round_trips_every_vendor() {
        for vendor in Vendor::all() {
            let draft = ConnectionDraft {
                name: "N".into(),
                organization: "42".into(),
                team: "7".into(),
                ..ConnectionDraft::new(vendor)
            };
            let connection = draft.build("x").unwrap();
            assert_eq!(connection.vendor(), vendor);
            let again = ConnectionDraft::of(&connection).build("x").unwrap();
            assert_eq!(again, connection, "{vendor:?}");
        }
    }

    #[test]
    fn switching_vendor_moves_an_official_url_but_keeps_a_typed_one() {
        let mut draft = ConnectionDraft::new(Vendor::Make);
        draft.switch_vendor(Vendor::Dify);
        assert_eq!(draft.base_url, "https://api.dify.ai/v1");
        draft.base_url = "https://dify.internal/v1".into();
        draft.switch_vendor(Vendor::Aitronos);
        assert_eq!(draft.base_url, "https://dify.internal/v1");
    }

    #[test]
    fn scenarios_found_by_name_are_added_once() {
        let mut draft = ConnectionDraft::new(Vendor::Make);
        let found = vec![
            ScenarioRef {
                id: 1,
                name: "Sync".into(),
            },
            ScenarioRef {
                id: 1,
                name: "Sync".into(),
            },
        ];
        draft.add_scenarios(found.clone());
        draft.add_scenarios(found);
        assert_eq!(draft.scenarios.len(), 1);
    }

    #[test]
    fn a_base_url_is_an_address_or_a_path_on_this_server() {
        let built = |base_url: &str| {
            ConnectionDraft {
                name: "D".into(),
                base_url: base_url.into(),
                ..ConnectionDraft::new(Vendor::Dify)
            }
            .build("d")
        };
        for good in [
            "https://api.dify.ai/v1",
            "http://127.0.0.1:8080/relay/dify",
            "HTTPS://eu2.make.com/api/v2",
            "/relay/make",
            "/demo/dify/v1",
        ] {
            assert!(built(good).is_ok(), "{good}");
        }
        for bad in [
            "not a url",
            "api.dify.ai/v1",
            "//evil.example/v1",
            "https://",
            "https://:80/x",
            "ftp://x/y",
            "https://user@host/v1",
            "/\\evil.example/v1",
            "https:\\\\evil.example/v1",
            " ",
        ] {
            let error = built(bad).unwrap_err();
            assert!(
                matches!(error, DraftError::NotABaseUrl(_)),
                "{bad}: {error:?}"
            );
            assert!(error.to_string().contains("base URL"), "{error}");
        }
        for with_query in [
            "https://api.dify.ai/v1?x=1#frag",
            "https://api.dify.ai/v1?",
            "https://api.dify.ai/v1#top",
            "/relay/dify?key=1",
        ] {
            let error = built(with_query).unwrap_err();
            assert_eq!(error, DraftError::QueryInBaseUrl(with_query.into()));
            assert!(error.to_string().contains("base URL alone"), "{error}");
        }
    }
}
