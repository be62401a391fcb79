//! A compact multi-value filter: a disclosure button listing checkboxes, with
//! a box that narrows a long list as one types.

use std::collections::BTreeSet;

use leptos::prelude::*;
use logdeck_core::filter_options::{is_narrowable, listed_choices};

/// `options` are `(value, label)`; an empty selection means "all".
#[component]
pub fn MultiSelect(
    label: &'static str,
    #[prop(into)] options: Signal<Vec<(String, String)>>,
    #[prop(into)] selected: Signal<BTreeSet<String>>,
    on_change: Callback<BTreeSet<String>>,
) -> impl IntoView {
    let summary = move || {
        let count = selected.with(BTreeSet::len);
        match count {
            0 => format!("{label}: all"),
            1 => {
                let value = selected.with(|s| s.iter().next().cloned().unwrap_or_default());
                let text =
                    options.with(|o| o.iter().find(|(v, _)| *v == value).map(|(_, t)| t.clone()));
                format!("{label}: {}", text.unwrap_or(value))
            }
            n => format!("{label}: {n} selected"),
        }
    };
    // What is typed in the narrowing box: the widget's own, like being open,
    // not the view's (the choices made go to the URL).
    let typed = RwSignal::new(String::new());
    let narrowable = move || options.with(|o| is_narrowable(o.len()));
    let shown = Memo::new(move |_| {
        options.with(|options| selected.with(|s| typed.with(|t| listed_choices(options, s, t))))
    });
    // Keyed, so toggling one box keeps the others (and the focus) in place.
    let boxes = view! {
        <For each=move || shown.get() key=|(value, _)| value.clone() let:((value, text))>
            {
                let checked_value = value.clone();
                let checked = move || selected.with(|s| s.contains(&checked_value));
                let toggle = move |_| {
                    let mut next = selected.get_untracked();
                    if !next.remove(&value) {
                        next.insert(value.clone());
                    }
                    on_change.run(next);
                };
                view! {
                    <label class="option">
                        <input type="checkbox" prop:checked=checked on:change=toggle />
                        <span>{text}</span>
                    </label>
                }
            }
        </For>
    };
    view! {
        <details class="filter multi popover">
            // A long choice is cut short (the whole of it in the title), so
            // choosing one does not push the filters onto another line.
            <summary title=summary><span class="summary-text">{summary}</span></summary>
            <fieldset>
                <legend class="visually-hidden">{label}</legend>
                <Show when=narrowable>
                    <input type="search" class="narrow" placeholder="Find…"
                        aria-label=format!("Find in the {label} list")
                        prop:value=move || typed.get()
                        on:input=move |ev| typed.set(event_target_value(&ev)) />
                </Show>
                {boxes}
                <Show when=move || shown.with(Vec::is_empty) && narrowable()>
                    <p class="none-found">"None matches."</p>
                </Show>
                <Show when=move || selected.with(|s| !s.is_empty())>
                    <button type="button" class="link" on:click=move |_| on_change.run(BTreeSet::new())>"Clear"</button>
                </Show>
            </fieldset>
        </details>
    }
}
