//! What the filter bar offers: collection types, statuses, clients and collections,
//! from the configured sources, the loaded rows and the audit logs' `/filters`
//! endpoints, plus where each selected source applies each filter. Statuses,
//! clients, collections and events are known with the collection type they
//! come from, so choosing a type narrows them to its own: no choice that can
//! only empty the table (a chosen value stays listed, to be undone).

use std::collections::{BTreeMap, BTreeSet};

use crate::adapters::make_audit::AuditFilters;
use crate::adapters::{Applied, Capabilities};
use crate::client_id::ClientId;
use crate::model::{CollectionType, LogRecord};
use crate::query::LogQuery;
use crate::sources::Source;
use crate::status::Status;

/// Distinct clients offered by the Client filter (and kept per collection type).
pub const MAX_CLIENT_OPTIONS: usize = 300;

/// A value with the collection type it was seen in.
pub type OfKind = (CollectionType, String);

/// Distinct values found in rows (or announced by a vendor's `/filters` endpoint).
/// Computed from the rows only, so a filter change does not rescan them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RowValues {
    pub kinds: Vec<CollectionType>,
    /// By collection type, then status.
    pub statuses: Vec<(CollectionType, Status)>,
    /// By collection type, then name; at most [`MAX_CLIENT_OPTIONS`] per type.
    pub clients: Vec<OfKind>,
    /// By collection type, then name.
    pub collections: Vec<OfKind>,
    /// Audit events (`eventName`), for the Event filter: Make's audit log only.
    pub events: Vec<String>,
    /// Client ids with the name first seen beside each (at most
    /// [`MAX_CLIENT_OPTIONS`]), for the Client id filter.
    pub client_ids: Vec<(ClientId, Option<String>)>,
}

impl RowValues {
    /// The distinct kinds, statuses, clients (at most [`MAX_CLIENT_OPTIONS`]) and
    /// collections of `records`, sorted: the tests' plain reading, against
    /// which the timeline's running counts are held.
    #[cfg(test)]
    pub fn of<'a>(records: impl IntoIterator<Item = &'a LogRecord>) -> RowValues {
        let mut counted = RowValueCounts::default();
        for record in records {
            counted.add(record);
        }
        counted.values()
    }

    /// Adds the users, teams and events a Make audit log's `/filters` announces.
    pub fn add_announced(&mut self, filters: AuditFilters) {
        let audit = |option: crate::adapters::make_audit::FilterOption| {
            (CollectionType::MakeAudit, option.value)
        };
        self.clients.extend(filters.users.into_iter().map(audit));
        self.collections
            .extend(filters.teams.into_iter().map(audit));
        self.events
            .extend(filters.events.into_iter().map(|event| event.value));
    }
}

/// How many rows hold each value, kept as rows come and go (the timeline's), so
/// a page costs its own rows rather than a rescan of every row loaded.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RowValueCounts {
    /// By collection type, in [`CollectionType::ALL`]'s order.
    kinds: [KindCounts; CollectionType::ALL.len()],
    events: BTreeMap<String, usize>,
    /// With the name first seen beside each.
    client_ids: BTreeMap<ClientId, (Option<String>, usize)>,
}

/// One collection type's rows, statuses, clients and collections.
#[derive(Debug, Clone, Default, PartialEq)]
struct KindCounts {
    rows: usize,
    /// By [`Status::ALL`]'s order.
    statuses: [usize; Status::ALL.len()],
    /// Rows sent without a status ([`LogRecord::status_unsent`]).
    status_unsent: usize,
    /// Rows whose status is the one their request asked for
    /// ([`LogRecord::status_from_request`]).
    status_from_request: usize,
    /// Every client: the cap on what is offered applies when reading, so a
    /// row's removal always undoes its addition.
    clients: BTreeMap<String, usize>,
    collections: BTreeMap<String, usize>,
}

fn position<T: PartialEq>(all: &[T], value: &T) -> usize {
    all.iter().position(|item| item == value).unwrap_or(0)
}

