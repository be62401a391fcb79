//! The page's disclosure popovers (`<details class="popover">`: a filter's
//! list, a filter's where-applied hint, the sources' lines) close as menus do:
//! on a press anywhere outside them, and on Esc from inside one, which hands
//! the focus back to its summary.

use leptos::ev::{keydown, pointerdown, KeyboardEvent, PointerEvent};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, Node};

const OPEN_POPOVERS: &str = "details.popover[open]";

/// Installs the dismissal for the page's life.
pub fn use_popover_dismissal() {
    let press = window_event_listener(pointerdown, |ev: PointerEvent| {
        let pressed = ev.target().and_then(|t| t.dyn_into::<Node>().ok());
        for popover in open_popovers() {
            if !popover.contains(pressed.as_ref()) {
                let _ = popover.remove_attribute("open");
            }
        }
    });
    // Registered before the dashboard's keys: an Esc that closes a popover is
    // marked handled, so it does not also close the detail pane.
    let escape = window_event_listener(keydown, |ev: KeyboardEvent| {
        if ev.key() != "Escape" || ev.default_prevented() {
            return;
        }
        let popover = ev
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .and_then(|element| element.closest(OPEN_POPOVERS).ok().flatten());
        let Some(popover) = popover else {
            return;
        };
        ev.prevent_default();
        let _ = popover.remove_attribute("open");
        let summary = popover.query_selector("summary").ok().flatten();
        if let Some(summary) = summary.and_then(|s| s.dyn_into::<HtmlElement>().ok()) {
            let _ = summary.focus();
        }
    });
    on_cleanup(move || {
        press.remove();
        escape.remove();
    });
}

fn open_popovers() -> Vec<Element> {
    let found = document().query_selector_all(OPEN_POPOVERS).ok();
    let Some(found) = found else {
        return Vec::new();
    };
    (0..found.length())
        .filter_map(|index| found.item(index))
        .filter_map(|node| node.dyn_into::<Element>().ok())
        .collect()
}
