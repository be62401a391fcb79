//! Content built one task after the page around it: a page's first build is
//! then two tasks, and a slow phone can paint and take input between them.

use std::time::Duration;

use leptos::prelude::*;

/// Renders `children` in a task of its own after the rest of the page. Only
/// for what ends a page: it appears a moment later, and would move anything
/// below it.
#[component]
pub fn Deferred(children: ChildrenFn) -> impl IntoView {
    let ready = RwSignal::new(false);
    set_timeout(
        move || {
            ready.try_set(true);
        },
        Duration::ZERO,
    );
    view! { <Show when=move || ready.get()>{children()}</Show> }
}