impl RowValueCounts {
    fn of_kind(&mut self, kind: CollectionType) -> &mut KindCounts {
        &mut self.kinds[position(&CollectionType::ALL, &kind)]
    }

    pub fn add(&mut self, record: &LogRecord) {
        let kind = self.of_kind(record.kind);
        kind.rows += 1;
        kind.statuses[position(&Status::ALL, &record.status)] += 1;
        kind.status_unsent += usize::from(record.status_unsent());
        kind.status_from_request += usize::from(record.status_from_request());
        if let Some(client) = &record.client {
            count(&mut kind.clients, client);
        }
        count(&mut kind.collections, &record.collection);
        if let Some(event) = record
            .name
            .as_ref()
            .filter(|_| record.kind == CollectionType::MakeAudit)
        {
            count(&mut self.events, event);
        }
        if let Some(id) = &record.client_id {
            match self.client_ids.get_mut(id) {
                Some((_, rows)) => *rows += 1,
                None => {
                    self.client_ids
                        .insert(id.clone(), (record.client.clone(), 1));
                }
            }
        }
    }

    /// Takes back [`RowValueCounts::add`] of `record` (a row replaced or gone).
    pub fn remove(&mut self, record: &LogRecord) {
        let kind = self.of_kind(record.kind);
        kind.rows = kind.rows.saturating_sub(1);
        let status = &mut kind.statuses[position(&Status::ALL, &record.status)];
        *status = status.saturating_sub(1);
        kind.status_unsent = kind
            .status_unsent
            .saturating_sub(usize::from(record.status_unsent()));
        kind.status_from_request = kind
            .status_from_request
            .saturating_sub(usize::from(record.status_from_request()));
        if let Some(client) = &record.client {
            uncount(&mut kind.clients, client.as_str());
        }
        uncount(&mut kind.collections, record.collection.as_str());
        if let Some(event) = record
            .name
            .as_ref()
            .filter(|_| record.kind == CollectionType::MakeAudit)
        {
            uncount(&mut self.events, event.as_str());
        }
        if let Some(id) = &record.client_id {
            if let Some((_, rows)) = self.client_ids.get_mut(id) {
                *rows -= 1;
                if *rows == 0 {
                    self.client_ids.remove(id);
                }
            }
        }
    }

    /// Each collection type's rows whose status is not the vendor's own
    /// reading of them, for [`crate::status_gaps`].
    pub fn status_tallies(&self) -> Vec<StatusTally> {
        CollectionType::ALL
            .into_iter()
            .zip(&self.kinds)
            .map(|(kind, counts)| StatusTally {
                kind,
                unknown: counts.statuses[position(&Status::ALL, &Status::Unknown)],
                unsent: counts.status_unsent,
                from_request: counts.status_from_request,
            })
            .filter(|tally| tally.unknown + tally.from_request > 0)
            .collect()
    }

    /// The values with rows, sorted; clients the first [`MAX_CLIENT_OPTIONS`]
    /// of each collection type, client ids the first of all.
    pub fn values(&self) -> RowValues {
        let present = || {
            CollectionType::ALL
                .into_iter()
                .zip(&self.kinds)
                .filter(|(_, counts)| counts.rows > 0)
        };
        let of_kind = |values: fn(&KindCounts) -> &BTreeMap<String, usize>, cap: usize| {
            present()
                .flat_map(|(kind, counts)| {
                    values(counts)
                        .keys()
                        .take(cap)
                        .map(move |value| (kind, value.clone()))
                })
                .collect()
        };
        RowValues {
            kinds: present().map(|(kind, _)| kind).collect(),
            statuses: present()
                .flat_map(|(kind, counts)| {
                    Status::ALL
                        .into_iter()
                        .zip(counts.statuses)
                        .filter(|(_, rows)| *rows > 0)
                        .map(move |(status, _)| (kind, status))
                })
                .collect(),
            clients: of_kind(|counts| &counts.clients, MAX_CLIENT_OPTIONS),
            collections: of_kind(|counts| &counts.collections, usize::MAX),
            events: self.events.keys().cloned().collect(),
            client_ids: self
                .client_ids
                .iter()
                .take(MAX_CLIENT_OPTIONS)
                .map(|(id, (name, _))| (id.clone(), name.clone()))
                .collect(),
        }
    }
}

