//! Below the table: what the rows cannot show themselves. Rows whose status is
//! not their vendor's own reading (sent without one, or taken from the
//! request's Status filter), with a press to ask the server each chosen status
//! alone, and a search a server ran by its own rules. The words and markup are
//! the core's (`status_gaps`, `search_scope_lines`, `table_notes`): set as one
//! piece, with one click listener.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use logdeck_core::status::Status;

/// The element the count line's pointer brings into view.
pub const NOTES_ID: &str = "table-notes";

/// `markup` is [`crate::state::table_notes::use_table_notes`]'s.
#[component]
pub fn ScopeNotes(
    markup: Memo<String>,
    /// Chooses this status alone.
    ask_alone: Callback<Status>,
) -> impl IntoView {
    let on_click = move |event: leptos::ev::MouseEvent| {
        let status = event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
            .and_then(|element| element.closest("button[data-status]").ok().flatten())
            .and_then(|button| button.get_attribute("data-status"))
            .and_then(|key| Status::from_key(&key));
        if let Some(status) = status {
            ask_alone.run(status);
        }
    };
    view! { <div id=NOTES_ID class="table-notes" on:click=on_click inner_html=move || markup.get()></div> }
}

/// Beside the row count while there are notes: on a phone the table fills the
/// screen and the notes lie below it, unseen.
#[component]
pub fn NotesPointer(markup: Memo<String>) -> impl IntoView {
    let show_notes = move |_| {
        if let Some(notes) = document().get_element_by_id(NOTES_ID) {
            notes.scroll_into_view();
        }
    };
    view! {
        <Show when=move || markup.with(|markup| !markup.is_empty())>
            <button type="button" class="link notes-pointer" on:click=show_notes>"Notes below the table ↓"</button>
        </Show>
    }
}
