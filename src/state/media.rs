//! Whether a CSS media query matches, and the viewport's width, as signals:
//! for the few views whose markup, not only their style, differs by width.

use leptos::ev::resize;
use leptos::prelude::*;

/// The stylesheet's medium widths (`style/main.css`): the table fits the
/// screen without the type column, and the filters need their room.
pub const MEDIUM_WIDTH: &str = "(min-width: 700px) and (max-width: 1279px)";

/// The stylesheet's phone widths: rows are cards, the header a strip of sort
/// buttons.
pub const PHONE_WIDTH: &str = "(max-width: 699px)";

/// Follows `query` as the window is resized, for the calling view's life.
pub fn use_media_query(query: &'static str) -> Signal<bool> {
    use_measured_on_resize(move || {
        window()
            .match_media(query)
            .ok()
            .flatten()
            .is_some_and(|list| list.matches())
    })
}

/// The viewport's width in CSS pixels (what media queries compare), as the
/// window is resized, for the calling view's life.
pub fn use_viewport_width() -> Signal<u32> {
    use_measured_on_resize(|| {
        window()
            .inner_width()
            .ok()
            .and_then(|width| width.as_f64())
            .map_or(0, |width| width.clamp(0.0, f64::from(u32::MAX)) as u32)
    })
}

/// `measure` now and after each resize; the signal changes only when the
/// measure does.
fn use_measured_on_resize<T>(measure: impl Fn() -> T + 'static) -> Signal<T>
where
    T: Clone + PartialEq + Send + Sync + 'static,
{
    let measured = RwSignal::new(measure());
    let listener = window_event_listener(resize, move |_| {
        let now = measure();
        if measured.with_untracked(|then| *then != now) {
            measured.set(now);
        }
    });
    on_cleanup(move || listener.remove());
    measured.into()
}