/// One collection type's loaded rows whose status the vendor did not tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusTally {
    pub kind: CollectionType,
    /// Rows of status Unknown: sent without one, or with one Logdeck does not know.
    pub unknown: usize,
    /// Of `unknown`, those sent without one.
    pub unsent: usize,
    /// Rows sent without a status that show the one their request asked for.
    pub from_request: usize,
}

fn count(counts: &mut BTreeMap<String, usize>, value: &str) {
    match counts.get_mut(value) {
        Some(rows) => *rows += 1,
        None => {
            counts.insert(value.to_owned(), 1);
        }
    }
}

fn uncount<K: Ord + ?Sized, V: Ord + std::borrow::Borrow<K>>(
    counts: &mut BTreeMap<V, usize>,
    value: &K,
) {
    if let Some(rows) = counts.get_mut(value) {
        *rows -= 1;
        if *rows == 0 {
            counts.remove(value);
        }
    }
}

/// The choices each filter offers.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FilterOptions {
    pub types: Vec<CollectionType>,
    /// The collection types in view: those chosen, or all when none is.
    pub types_in_view: Vec<CollectionType>,
    /// Those the collection types in view can have, and the chosen ones.
    pub statuses: Vec<Status>,
    /// Those of the chosen collection types (of every type when none is
    /// chosen): each type's first [`MAX_CLIENT_OPTIONS`] from the rows, and
    /// every one the vendors announce.
    pub clients: Vec<String>,
    /// Those of the chosen collection types.
    pub collections: Vec<String>,
    /// Audit events; empty when no audit log is configured or announces any,
    /// or the chosen collection types leave the audit log out.
    pub events: Vec<String>,
    /// Client ids as `(key, label)`: the loaded rows' and the chosen ones.
    pub client_ids: Vec<(String, String)>,
    /// Each selected source's kind and capabilities, for the "where applied"
    /// hints: once per distinct pair, so a type may come twice.
    pub capabilities: Vec<(CollectionType, Capabilities)>,
}

