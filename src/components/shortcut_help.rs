//! `?`: the keyboard shortcuts, in a dialog that `?`, `Esc` or its button closes.

use leptos::prelude::*;

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
    ("/", "search"),
    (
        "← / → on the chart",
        "move between bars; Enter narrows the period to one",
    ),
    ("?", "show or hide this list"),
];

#[component]
pub fn ShortcutHelp(open: RwSignal<bool>) -> impl IntoView {
    let rows = || {
        SHORTCUTS
            .iter()
            .map(|(key, what)| view! { <dt><kbd>{*key}</kbd></dt><dd>{*what}</dd> })
            .collect_view()
    };
    view! {
        <Show when=move || open.get()>
            <div class="shortcuts" role="dialog" aria-modal="true" aria-labelledby="shortcuts-title"
                id="shortcuts" tabindex="-1">
                <h2 id="shortcuts-title">"Keyboard shortcuts"</h2>
                <dl>{rows()}</dl>
                <button type="button" on:click=move |_| open.set(false)>"Close"</button>
            </div>
        </Show>
    }
}
