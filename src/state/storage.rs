//! `localStorage` and `sessionStorage`, failing soft: a browser that blocks storage
//! (private mode, policies) loses persistence, not the page.

use web_sys::Storage;

/// Where a value lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    /// Until the tab closes: the default for secrets.
    Session,
    /// On this device until removed.
    Local,
}

fn storage(area: Area) -> Option<Storage> {
    let window = web_sys::window()?;
    match area {
        Area::Session => window.session_storage().ok().flatten(),
        Area::Local => window.local_storage().ok().flatten(),
    }
}

pub fn get(area: Area, key: &str) -> Option<String> {
    storage(area)?.get_item(key).ok().flatten()
}

pub fn set(area: Area, key: &str, value: &str) {
    if let Some(storage) = storage(area) {
        let _ = storage.set_item(key, value);
    }
}

pub fn remove(area: Area, key: &str) {
    if let Some(storage) = storage(area) {
        let _ = storage.remove_item(key);
    }
}

/// Every key in `area` starting with `prefix`.
pub fn keys_with_prefix(area: Area, prefix: &str) -> Vec<String> {
    let Some(storage) = storage(area) else {
        return Vec::new();
    };
    let length = storage.length().unwrap_or(0);
    (0..length)
        .filter_map(|index| storage.key(index).ok().flatten())
        .filter(|key| key.starts_with(prefix))
        .collect()
}