impl FilterOptions {
    /// Why "Hide check runs" cannot be applied, when no selected Make
    /// scenario source can apply it (all read from the team archive).
    pub fn check_runs_refused(&self) -> Option<&'static str> {
        let mut refusals = self
            .capabilities
            .iter()
            .filter(|(kind, _)| *kind == CollectionType::MakeScenarios)
            .map(|(_, caps)| match caps.check_runs {
                Applied::Unavailable(why) => Some(why),
                _ => None,
            });
        let first = refusals.next()??;
        refusals.all(|refused| refused.is_some()).then_some(first)
    }

    /// Choices from the sources (their kinds, possible statuses and known
    /// collections), the loaded rows and values announced by the vendors;
    /// clients, collections and events of the collection types `query` chooses.
    pub fn build(
        sources: &[Source],
        rows: &RowValues,
        announced: &RowValues,
        query: &LogQuery,
    ) -> FilterOptions {
        let mut types = BTreeSet::new();
        let mut statuses = BTreeSet::new();
        let mut collections = BTreeSet::new();
        let mut capabilities: Vec<(CollectionType, Capabilities)> = Vec::new();
        let chosen = |kind: &CollectionType| query.types.is_empty() || query.types.contains(kind);
        for source in sources {
            let stream = source.stream();
            let kind = stream.kind();
            types.insert(kind);
            if chosen(&kind) {
                statuses.extend(kind.statuses().iter().copied());
            }
            // Sources of one type may apply a filter differently (some read
            // from the team archive): each way is listed.
            let applied = (kind, stream.capabilities());
            if source.is_selected_by(query) && !capabilities.contains(&applied) {
                capabilities.push(applied);
            }
            if chosen(&kind) {
                collections.extend(stream.fixed_collection().map(str::to_owned));
            }
        }
        let of_chosen_kinds = |values: &'_ [OfKind]| {
            values
                .iter()
                .filter(|(kind, _)| chosen(kind))
                .map(|(_, value)| value.clone())
                .collect::<Vec<_>>()
        };
        // Rows also come from opened files, whose kinds and statuses no source declares.
        for values in [rows, announced] {
            types.extend(values.kinds.iter().copied());
            statuses.extend(
                values
                    .statuses
                    .iter()
                    .filter(|(kind, _)| chosen(kind))
                    .map(|(_, status)| *status),
            );
            collections.extend(of_chosen_kinds(&values.collections));
        }
        let clients: BTreeSet<String> = of_chosen_kinds(&rows.clients)
            .into_iter()
            .chain(of_chosen_kinds(&announced.clients))
            .collect();
        let events: BTreeSet<String> = if chosen(&CollectionType::MakeAudit) {
            rows.events
                .iter()
                .chain(&announced.events)
                .cloned()
                .collect()
        } else {
            BTreeSet::new()
        };
        let mut client_ids: BTreeMap<&ClientId, Option<&str>> = rows
            .client_ids
            .iter()
            .map(|(id, name)| (id, name.as_deref()))
            .collect();
        for chosen in &query.client_ids {
            client_ids.entry(chosen).or_insert(None);
        }
        statuses.extend(query.statuses.iter().copied());
        FilterOptions {
            types_in_view: types.iter().copied().filter(|kind| chosen(kind)).collect(),
            client_ids: client_ids
                .into_iter()
                .map(|(id, name)| (id.key(), id.describe(name)))
                .collect(),
            events: events.into_iter().collect(),
            types: types.into_iter().collect(),
            statuses: statuses.into_iter().collect(),
            clients: clients.into_iter().collect(),
            collections: collections.into_iter().collect(),
            capabilities,
        }
    }
}

/// One choice of the Status filter, with what it says of its reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChoice {
    pub status: Status,
    /// [`FilterOptions::status_scope`].
    pub scope: Option<String>,
}

impl FilterOptions {
    /// The Status filter's choices, in order.
    pub fn status_choices(&self) -> Vec<StatusChoice> {
        self.statuses
            .iter()
            .map(|&status| StatusChoice {
                status,
                scope: self.status_scope(status),
            })
            .collect()
    }

    /// Which collection types a status choice applies to, when not all of the
    /// ones in view: choosing Error leaves the audit log out, and the choice
    /// says so ("not Make audit log") instead of a source silently vanishing;
    /// Event says "Make audit log only". `None` when it applies to every type.
    pub fn status_scope(&self, status: Status) -> Option<String> {
        let (applies, excluded): (Vec<CollectionType>, Vec<CollectionType>) = self
            .types_in_view
            .iter()
            .partition(|kind| kind.statuses().contains(&status));
        // "A, B and C only", "not A, B or C": a plain list would read both ways.
        let labels = |kinds: &[CollectionType], last: &str| {
            let names: Vec<&str> = kinds.iter().map(|k| k.label()).collect();
            match names.split_last() {
                Some((final_name, rest)) if !rest.is_empty() => {
                    format!("{} {last} {final_name}", rest.join(", "))
                }
                _ => names.concat(),
            }
        };
        match (applies.len(), excluded.len()) {
            // Chosen, yet no type in view has it: say which types do.
            (0, _) => {
                let elsewhere: Vec<CollectionType> = self
                    .types
                    .iter()
                    .copied()
                    .filter(|kind| kind.statuses().contains(&status))
                    .collect();
                (!elsewhere.is_empty()).then(|| format!("{} only", labels(&elsewhere, "and")))
            }
            (_, 0) => None,
            (1, _) => Some(format!("{} only", labels(&applies, "and"))),
            _ => Some(format!("not {}", labels(&excluded, "or"))),
        }
    }
}

/// Lists longer than this offer a box that narrows them.
pub const NARROWABLE_CHOICES: usize = 10;

