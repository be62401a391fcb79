//! The notes below the table (what the rows cannot show themselves), as the
//! core words and marks them up: one memo, read by the notes and by the count
//! line's pointer to them, which a phone needs since the table fills its screen.

use leptos::prelude::*;

use logdeck_core::markup::table_notes;
use logdeck_core::query::LogQuery;
use logdeck_core::search_scope::search_scope_lines;
use logdeck_core::sources::Source;
use logdeck_core::status_gaps::status_gaps;
use logdeck_core::timeline::Timeline;

/// The notes' markup for `query`'s rows (`rows`, indices into the
/// timeline); empty when there is nothing to say.
pub fn use_table_notes(
    timeline: RwSignal<Timeline>,
    query: Memo<LogQuery>,
    sources: Signal<Vec<Source>>,
    rows: Memo<Vec<usize>>,
) -> Memo<String> {
    // Only the types' tallies are read on a page's arrival, not the rows.
    let tallies = Memo::new(move |_| timeline.with(Timeline::status_tallies));
    Memo::new(move |_| {
        query.with(|query| {
            sources.with(|sources| {
                // Rows are read only for a type whose rows took their status
                // from the request, to the first of that type.
                let shown =
                    |kind| rows.with(|rows| timeline.with(|t| t.has_kind_among(rows, kind)));
                let gaps = tallies.with(|tallies| status_gaps(query, sources, tallies, &shown));
                table_notes(&search_scope_lines(query, sources), &gaps)
            })
        })
    })
}
