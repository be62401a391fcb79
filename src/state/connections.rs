//! The connections the dashboard reads: the server's `config.json` plus the ones
//! the user added, with keys kept apart from them.
//!
//! Keys live in `sessionStorage` unless the user ticks "remember on this device"
//! (`localStorage`). Connection definitions are stored without keys. Keys are never
//! put in the URL, the page text or the console.

use leptos::prelude::*;

use super::storage::{self, Area};
use logdeck_core::config::{ConfigError, Connection, RuntimeConfig, Secret};
use logdeck_core::vendor::Vendor;
use logdeck_core::vendor_hosts::VendorRelay;

const USER_CONNECTIONS: &str = "logdeck.connections";
const KEY_PREFIX: &str = "logdeck.key.";

/// Where a connection's key comes from, for the connections screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyOrigin {
    Missing,
    /// Shipped in `config.json` (the demo's public keys).
    Config,
    Session,
    Remembered,
}

/// The connection store, provided as context by the app shell.
#[derive(Clone, Copy)]
pub struct Connections {
    /// `config.json`: `None` while loading.
    server: LocalResource<Result<RuntimeConfig, ConfigError>>,
    user: RwSignal<Vec<Connection>>,
    /// Bumped on every key change, so derived configs re-read storage.
    keys_changed: RwSignal<u64>,
}

impl Connections {
    /// Reads `config.json` with `load`, once.
    pub fn new<F>(load: impl Fn() -> F + 'static) -> Self
    where
        F: std::future::Future<Output = Result<RuntimeConfig, ConfigError>> + 'static,
    {
        Connections {
            server: LocalResource::new(load),
            user: RwSignal::new(load_user_connections()),
            keys_changed: RwSignal::new(0),
        }
    }

    /// Every connection with its key, once `config.json` has been read.
    pub fn effective(&self) -> Signal<Option<Result<RuntimeConfig, ConfigError>>> {
        let (server, user, keys_changed) = (self.server, self.user, self.keys_changed);
        Signal::derive(move || {
            keys_changed.track();
            let server = server.get()?;
            Some(server.map(|mut config| {
                config.connections.extend(user.get());
                for connection in &mut config.connections {
                    if let Some(key) = stored_key(connection.id()) {
                        connection.set_key(Some(Secret::new(key.0)));
                    }
                }
                config.route_connections();
                config
            }))
        })
    }

    /// Where the browser reaches `base_url` for `vendor`: this server's relay for
    /// a known vendor host that refuses browser calls, else the URL itself.
    pub fn route(&self, vendor: Vendor, base_url: &str) -> String {
        match self.server.get_untracked() {
            Some(Ok(config)) => config.vendor_relay.route(vendor, base_url),
            _ => base_url.to_owned(),
        }
    }

    /// The vendor hosts this server knows, and whether it relays them.
    pub fn vendor_relay(&self) -> VendorRelay {
        match self.server.get_untracked() {
            Some(Ok(config)) => config.vendor_relay,
            _ => VendorRelay::default(),
        }
    }

    /// Whether `id` was added by the user (and so can be edited and removed).
    pub fn is_user_connection(&self, id: &str) -> bool {
        self.user.with(|user| user.iter().any(|c| c.id() == id))
    }

    /// Adds a connection, or replaces the user connection with the same id.
    pub fn save(&self, connection: Connection) {
        self.user.update(
            |user| match user.iter_mut().find(|c| c.id() == connection.id()) {
                Some(existing) => *existing = connection,
                None => user.push(connection),
            },
        );
        self.persist();
    }

    pub fn remove(&self, id: &str) {
        self.user.update(|user| user.retain(|c| c.id() != id));
        self.set_key(id, None, false);
        self.persist();
    }

    /// Stores a key for this tab, or on this device when `remember`.
    pub fn set_key(&self, id: &str, key: Option<&str>, remember: bool) {
        let name = format!("{KEY_PREFIX}{id}");
        storage::remove(Area::Session, &name);
        storage::remove(Area::Local, &name);
        if let Some(key) = key.filter(|k| !k.trim().is_empty()) {
            let area = if remember { Area::Local } else { Area::Session };
            storage::set(area, &name, key.trim());
        }
        self.keys_changed.update(|n| *n += 1);
    }

    /// Removes every stored key from both storages.
    pub fn forget_all_keys(&self) {
        for area in [Area::Session, Area::Local] {
            for key in storage::keys_with_prefix(area, KEY_PREFIX) {
                storage::remove(area, &key);
            }
        }
        self.keys_changed.update(|n| *n += 1);
    }

    pub fn key_origin(&self, connection: &Connection) -> KeyOrigin {
        self.keys_changed.track();
        match stored_key(connection.id()) {
            Some((_, Area::Session)) => KeyOrigin::Session,
            Some((_, Area::Local)) => KeyOrigin::Remembered,
            None => {
                let from_config = self.server.get().is_some_and(|server| {
                    server
                        .ok()
                        .and_then(|s| {
                            s.connections
                                .into_iter()
                                .find(|c| c.id() == connection.id())
                        })
                        .is_some_and(|c| c.key().is_some())
                });
                if from_config {
                    KeyOrigin::Config
                } else {
                    KeyOrigin::Missing
                }
            }
        }
    }

    fn persist(&self) {
        let stored: Vec<serde_json::Value> = self
            .user
            .with(|user| user.iter().map(Connection::to_json).collect());
        if let Ok(text) = serde_json::to_string(&stored) {
            storage::set(Area::Local, USER_CONNECTIONS, &text);
        }
    }
}

fn stored_key(id: &str) -> Option<(String, Area)> {
    let name = format!("{KEY_PREFIX}{id}");
    storage::get(Area::Session, &name)
        .map(|key| (key, Area::Session))
        .or_else(|| storage::get(Area::Local, &name).map(|key| (key, Area::Local)))
}

/// User connections from `localStorage`; unreadable entries are dropped.
fn load_user_connections() -> Vec<Connection> {
    let Some(text) = storage::get(Area::Local, USER_CONNECTIONS) else {
        return Vec::new();
    };
    RuntimeConfig::parse(&format!(r#"{{"connections":{text}}}"#))
        .map(|config| config.connections)
        .unwrap_or_default()
}
