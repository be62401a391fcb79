//! What the filter bar offers: collection types, statuses, clients and collections,
//! from the configured sources, the loaded rows and the audit logs' `/filters`
//! endpoints, plus where each selected source applies each filter.

use std::collections::{BTreeMap, BTreeSet};

use crate::adapters::Capabilities;
use crate::client_id::ClientId;
use crate::model::{CollectionType, LogRecord};
use crate::query::LogQuery;
use crate::sources::Source;
use crate::status::Status;

/// Distinct clients offered by the Client filter.
pub const MAX_CLIENT_OPTIONS: usize = 300;

/// Distinct values found in rows (or announced by a vendor's `/filters` endpoint).
/// Computed from the rows only, so a filter change does not rescan them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RowValues {
    pub kinds: Vec<CollectionType>,
    pub statuses: Vec<Status>,
    pub clients: Vec<String>,
    pub collections: Vec<String>,
    /// Audit events (`eventName`), for the Event filter.
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
}

/// How many rows hold each value, kept as rows come and go (the timeline's), so
/// a page costs its own rows rather than a rescan of every row loaded.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RowValueCounts {
    kinds: BTreeMap<CollectionType, usize>,
    statuses: BTreeMap<Status, usize>,
    /// Every client: the cap on what is offered applies when reading, so a
    /// row's removal always undoes its addition.
    clients: BTreeMap<String, usize>,
    collections: BTreeMap<String, usize>,
    events: BTreeMap<String, usize>,
    /// With the name first seen beside each.
    client_ids: BTreeMap<ClientId, (Option<String>, usize)>,
}

impl RowValueCounts {
    pub fn add(&mut self, record: &LogRecord) {
        *self.kinds.entry(record.kind).or_default() += 1;
        *self.statuses.entry(record.status).or_default() += 1;
        if let Some(client) = &record.client {
            count(&mut self.clients, client);
        }
        count(&mut self.collections, &record.collection);
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
        uncount(&mut self.kinds, &record.kind);
        uncount(&mut self.statuses, &record.status);
        if let Some(client) = &record.client {
            uncount(&mut self.clients, client.as_str());
        }
        uncount(&mut self.collections, record.collection.as_str());
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

    /// The values with rows, sorted; clients and client ids the first
    /// [`MAX_CLIENT_OPTIONS`] of them.
    pub fn values(&self) -> RowValues {
        RowValues {
            kinds: self.kinds.keys().copied().collect(),
            statuses: self.statuses.keys().copied().collect(),
            clients: self
                .clients
                .keys()
                .take(MAX_CLIENT_OPTIONS)
                .cloned()
                .collect(),
            collections: self.collections.keys().cloned().collect(),
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
    pub statuses: Vec<Status>,
    pub clients: Vec<String>,
    pub collections: Vec<String>,
    /// Audit events; empty when no audit log is configured or announces any.
    pub events: Vec<String>,
    /// Client ids as `(key, label)`: the loaded rows' and the chosen ones.
    pub client_ids: Vec<(String, String)>,
    /// Each selected source's kind and capabilities, for the "where applied" hints.
    pub capabilities: Vec<(CollectionType, Capabilities)>,
}

impl FilterOptions {
    /// Choices from the sources (their kinds, possible statuses and known
    /// collections), the loaded rows and values announced by the vendors.
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
        for source in sources {
            let stream = source.stream();
            let kind = stream.kind();
            types.insert(kind);
            statuses.extend(kind.statuses().iter().copied());
            if source.is_selected_by(query) && !capabilities.iter().any(|(k, _)| *k == kind) {
                capabilities.push((kind, stream.capabilities()));
            }
            collections.extend(stream.fixed_collection().map(str::to_owned));
        }
        // Rows also come from opened files, whose kinds and statuses no source declares.
        for values in [rows, announced] {
            types.extend(values.kinds.iter().copied());
            statuses.extend(values.statuses.iter().copied());
            collections.extend(values.collections.iter().cloned());
        }
        let clients: BTreeSet<String> = rows
            .clients
            .iter()
            .chain(&announced.clients)
            .cloned()
            .collect();
        let events: BTreeSet<String> = rows
            .events
            .iter()
            .chain(&announced.events)
            .cloned()
            .collect();
        let mut client_ids: BTreeMap<&ClientId, Option<&str>> = rows
            .client_ids
            .iter()
            .map(|(id, name)| (id, name.as_deref()))
            .collect();
        for chosen in &query.client_ids {
            client_ids.entry(chosen).or_insert(None);
        }
        FilterOptions {
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
    /// ones present: choosing Error leaves the audit log out, and the choice
    /// says so ("not Make audit log") instead of a source silently vanishing;
    /// Event says "Make audit log only". `None` when it applies to every type.
    pub fn status_scope(&self, status: Status) -> Option<String> {
        let (applies, excluded): (Vec<CollectionType>, Vec<CollectionType>) = self
            .types
            .iter()
            .partition(|kind| kind.statuses().contains(&status));
        let labels = |kinds: &[CollectionType]| {
            kinds
                .iter()
                .map(|k| k.label())
                .collect::<Vec<_>>()
                .join(", ")
        };
        match (applies.len(), excluded.len()) {
            (_, 0) | (0, _) => None,
            (1, _) => Some(format!("{} only", labels(&applies))),
            _ => Some(format!("not {}", labels(&excluded))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::RuntimeConfig;
    use crate::test_support;

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
        let announced = RowValues {
            clients: vec!["bob".into(), "carol".into()],
            collections: vec!["Team A".into()],
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
            types: vec![
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
            types: vec![CollectionType::MakeScenarios],
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
        assert_eq!(values.clients[0], "a");
        counted.remove(&row("a".into()));
        assert_ne!(counted.values().clients[0], "a");
    }
}
