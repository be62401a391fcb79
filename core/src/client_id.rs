//! The vendor's own id of who ran a record, beside the name the Client column
//! shows. Names are not unique (two Dify accounts called "Grace", two "Gmail"
//! credentials), so a server filter by client can only be exact when the user
//! picks the id itself: that is this filter (`client_id=account:ada@acme.io` in
//! the URL), which the vendor applies and the browser checks on the same field.

use crate::keyed_enum;
use crate::model::CollectionType;

keyed_enum! {
    /// Which vendor id a [`ClientId`] is, and so which query parameter takes it.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
    pub enum ClientIdKind {
        /// A Dify end user's `session_id`.
        DifySession = ("session", "Dify end-user session"),
        /// A Dify account, by e-mail: Dify's spec says "account ID" for
        /// `created_by_account`, but its server looks the value up as an e-mail.
        DifyAccount = ("account", "Dify account"),
        /// An Aitronos `credential_id`.
        AitronosCredential = ("credential", "Aitronos credential"),
    }
}

impl ClientIdKind {
    /// The only kind of collection whose rows carry this id.
    pub fn collection_type(self) -> CollectionType {
        match self {
            ClientIdKind::DifySession | ClientIdKind::DifyAccount => CollectionType::DifyWorkflows,
            ClientIdKind::AitronosCredential => CollectionType::AitronosConnectors,
        }
    }

    /// The vendor's list parameter that filters by this id.
    pub fn param(self) -> &'static str {
        match self {
            ClientIdKind::DifySession => "created_by_end_user_session_id",
            ClientIdKind::DifyAccount => "created_by_account",
            ClientIdKind::AitronosCredential => "credential_id",
        }
    }
}

/// A vendor's id of a client, typed by what it is.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClientId {
    pub kind: ClientIdKind,
    pub value: String,
}

impl ClientId {
    pub fn new(kind: ClientIdKind, value: impl Into<String>) -> ClientId {
        ClientId {
            kind,
            value: value.into(),
        }
    }

    /// `kind:value`, as the URL, the archive and its API keep it.
    pub fn key(&self) -> String {
        format!("{}:{}", self.kind.key(), self.value)
    }

    /// Reads [`ClientId::key`] back; the value may itself hold colons.
    pub fn from_key(key: &str) -> Option<ClientId> {
        let (kind, value) = key.split_once(':')?;
        let kind = ClientIdKind::from_key(kind)?;
        (!value.is_empty()).then(|| ClientId::new(kind, value))
    }

    /// What the filter shows for it: the kind, the id and the name seen with it.
    pub fn describe(&self, name: Option<&str>) -> String {
        match name.filter(|name| *name != self.value) {
            Some(name) => format!("{name} · {} {}", self.kind.label(), self.value),
            None => format!("{} {}", self.kind.label(), self.value),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_names_the_kind_and_keeps_colons_in_the_value() {
        let id = ClientId::new(ClientIdKind::DifySession, "sess:7:a");
        assert_eq!(id.key(), "session:sess:7:a");
        assert_eq!(ClientId::from_key(&id.key()), Some(id));
        for kind in ClientIdKind::ALL {
            let id = ClientId::new(kind, "x");
            assert_eq!(ClientId::from_key(&id.key()), Some(id));
        }
        assert_eq!(ClientId::from_key("session:"), None, "no value");
        assert_eq!(ClientId::from_key("team:4"), None, "unknown kind");
        assert_eq!(ClientId::from_key("ada@acme.io"), None, "no kind");
    }

    #[test]
    fn each_kind_belongs_to_one_vendor_and_parameter() {
        assert_eq!(
            ClientIdKind::DifyAccount.collection_type(),
            CollectionType::DifyWorkflows
        );
        assert_eq!(ClientIdKind::DifyAccount.param(), "created_by_account");
        assert_eq!(
            ClientIdKind::AitronosCredential.collection_type(),
            CollectionType::AitronosConnectors
        );
    }

    #[test]
    fn the_description_shows_the_name_only_when_it_tells_more() {
        let account = ClientId::new(ClientIdKind::DifyAccount, "ada@acme.io");
        assert_eq!(
            account.describe(Some("Ada Lovelace")),
            "Ada Lovelace · Dify account ada@acme.io"
        );
        let session = ClientId::new(ClientIdKind::DifySession, "s-1");
        assert_eq!(session.describe(Some("s-1")), "Dify end-user session s-1");
        assert_eq!(session.describe(None), "Dify end-user session s-1");
    }
}
