//! `?`: the keyboard shortcuts, in a dialog that `?`, `Esc` or its button closes.
//! Focus moves into it when it opens and back where it was when it closes.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Key, then what it does, in the order a reader meets them.
const SHORTCUTS: [(&str, &str); 9] = [
    (
        "Tab",
        "first stops: “Skip to content”, then “Skip to the rows”",
    ),
    ("j / ↓", "next row"),
    ("k / ↑", "previous row"),
    ("Enter", "open the row’s detail (focus moves into it)"),
    ("← / →", "previous / next record while the detail is open"),
    ("Esc", "close the detail (focus returns to the rows)"),
    (
        "/",
        "search: rows holding every word, \"quotes\" for a phrase (Enter applies it at once; \
         Esc empties the box, a second Esc leaves it)",
    ),
    (
        "← / → on the chart",
        "move between bars; Enter narrows the period to one",
    ),
    ("?", "show or hide this list"),
];

#[component]
pub fn ShortcutHelp(open: RwSignal<bool>) -> impl IntoView {
    let before = StoredValue::new_local(None::<web_sys::HtmlElement>);
    Effect::new(move |was_open: Option<bool>| {
        let is_open = open.get();
        if is_open && was_open != Some(true) {
            before.set_value(active_element());
            request_animation_frame(|| focus(element_by_id("shortcuts")));
        } else if !is_open && was_open == Some(true) {
            focus(before.try_update_value(Option::take).flatten());
        }
        is_open
    });
    let rows = || {
        SHORTCUTS
            .iter()
            .map(|(key, what)| view! { <dt><kbd>{*key}</kbd></dt><dd>{*what}</dd> })
            .collect_view()
    };
    view! {
        <Show when=move || open.get()>
            <div class="shortcuts" role="dialog" aria-labelledby="shortcuts-title"
                id="shortcuts" tabindex="-1">
                <h2 id="shortcuts-title">"Keyboard shortcuts"</h2>
                <dl>{rows()}</dl>
                <button type="button" on:click=move |_| open.set(false)>"Close"</button>
            </div>
        </Show>
    }
}

fn active_element() -> Option<web_sys::HtmlElement> {
    document()
        .active_element()
        .and_then(|element| element.dyn_into().ok())
}

fn element_by_id(id: &str) -> Option<web_sys::HtmlElement> {
    document()
        .get_element_by_id(id)
        .and_then(|element| element.dyn_into().ok())
}

fn focus(element: Option<web_sys::HtmlElement>) {
    if let Some(element) = element {
        let _ = element.focus();
    }
}
