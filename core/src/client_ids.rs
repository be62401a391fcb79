//! Client filters that a vendor applies by id while the table shows a name.
//!
//! Dify filters runs by end-user session id or account e-mail, Aitronos by
//! credential id, and the Client column shows an account's or credential's name.
//! The URL keeps the name (what a colleague reads). Names are not unique, so an id
//! is only trusted where every row the query selects in the window was loaded
//! without a client filter (the source's load is complete): then each id the name
//! stands for was seen, and a name seen with two ids sends none. Anywhere else the
//! browser filters: a guessed id would hide rows.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use crate::model::SharedRecord;
use crate::sources::Source;

/// The server parameter and value that select one client's rows in one source.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ClientId {
    pub param: &'static str,
    pub value: String,
}

/// The client id each source sends, by source id.
pub type ClientIds = BTreeMap<String, ClientId>;

/// The ids for the one client in `clients`, from the `records` of the sources in
/// `complete` (loaded whole for this window and these filters, without a client
/// filter on the server); empty when several clients (or none) are chosen, since
/// each of these APIs takes one value.
pub fn resolve(
    sources: &[Source],
    clients: &BTreeSet<String>,
    records: &[SharedRecord],
    complete: &HashSet<String>,
) -> ClientIds {
    let mut found: BTreeMap<String, ClientId> = BTreeMap::new();
    let mut ambiguous: HashSet<String> = HashSet::new();
    let [client] = clients.iter().collect::<Vec<_>>()[..] else {
        return found;
    };
    for record in records {
        if record.client.as_ref() != Some(client)
            || ambiguous.contains(&record.source)
            || !complete.contains(&record.source)
        {
            continue;
        }
        let Some(remote) = sources
            .iter()
            .find(|source| source.id() == record.source)
            .and_then(Source::remote)
        else {
            continue;
        };
        let Some(id) = remote.client_id(record) else {
            ambiguous.insert(record.source.clone());
            continue;
        };
        match found.get(&record.source) {
            Some(known) if *known != id => {
                found.remove(&record.source);
                ambiguous.insert(record.source.clone());
            }
            Some(_) => {}
            None => {
                found.insert(record.source.clone(), id);
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::RuntimeConfig;
    use crate::model::{CollectionType, LogRecord, RawJson};
    use crate::status::Status;
    use chrono::{TimeZone, Utc};
    use serde_json::json;
    use std::sync::Arc;

    const CONFIG: &str = r#"{"connections":[
        {"vendor":"dify","id":"df","name":"Support bot","baseUrl":"/demo/dify/v1","key":"k"},
        {"vendor":"aitronos","id":"ai","name":"Aitronos","baseUrl":"/demo/aitronos","key":"k","organizationId":"org"}
    ]}"#;

    fn sources() -> Vec<Source> {
        Source::expand(&RuntimeConfig::parse(CONFIG).unwrap())
    }

    fn row(source: &str, client: &str, raw: serde_json::Value) -> SharedRecord {
        Arc::new(LogRecord {
            source: source.into(),
            kind: CollectionType::DifyWorkflows,
            id: "r".into(),
            timestamp: Utc.timestamp_opt(1_700_000_000, 0).unwrap(),
            status: Status::Success,
            raw_status: String::new(),
            client: Some(client.into()),
            collection: "c".into(),
            name: None,
            duration_ms: None,
            usage: Default::default(),
            message: None,
            vendor_link: None,
            raw: RawJson::of(&raw),
        })
    }

    /// Both sources loaded whole.
    fn both() -> HashSet<String> {
        HashSet::from(["df".to_owned(), "ai".to_owned()])
    }

    fn one(client: &str) -> BTreeSet<String> {
        BTreeSet::from([client.to_owned()])
    }

    #[test]
    fn each_source_sends_the_id_behind_the_name_it_shows() {
        let rows = [
            row(
                "df",
                "Grace",
                json!({"created_by_account": {"id": "a1", "name": "Grace", "email": "grace@acme.io"}}),
            ),
            row("ai", "Grace", json!({"credential_id": "cred-7"})),
            row(
                "df",
                "Ada",
                json!({"created_by_account": {"id": "a2", "name": "Ada", "email": "ada@acme.io"}}),
            ),
        ];
        let ids = resolve(&sources(), &one("Grace"), &rows, &both());
        assert_eq!(
            ids,
            BTreeMap::from([
                (
                    "df".to_owned(),
                    ClientId {
                        param: "created_by_account",
                        value: "grace@acme.io".into()
                    }
                ),
                (
                    "ai".to_owned(),
                    ClientId {
                        param: "credential_id",
                        value: "cred-7".into()
                    }
                ),
            ])
        );
    }

    #[test]
    fn a_name_seen_with_two_ids_or_none_is_left_to_the_browser() {
        let twice = [
            row(
                "df",
                "Grace",
                json!({"created_by_account": {"id": "a1", "name": "Grace", "email": "grace@acme.io"}}),
            ),
            row(
                "df",
                "Grace",
                json!({"created_by_end_user": {"id": "u", "session_id": "Grace"}}),
            ),
            row(
                "df",
                "Grace",
                json!({"created_by_account": {"id": "a1", "name": "Grace", "email": "grace@acme.io"}}),
            ),
        ];
        assert_eq!(
            resolve(&sources(), &one("Grace"), &twice, &both()),
            ClientIds::new()
        );
        let no_id = [row("ai", "Gmail", json!({"credential_name": "Gmail"}))];
        assert_eq!(
            resolve(&sources(), &one("Gmail"), &no_id, &both()),
            ClientIds::new()
        );
    }

    #[test]
    fn a_source_not_loaded_whole_sends_nothing() {
        // Another "Grace" may be among the rows not loaded yet.
        let rows = [row(
            "df",
            "Grace",
            json!({"created_by_account": {"id": "a1", "name": "Grace", "email": "grace@acme.io"}}),
        )];
        let only_aitronos = HashSet::from(["ai".to_owned()]);
        assert_eq!(
            resolve(&sources(), &one("Grace"), &rows, &only_aitronos),
            ClientIds::new()
        );
    }

    #[test]
    fn several_clients_or_unseen_ones_send_nothing() {
        let rows = [row(
            "df",
            "Grace",
            json!({"created_by_account": {"id": "a1", "name": "Grace", "email": "grace@acme.io"}}),
        )];
        let both_clients = BTreeSet::from(["Grace".to_owned(), "Ada".to_owned()]);
        assert_eq!(
            resolve(&sources(), &both_clients, &rows, &both()),
            ClientIds::new()
        );
        assert_eq!(
            resolve(&sources(), &one("Linus"), &rows, &both()),
            ClientIds::new()
        );
    }
}