/// Whether a list of `count` choices offers its narrowing box.
pub fn is_narrowable(count: usize) -> bool {
    count > NARROWABLE_CHOICES
}

/// The checkboxes a multi-value filter lists: its `options` (`(value, label)`)
/// whose label holds `typed` (any case), and every `selected` value whatever
/// was typed, so a choice can always be seen and undone, even when no loaded
/// row carries it. What was typed counts only while the list is long enough
/// to show the box it was typed in (a list that shrank cannot hide its rest
/// behind text no longer seen).
pub fn listed_choices(
    options: &[(String, String)],
    selected: &BTreeSet<String>,
    typed: &str,
) -> Vec<(String, String)> {
    let typed = if is_narrowable(options.len()) {
        typed.trim().to_lowercase()
    } else {
        String::new()
    };
    let mut listed: Vec<(String, String)> = options
        .iter()
        .filter(|(value, label)| {
            selected.contains(value) || typed.is_empty() || label.to_lowercase().contains(&typed)
        })
        .cloned()
        .collect();
    for value in selected {
        if !options.iter().any(|(v, _)| v == value) {
            listed.push((value.clone(), value.clone()));
        }
    }
    listed
}

/// The Status filter's button where it folds into one (medium widths): the
/// chosen statuses by name, in the order the filter lists them, so the view
/// reads as filtered without opening it.
pub fn status_summary(selected: &BTreeSet<Status>) -> String {
    if selected.is_empty() {
        return "Status: all".to_owned();
    }
    let names: Vec<&str> = selected.iter().map(|status| status.label()).collect();
    format!("Status: {}", names.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::RuntimeConfig;
    use crate::test_support;

    #[test]
    fn the_folded_status_filter_names_its_choices() {
        assert_eq!(status_summary(&BTreeSet::new()), "Status: all");
        assert_eq!(
            status_summary(&BTreeSet::from([Status::Error])),
            "Status: Error"
        );
        assert_eq!(
            status_summary(&BTreeSet::from([Status::Warning, Status::Error])),
            "Status: Warning, Error"
        );
    }

    fn sources() -> Vec<Source> {
        let config = RuntimeConfig::parse(
            r#"{"connections":[
                {"vendor":"make","id":"mk","name":"Make","baseUrl":"/m","organizationId":1,
                 "scenarios":[{"id":1,"name":"Sync"}]},
                {"vendor":"dify","id":"df","name":"Support bot","baseUrl":"/d"}
            ]}"#,
        )
        .unwrap();
        Source::expand(&config)
    }

    fn record(kind: CollectionType, status: Status, client: &str, collection: &str) -> LogRecord {
        LogRecord {
            kind,
            status,
            client: Some(client.into()),
            collection: collection.into(),
            ..test_support::record("file:x.csv", "1", test_support::minute(0))
        }
    }

    #[test]
    fn options_merge_sources_rows_and_announced_values_once_each() {
        let rows = RowValues::of(&[
            record(
                CollectionType::ApiPlatform,
                Status::Timeout,
                "ann",
                "Orders API",
            ),
            record(CollectionType::MakeScenarios, Status::Error, "bob", "Sync"),
        ]);
        let audit = |value: &str| (CollectionType::MakeAudit, value.to_owned());
        let announced = RowValues {
            clients: vec![audit("bob"), audit("carol")],
            collections: vec![audit("Team A")],
            events: vec!["key_created".into()],
            ..RowValues::default()
        };
        let options = FilterOptions::build(&sources(), &rows, &announced, &LogQuery::default());
        assert_eq!(
            options.types,
            [
                CollectionType::MakeScenarios,
                CollectionType::MakeAudit,
                CollectionType::DifyWorkflows,
                CollectionType::ApiPlatform
            ]
        );
        assert!(
            options.statuses.contains(&Status::Timeout),
            "from a file's rows"
        );
        assert!(options.statuses.contains(&Status::Stopped), "Dify can stop");
        assert_eq!(options.clients, ["ann", "bob", "carol"]);
        assert_eq!(options.events, ["key_created"], "announced by an audit log");
        assert_eq!(
            options.collections,
            ["Orders API", "Support bot", "Sync", "Team A"]
        );
        assert_eq!(options.capabilities.len(), 3);
    }

    #[test]
    fn check_runs_are_refused_only_when_no_make_scenario_source_applies_them() {
        use crate::adapters::{archive, make_scenarios};
        let archived = Capabilities {
            check_runs: archive::CAPABILITIES.check_runs,
            ..make_scenarios::CAPABILITIES
        };
        let with = |capabilities: Vec<(CollectionType, Capabilities)>| FilterOptions {
            capabilities,
            ..FilterOptions::default()
        };
        let make = CollectionType::MakeScenarios;
        assert!(with(vec![(make, archived)]).check_runs_refused().is_some());
        let mixed = with(vec![(make, archived), (make, make_scenarios::CAPABILITIES)]);
        assert_eq!(mixed.check_runs_refused(), None, "one source applies it");
        assert_eq!(with(Vec::new()).check_runs_refused(), None);
    }

    #[test]
    fn client_ids_are_offered_with_a_name_seen_beside_them_and_the_chosen_kept() {
        use crate::client_id::ClientIdKind;
        let ada = ClientId::new(ClientIdKind::DifyAccount, "ada@acme.io");
        let mut row = record(CollectionType::DifyWorkflows, Status::Success, "Ada", "Bot");
        row.client_id = Some(ada.clone());
        let rows = RowValues::of(&[row.clone(), row]);
        assert_eq!(rows.client_ids, [(ada, Some("Ada".to_owned()))]);
        let query = LogQuery {
            client_ids: [ClientId::new(ClientIdKind::AitronosCredential, "42")].into(),
            ..LogQuery::default()
        };
        let options = FilterOptions::build(&sources(), &rows, &RowValues::default(), &query);
        assert_eq!(
            options.client_ids,
            [
                (
                    "account:ada@acme.io".to_owned(),
                    "Ada · Dify account ada@acme.io".to_owned()
                ),
                (
                    "credential:42".to_owned(),
                    "Aitronos credential 42".to_owned()
                ),
            ],
            "a linked id stays choosable before any row of it loads"
        );
    }

    #[test]
    fn hints_cover_only_the_sources_the_query_selects() {
        let query = LogQuery {
            types: [CollectionType::DifyWorkflows].into(),
            ..LogQuery::default()
        };
        let options = FilterOptions::build(
            &sources(),
            &RowValues::default(),
            &RowValues::default(),
            &query,
        );
        let kinds: Vec<CollectionType> = options.capabilities.iter().map(|(k, _)| *k).collect();
        assert_eq!(kinds, [CollectionType::DifyWorkflows]);
    }

    #[test]
    fn a_status_choice_says_which_types_it_leaves_out() {
        let options = FilterOptions {
            types_in_view: vec![
                CollectionType::MakeScenarios,
                CollectionType::MakeAudit,
                CollectionType::DifyWorkflows,
            ],
            ..FilterOptions::default()
        };
        assert_eq!(
            options.status_scope(Status::Error).as_deref(),
            Some("not Make audit log")
        );
        assert_eq!(
            options.status_scope(Status::Event).as_deref(),
            Some("Make audit log only")
        );
        assert_eq!(
            options.status_scope(Status::Paused).as_deref(),
            Some("Dify workflows only")
        );
        let runs_only = FilterOptions {
            types_in_view: vec![CollectionType::MakeScenarios],
            ..FilterOptions::default()
        };
        assert_eq!(runs_only.status_scope(Status::Error), None);
        let choices = FilterOptions {
            statuses: vec![Status::Error, Status::Event],
            ..options.clone()
        }
        .status_choices();
        assert_eq!(
            choices,
            [
                StatusChoice {
                    status: Status::Error,
                    scope: Some("not Make audit log".into())
                },
                StatusChoice {
                    status: Status::Event,
                    scope: Some("Make audit log only".into())
                },
            ]
        );
    }

    #[test]
    fn choosing_collection_types_narrows_clients_collections_and_events_to_theirs() {
        let rows = RowValues::of(&[
            record(CollectionType::MakeScenarios, Status::Error, "bob", "Sync"),
            record(
                CollectionType::DifyWorkflows,
                Status::Success,
                "ada",
                "Support bot",
            ),
            record(
                CollectionType::DifyWorkflows,
                Status::Success,
                "bob",
                "Triage",
            ),
        ]);
        let mut announced = RowValues::default();
        announced.add_announced(AuditFilters {
            users: vec![option("carol")],
            teams: vec![option("Team A")],
            events: vec![option("key_created")],
        });
        let build = |types: &[CollectionType]| {
            let query = LogQuery {
                types: types.iter().copied().collect(),
                ..LogQuery::default()
            };
            FilterOptions::build(&sources(), &rows, &announced, &query)
        };
        let all = build(&[]);
        assert_eq!(all.clients, ["ada", "bob", "carol"]);
        assert_eq!(all.collections, ["Support bot", "Sync", "Team A", "Triage"]);
        assert_eq!(all.events, ["key_created"]);

        assert!(all.statuses.contains(&Status::Event));
        assert_eq!(
            all.status_scope(Status::Unknown).as_deref(),
            Some("not Make audit log"),
            "a Make or Dify row can come without a status too"
        );
        assert_eq!(
            all.status_scope(Status::Paused).as_deref(),
            Some("Dify workflows only")
        );
        let with_aitronos = FilterOptions {
            types_in_view: vec![
                CollectionType::MakeScenarios,
                CollectionType::MakeAudit,
                CollectionType::DifyWorkflows,
                CollectionType::AitronosConnectors,
            ],
            ..all.clone()
        };
        assert_eq!(
            with_aitronos.status_scope(Status::Warning).as_deref(),
            Some("not Make audit log or Aitronos connectors"),
            "read one way only"
        );
        assert_eq!(
            all.status_scope(Status::Event).as_deref(),
            Some("Make audit log only")
        );

        let dify = build(&[CollectionType::DifyWorkflows]);
        let mut dify_statuses = CollectionType::DifyWorkflows.statuses().to_vec();
        dify_statuses.sort();
        assert_eq!(dify.statuses, dify_statuses);
        assert_eq!(
            dify.status_scope(Status::Error),
            None,
            "Error applies to all in view"
        );
        assert_eq!(dify.clients, ["ada", "bob"]);
        // "Support bot" is also the Dify source's own collection.
        assert_eq!(dify.collections, ["Support bot", "Triage"]);
        assert!(dify.events.is_empty(), "events are the audit log's only");

        let make = build(&[CollectionType::MakeScenarios, CollectionType::MakeAudit]);
        assert_eq!(make.clients, ["bob", "carol"]);
        assert_eq!(make.collections, ["Sync", "Team A"]);
        assert_eq!(make.events, ["key_created"]);
        assert_eq!(make.types, all.types, "the type choices themselves stay");
        assert_eq!(
            make.types_in_view,
            [CollectionType::MakeScenarios, CollectionType::MakeAudit]
        );

        // A chosen status the types in view cannot have stays listed, to be undone.
        let query = LogQuery {
            types: [CollectionType::DifyWorkflows].into(),
            statuses: [Status::Event].into(),
            ..LogQuery::default()
        };
        let chosen = FilterOptions::build(&sources(), &rows, &announced, &query);
        assert!(chosen.statuses.contains(&Status::Event));
        assert_eq!(
            chosen.status_scope(Status::Event).as_deref(),
            Some("Make audit log only"),
            "it says where it applies"
        );
    }

    fn option(value: &str) -> crate::adapters::make_audit::FilterOption {
        crate::adapters::make_audit::FilterOption {
            value: value.into(),
            label: value.into(),
        }
    }

    #[test]
    fn the_client_cap_holds_per_collection_type_and_for_the_choices() {
        let records: Vec<LogRecord> =
            [CollectionType::MakeScenarios, CollectionType::DifyWorkflows]
                .into_iter()
                .flat_map(|kind| {
                    (0..MAX_CLIENT_OPTIONS + 5).map(move |i| {
                        record(kind, Status::Success, &format!("{kind:?} {i:04}"), "c")
                    })
                })
                .collect();
        let rows = RowValues::of(&records);
        assert_eq!(
            rows.clients.len(),
            2 * MAX_CLIENT_OPTIONS,
            "each type keeps its own"
        );
        let dify_only = LogQuery {
            types: [CollectionType::DifyWorkflows].into(),
            ..LogQuery::default()
        };
        let options = FilterOptions::build(&[], &rows, &RowValues::default(), &dify_only);
        assert_eq!(options.clients.len(), MAX_CLIENT_OPTIONS);
        assert!(options
            .clients
            .iter()
            .all(|c| c.starts_with("DifyWorkflows")));
        // Every type keeps its share, whatever its names sort as.
        let all = FilterOptions::build(&[], &rows, &RowValues::default(), &LogQuery::default());
        assert_eq!(all.clients.len(), 2 * MAX_CLIENT_OPTIONS);
    }

    #[test]
    fn typing_narrows_the_listed_choices_but_never_hides_a_selected_one() {
        let named = [("a", "Ada Lovelace"), ("g", "Grace Hopper"), ("k", "Ken")];
        let mut options: Vec<(String, String)> = named
            .iter()
            .map(|(v, l)| (v.to_string(), l.to_string()))
            .collect();
        let short = options.clone();
        options.extend((0..NARROWABLE_CHOICES).map(|i| (format!("z{i}"), format!("Zed {i}"))));
        let values = |listed: Vec<(String, String)>| {
            listed
                .into_iter()
                .map(|(value, _)| value)
                .collect::<Vec<_>>()
        };
        let none = BTreeSet::new();
        assert_eq!(
            values(listed_choices(&options, &none, "")).len(),
            options.len()
        );
        assert_eq!(values(listed_choices(&options, &none, " HOP ")), ["g"]);
        assert_eq!(
            values(listed_choices(&options, &none, "zz")),
            Vec::<String>::new()
        );
        let chosen: BTreeSet<String> = ["k".to_owned(), "gone".to_owned()].into();
        assert_eq!(
            values(listed_choices(&options, &chosen, "hop")),
            ["g", "k", "gone"],
            "chosen ones stay, in place, and one no row carries is added"
        );
        assert!(!is_narrowable(short.len()) && is_narrowable(options.len()));
        assert_eq!(
            values(listed_choices(&short, &none, "hop")),
            ["a", "g", "k"],
            "a short list has no box: text typed earlier narrows nothing"
        );
    }

    #[test]
    fn clients_are_capped() {
        let records: Vec<LogRecord> = (0..MAX_CLIENT_OPTIONS + 50)
            .map(|i| {
                record(
                    CollectionType::MakeScenarios,
                    Status::Success,
                    &format!("u{i:04}"),
                    "c",
                )
            })
            .collect();
        assert_eq!(RowValues::of(&records).clients.len(), MAX_CLIENT_OPTIONS);
    }

    #[test]
    fn past_the_cap_a_removed_row_takes_back_only_itself() {
        let row =
            |client: String| record(CollectionType::MakeScenarios, Status::Success, &client, "c");
        let mut counted = RowValueCounts::default();
        for i in 0..MAX_CLIENT_OPTIONS {
            counted.add(&row(format!("u{i:04}")));
        }
        // "a" sorts first: seen after the cap, it is offered, and one of its
        // two rows going leaves it offered.
        counted.add(&row("a".into()));
        counted.add(&row("a".into()));
        counted.remove(&row("a".into()));
        let values = counted.values();
        assert_eq!(values.clients.len(), MAX_CLIENT_OPTIONS);
        assert_eq!(values.clients[0].1, "a");
        counted.remove(&row("a".into()));
        assert_ne!(counted.values().clients[0].1, "a");
    }
}
