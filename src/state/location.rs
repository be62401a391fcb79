//! The page's address as a signal, and the app's own navigation: which screen
//! shows, links followed without a reload, back and forward.
//!
//! A change of view sets the signal at once and writes the browser's history
//! in a task of its own right after: a history write costs about 1.5 ms, which
//! the browser can then spend after painting the change rather than before.
//! Back or forward drops writes still waiting, since the browser has already
//! moved.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

use logdeck_core::screen::Screen;

use crate::state::url::HistoryEntry;

/// The address: its path and its query string (without `?`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Address {
    path: String,
    search: String,
}

impl Address {
    fn of_window() -> Self {
        let location = window().location();
        Address {
            path: location.pathname().unwrap_or_else(|_| "/".to_owned()),
            search: location
                .search()
                .unwrap_or_default()
                .trim_start_matches('?')
                .to_owned(),
        }
    }
}

/// History writes waiting for their task, oldest first.
type PendingWrites = Rc<RefCell<Vec<(String, HistoryEntry)>>>;

/// The app's address and its navigation; cheap to copy into closures.
#[derive(Clone, Copy)]
pub struct Location {
    address: RwSignal<Address>,
    pending: StoredValue<PendingWrites, LocalStorage>,
}

impl Location {
    /// The query string, tracked: a view derived from it follows every change.
    pub fn search(self) -> Signal<String> {
        Signal::derive(move || self.address.with(|a| a.search.clone()))
    }

    /// The path now, untracked.
    pub fn current_path(self) -> String {
        self.address.with_untracked(|a| a.path.clone())
    }

    /// Whether `path` is the path shown, tracked (a link marks the page it is on).
    pub fn is_at(self, path: &'static str) -> Signal<bool> {
        Signal::derive(move || {
            self.address
                .with(|a| Screen::at(&a.path) == Screen::at(path))
        })
    }

    /// The screen shown, changing only when the screen does.
    pub fn screen(self) -> Memo<Screen> {
        Memo::new(move |_| self.address.with(|a| Screen::at(&a.path)))
    }

    /// Shows `path` with query `search` now; history follows in a task of its own.
    pub fn navigate(self, path: &str, search: &str, entry: HistoryEntry) {
        let next = Address {
            path: path.to_owned(),
            search: search.to_owned(),
        };
        if self.address.with_untracked(|a| *a == next) {
            return;
        }
        let target = if search.is_empty() {
            next.path.clone()
        } else {
            format!("{path}?{search}")
        };
        self.address.set(next);
        let pending = self.pending.get_value();
        let first = pending.borrow().is_empty();
        pending.borrow_mut().push((target, entry));
        if first {
            let later = Rc::clone(&pending);
            if !after_this_task(move || write_history(&later)) {
                write_history(&pending);
            }
        }
    }
}

/// Runs `then` in a task of its own after this one (a message to itself), so
/// the browser may paint between them; `false` when it cannot be scheduled.
/// Not a timer: timers wait behind a page's throttling or a stopped clock.
fn after_this_task(then: impl FnOnce() + 'static) -> bool {
    let Ok(channel) = web_sys::MessageChannel::new() else {
        return false;
    };
    channel
        .port1()
        .set_onmessage(Some(Closure::once_into_js(then).unchecked_ref()));
    let posted = channel.port2().post_message(&JsValue::NULL).is_ok();
    if !posted {
        channel.port1().set_onmessage(None);
    }
    posted
}

fn write_history(pending: &PendingWrites) {
    let Ok(history) = window().history() else {
        return;
    };
    for (target, entry) in pending.borrow_mut().drain(..) {
        let written = match entry {
            HistoryEntry::Push => history.push_state_with_url(&JsValue::NULL, "", Some(&target)),
            HistoryEntry::Replace => {
                history.replace_state_with_url(&JsValue::NULL, "", Some(&target))
            }
        };
        if let Err(error) = written {
            leptos::logging::warn!("the address bar could not follow the view: {error:?}");
        }
    }
}

/// Provides the app's [`Location`]: follows back and forward, and follows links
/// to the app's own pages without reloading it.
pub fn provide_location() -> Location {
    let location = Location {
        address: RwSignal::new(Address::of_window()),
        pending: StoredValue::new_local(PendingWrites::default()),
    };
    let popstate = window_event_listener(leptos::ev::popstate, move |_| {
        location.pending.get_value().borrow_mut().clear();
        let now = Address::of_window();
        if location.address.with_untracked(|a| *a != now) {
            location.address.set(now);
        }
    });
    let click = window_event_listener(leptos::ev::click, move |ev| {
        if let Some((path, search)) = own_link(&ev) {
            ev.prevent_default();
            location.navigate(&path, &search, HistoryEntry::Push);
            // Written now, before the scroll: the entry left keeps its own
            // scroll position for back. Another page starts at its top.
            write_history(&location.pending.get_value());
            window().scroll_to_with_x_and_y(0.0, 0.0);
        }
    });
    on_cleanup(move || {
        popstate.remove();
        click.remove();
    });
    provide_context(location);
    location
}

/// The app's [`Location`] (provided by the app shell).
pub fn use_location() -> Location {
    expect_context::<Location>()
}

/// The path and query of a plain click on a link to another view of this app;
/// `None` leaves the click to the browser (a new tab, a download, another
/// site, a link marked `rel="external"`, one with a `#fragment` to jump to).
fn own_link(ev: &leptos::ev::MouseEvent) -> Option<(String, String)> {
    if ev.default_prevented()
        || ev.button() != 0
        || ev.meta_key()
        || ev.ctrl_key()
        || ev.shift_key()
        || ev.alt_key()
    {
        return None;
    }
    let target = ev.target()?.dyn_into::<web_sys::Element>().ok()?;
    let anchor = target
        .closest("a[href]")
        .ok()??
        .dyn_into::<web_sys::HtmlAnchorElement>()
        .ok()?;
    let opens_elsewhere = !matches!(anchor.target().as_str(), "" | "_self");
    let external = anchor
        .rel()
        .split_ascii_whitespace()
        .any(|rel| rel == "external");
    if opens_elsewhere || external || anchor.has_attribute("download") || !anchor.hash().is_empty()
    {
        return None;
    }
    if anchor.origin() != window().location().origin().ok()? {
        return None;
    }
    let search = anchor.search();
    Some((anchor.pathname(), search.trim_start_matches('?').to_owned()))
}
