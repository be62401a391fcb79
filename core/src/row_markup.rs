//! A table row as one piece of HTML. The table sets rows by markup, all the
//! rows that enter at one end in one call, instead of about 40 DOM calls a row
//! (one per cell, attribute and text), which is most of what a filter, sort or
//! scroll costs in the browser. Every text from a vendor is escaped here, so
//! markup in a payload stays text.

use std::fmt::Write;

use super::columns::Column;
use super::markup::{Escaped, Marked};
use super::model::LogRecord;
use super::search_terms::SearchTerms;
use super::zone::ZoneRules;

/// How a row's cells are laid out: which columns, the one a sort by a number
/// reads (a phone's card shows it), the zone times are shown in, and the
/// search whose terms the texts mark (people see why a row matched).
pub struct Cells<'a> {
    pub columns: &'a [Column],
    pub sorted_number: Option<Column>,
    pub zone: &'a ZoneRules,
    pub search: Option<&'a SearchTerms>,
    /// About how many characters the Message column shows before its
    /// cut-off, as measured on screen; `None` where unknown (a phone's
    /// cards): a message is then cut as for the narrowest column.
    pub message_chars: Option<usize>,
}

/// A whole `<tr>` for `record` shown at view `position`: its row index for
/// assistive technology (the header row is 1; a click finds its row by it),
/// its key (for reading, not for lookup: the HTML parser turns a CR or NUL in
/// it into something else) and `class`, then its cells. Rows and cells say
/// their roles: a phone lays them out as cards, not as a table, and some
/// browsers then stop reading them as one.
pub fn push_row(
    html: &mut String,
    record: &LogRecord,
    key: &str,
    position: usize,
    class: &str,
    cells: &Cells<'_>,
) {
    let _ = write!(
        html,
        r#"<tr role="row" aria-rowindex="{}" data-key="{}" class="{class}">"#,
        position + 2,
        Escaped(key)
    );
    push_cells(html, record, cells);
    html.push_str("</tr>");
}

/// The `<td>` cells of `record` for `cells.columns`, in order, each classed by
/// its column (`c-time`; a phone lays a row out as a card by these), numbers
/// also `num` and the number sorted by also `sorted`. A non-status cell
/// repeats its text as its title (a cut-off cell shows it whole on hover); the
/// status cell's title names the vendor's own status.
fn push_cells(html: &mut String, record: &LogRecord, cells: &Cells<'_>) {
    for &column in cells.columns {
        let text = column.text(record, cells.zone);
        if column == Column::Status {
            push_status(html, record, &text);
        } else {
            let key = column.key();
            let num = match (column.is_numeric(), cells.sorted_number == Some(column)) {
                (true, true) => " num sorted",
                (true, false) => " num",
                _ => "",
            };
            let places = cells
                .search
                .filter(|_| column.is_searched())
                .map(|search| search.places_in(&text))
                .unwrap_or_default();
            let cut = if column == Column::Message {
                lead_cut(&text, &places, cells.message_chars)
            } else {
                0
            };
            let shown: Vec<_> = places
                .iter()
                .map(|place| place.start - cut..place.end - cut)
                .collect();
            let marked = Marked {
                text: text.get(cut..).unwrap_or(&text),
                places: &shown,
            };
            let lead = if cut > 0 { "…" } else { "" };
            let _ = write!(
                html,
                r#"<td role="cell" class="c-{key}{num}" title="{}">{lead}{marked}</td>"#,
                Escaped(&text)
            );
        }
    }
}

/// Characters of a message shown whole before its first match: a match
/// further in can sit past the cut-off of the Message column, about 18
/// characters wide at 1 024 or 1 280 px (more on wider screens).
const SHOWN_BEFORE_MATCH: usize = 16;
/// Characters of context kept before a match the row's text is cut to: the
/// match then shows in the narrowest Message column.
const CONTEXT_BEFORE_MATCH: usize = 8;
/// Characters further back a cut may go to start at a word rather than
/// inside one.
const WORD_REACH: usize = 8;

/// Where a message's cell starts (a byte offset on a character boundary;
/// before each of `places`) so its first match shows in a column showing
/// `shown` characters: 0 when the match ends within them (within
/// [`SHOWN_BEFORE_MATCH`] characters when unknown), else a little before it,
/// at the start of a word when one lies in that context, never so far back
/// that the match passes the cut-off again. The cell's title keeps the whole
/// text, the detail pane shows it whole.
fn lead_cut(text: &str, places: &[std::ops::Range<usize>], shown: Option<usize>) -> usize {
    let Some(first) = places.first() else {
        return 0;
    };
    let (first, first_end) = (first.start, first.end);
    let before = text.get(..first).unwrap_or_default();
    let chars_before = before.chars().count();
    let match_chars = text.get(first..first_end).map_or(0, |m| m.chars().count());
    // What fits before the match once cut: the ellipsis takes one character.
    let (fits, room) = match shown {
        Some(shown) => (
            chars_before + match_chars < shown,
            shown.saturating_sub(match_chars + 2),
        ),
        None => (
            chars_before <= SHOWN_BEFORE_MATCH,
            CONTEXT_BEFORE_MATCH + WORD_REACH,
        ),
    };
    if fits || chars_before == 0 {
        return 0;
    }
    let context = CONTEXT_BEFORE_MATCH.min(room / 2).max(1);
    let word_reach = WORD_REACH.min(room.saturating_sub(context));
    let char_start = |back: usize| {
        before
            .char_indices()
            .nth(chars_before.saturating_sub(back))
            .map_or(first, |(at, _)| at)
    };
    let context_start = char_start(context);
    let reach = char_start(context + word_reach);
    // Where words start (after a space) from `reach` to the match.
    let mut word_starts = Vec::new();
    let mut after_space = before
        .get(..reach)
        .and_then(|head| head.chars().last())
        .is_some_and(char::is_whitespace);
    for (at, character) in before.get(reach..).unwrap_or_default().char_indices() {
        if after_space && !character.is_whitespace() {
            word_starts.push(reach + at);
        }
        after_space = character.is_whitespace();
    }
    // The first word in the context, else the one the context starts in.
    word_starts
        .iter()
        .find(|&&at| at >= context_start)
        .or_else(|| word_starts.last())
        .copied()
        .unwrap_or(context_start)
}

/// The status cell: its badge, whose title names the vendor's own status, or
/// says the vendor sent none (and, marked `from-request`, that the status is
/// the one the request's filter asked the server for). An audit entry, which
/// has no status but Event, has no title.
fn push_status(html: &mut String, record: &LogRecord, text: &str) {
    let from_request = record.status_from_request();
    let _ = write!(
        html,
        r#"<td role="cell" class="c-status"><span class="status status-{}{}""#,
        record.status.key(),
        if from_request { " from-request" } else { "" }
    );
    // Writing to a String cannot fail.
    let _ = if !record.raw_status.is_empty() {
        write!(
            html,
            r#" title="vendor status: {}""#,
            Escaped(&record.raw_status)
        )
    } else if from_request {
        write!(
            html,
            r#" title="sent without a status: the server returned it for this Status filter""#
        )
    } else if record.status_unsent() {
        write!(html, r#" title="sent without a status""#)
    } else {
        Ok(())
    };
    let _ = write!(html, ">{}</span></td>", Escaped(text));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::Status;
    use crate::test_support::{minute, record};
    use proptest::prelude::*;

    fn row_cells(record: &LogRecord, columns: &[Column], zone: &ZoneRules) -> String {
        let mut html = String::new();
        let cells = Cells {
            columns,
            sorted_number: None,
            zone,
            search: None,
            message_chars: None,
        };
        push_cells(&mut html, record, &cells);
        html
    }

    #[test]
    fn a_search_marks_its_terms_in_the_searched_cells_and_keeps_titles_plain() {
        let mut row = LogRecord {
            collection: "Gmail <digest>".into(),
            message: Some("SMTP answered 500".into()),
            ..record("s", "500", minute(0))
        };
        row.usage.tokens = Some(500);
        let search = SearchTerms::parse("gmail 500").unwrap();
        let mut html = String::new();
        let cells = Cells {
            columns: &[Column::Collection, Column::Message, Column::Tokens],
            sorted_number: None,
            zone: &ZoneRules::utc(),
            search: Some(&search),
            message_chars: None,
        };
        push_cells(&mut html, &row, &cells);
        assert!(
            html.contains(r#"title="Gmail &lt;digest&gt;"><mark>Gmail</mark> &lt;digest&gt;</td>"#),
            "{html}"
        );
        assert!(
            html.contains("SMTP answered <mark>500</mark></td>"),
            "{html}"
        );
        assert_eq!(html.matches("<mark>").count(), 2, "not in a number: {html}");
    }

    #[test]
    fn a_message_whose_match_lies_far_in_shows_from_a_little_before_it() {
        let message = "Scenario step 4 could not deliver the batch to the CRM because the \
                       upstream answered 503 Service Unavailable";
        let row = LogRecord {
            message: Some(message.into()),
            name: Some(message.into()),
            ..record("s", "r1", minute(0))
        };
        let html_for = |typed: &str| {
            let search = SearchTerms::parse(typed).unwrap();
            let mut html = String::new();
            let cells = Cells {
                columns: &[Column::Message, Column::Name],
                sorted_number: None,
                zone: &ZoneRules::utc(),
                search: Some(&search),
                message_chars: None,
            };
            push_cells(&mut html, &row, &cells);
            html
        };
        let far = html_for("503");
        assert!(
            far.contains(r#"">…answered <mark>503</mark> Service Unavailable</td>"#),
            "{far}"
        );
        assert_eq!(far.matches(&format!(r#"title="{message}""#)).count(), 2);
        assert!(
            far.contains(
                r#"">Scenario step 4 could not deliver the batch to the CRM because the upstream answered <mark>503</mark>"#
            ),
            "only the message is cut: {far}"
        );
        let near = html_for("could");
        assert!(
            near.contains(r#"">Scenario step 4 <mark>could</mark> not"#),
            "{near}"
        );
        let wide = "é".repeat(60) + " x";
        assert_eq!(
            lead_cut(&wide, std::slice::from_ref(&(121..122)), None),
            106,
            "no word starts before the match: 8 characters back"
        );
        // Measured, the column's width decides: a match it shows is not cut
        // to, and a cut keeps the match within it.
        let place = message.find("503").unwrap();
        let range = place..place + 3;
        let match_at = std::slice::from_ref(&range);
        assert_eq!(lead_cut(message, match_at, Some(120)), 0, "it fits");
        let cut = lead_cut(message, match_at, Some(14));
        assert_eq!(&message[cut..place], "answered ");
        let cut = lead_cut(message, match_at, Some(8));
        assert_eq!(&message[cut..place], " ", "room for one character only");
    }

    proptest! {
        #[test]
        fn a_cut_message_keeps_its_match_and_some_text_before_it(
            text in "[a-zé ]{0,80}",
            at in 0usize..80,
        ) {
            let first = text.char_indices().nth(at).map(|(byte, _)| byte);
            if let Some(first) = first {
                let end = first + text[first..].chars().next().map_or(0, char::len_utf8);
                let cut = lead_cut(&text, std::slice::from_ref(&(first..end)), None);
                prop_assert!(text.is_char_boundary(cut));
                prop_assert!(cut < first || cut == 0);
                let kept = text[cut..first].chars().count();
                prop_assert!(cut == 0 || (1..=CONTEXT_BEFORE_MATCH + WORD_REACH).contains(&kept));
                prop_assert_eq!(cut == 0, at <= SHOWN_BEFORE_MATCH);
            }
        }

        #[test]
        fn a_cut_to_a_measured_width_keeps_the_match_within_it(
            text in "[a-zé ]{1,80}",
            at in 0usize..80,
            shown in 1usize..60,
        ) {
            let first = text.char_indices().nth(at).map(|(byte, _)| byte);
            if let Some(first) = first {
                let end = first + text[first..].chars().next().map_or(0, char::len_utf8);
                let cut = lead_cut(&text, std::slice::from_ref(&(first..end)), Some(shown));
                prop_assert!(text.is_char_boundary(cut) && cut <= first);
                let kept = text[cut..first].chars().count();
                if cut == 0 {
                    prop_assert!(at == 0 || at + 1 < shown, "cut when it did not fit");
                } else {
                    prop_assert!((1..=shown.saturating_sub(3).max(1)).contains(&kept));
                }
            }
        }
    }

    #[test]
    fn a_row_carries_its_place_escaped_key_and_marks_around_its_cells() {
        let mut row = record("s<1>", "r\"1", minute(600));
        row.status = Status::Success;
        let zone = ZoneRules::utc();
        let mut html = String::new();
        let cells = Cells {
            columns: &[Column::Status],
            sorted_number: None,
            zone: &zone,
            search: None,
            message_chars: None,
        };
        push_row(&mut html, &row, &row.key(), 7, "selected", &cells);
        assert_eq!(
            html,
            format!(
                r#"<tr role="row" aria-rowindex="9" data-key="s&lt;1&gt;:r&quot;1" class="selected">{}</tr>"#,
                row_cells(&row, &[Column::Status], &zone)
            )
        );
    }

    /// Undoes the five escapes, the way a browser reads text and attributes.
    fn unescape(text: &str) -> String {
        text.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&")
    }

    /// The cells' (title, text) pairs, read back from the markup.
    fn cells(html: &str) -> Vec<(String, String)> {
        html.split("</td>")
            .filter(|cell| !cell.is_empty())
            .map(|cell| {
                let title = cell.split("title=\"").nth(1).unwrap_or_default();
                let title = &title[..title.find('"').unwrap_or(0)];
                let text = cell.rsplit('>').next().unwrap_or_default();
                let text = cell
                    .strip_suffix("</span>")
                    .map_or(text, |inner| inner.rsplit('>').next().unwrap_or_default());
                (unescape(title), unescape(text))
            })
            .collect()
    }

    #[test]
    fn every_column_gets_a_cell_with_its_text_and_numbers_align_right() {
        let mut row = record("s", "r1", minute(600));
        row.status = Status::Error;
        row.raw_status = "3".into();
        row.duration_ms = Some(1520);
        let zone = ZoneRules::utc();
        let html = row_cells(&row, &Column::DEFAULT, &zone);
        let read = cells(&html);
        assert_eq!(read.len(), Column::DEFAULT.len());
        for (column, (_, text)) in Column::DEFAULT.iter().zip(&read) {
            assert_eq!(text, &column.text(&row, &zone), "{column:?}");
        }
        assert!(html.contains(
            r#"<td role="cell" class="c-status"><span class="status status-error" title="vendor status: 3">Error</span></td>"#
        ));
        assert!(
            html.contains(r#"<td role="cell" class="c-duration num" title="1.52 s">1.52 s</td>"#)
        );
        assert_eq!(html.matches(r#" num""#).count(), 3);
        assert!(html.contains(r#"<td role="cell" class="c-message" title="#));
    }

    #[test]
    fn a_status_the_vendor_did_not_send_says_so() {
        let zone = ZoneRules::utc();
        let status_of = |status: Status, source: &str| {
            let row = LogRecord {
                status,
                raw_status: String::new(),
                ..record(source, "r1", minute(600))
            };
            row_cells(&row, &[Column::Status], &zone)
        };
        assert_eq!(
            status_of(Status::Error, "ai"),
            concat!(
                r#"<td role="cell" class="c-status"><span class="status status-error from-request" "#,
                r#"title="sent without a status: the server returned it for this Status filter">"#,
                "Error</span></td>"
            )
        );
        assert!(status_of(Status::Unknown, "ai").contains(r#"title="sent without a status">"#));
        assert!(!status_of(Status::Event, "mk/audit").contains("title="));
        // A file's row is as the file says.
        assert!(!status_of(Status::Error, "file:x.csv").contains("from-request"));
    }

    #[test]
    fn the_number_a_sort_reads_is_marked_and_no_other() {
        let mut row = record("s", "r1", minute(600));
        row.duration_ms = Some(20);
        row.usage.tokens = Some(7);
        let mut html = String::new();
        let cells = Cells {
            columns: &[Column::Duration, Column::Tokens],
            sorted_number: Some(Column::Tokens),
            zone: &ZoneRules::utc(),
            search: None,
            message_chars: None,
        };
        push_cells(&mut html, &row, &cells);
        assert_eq!(html.matches(" sorted").count(), 1);
        assert!(html.contains(r#"class="c-tokens num sorted""#));
    }

    #[test]
    fn markup_in_a_payload_stays_text() {
        let mut row = record("s", "r1", minute(600));
        row.status = Status::Warning;
        row.message = Some(r#"<img src=x onerror="alert('x')"> & more"#.into());
        row.raw_status = r#""><script>"#.into();
        let html = row_cells(&row, &[Column::Message, Column::Status], &ZoneRules::utc());
        assert_eq!(
            html,
            concat!(
                r#"<td role="cell" class="c-message" title="&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt; &amp; more">"#,
                r#"&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt; &amp; more</td>"#,
                r#"<td role="cell" class="c-status"><span class="status status-warning" title="vendor status: &quot;&gt;&lt;script&gt;">"#,
                "Warning</span></td>"
            )
        );
    }

    proptest! {
        #[test]
        fn any_text_reads_back_whole_and_never_opens_a_tag(
            name in any::<String>(),
            client in "[<>&\"' a-z]{0,12}",
        ) {
            let mut row = record("s", "r1", minute(600));
            row.status = Status::Success;
            row.name = Some(name.clone());
            row.client = Some(client.clone());
            let html = row_cells(&row, &[Column::Name, Column::Client], &ZoneRules::utc());
            // Only our own four tags open: two cells, each opened and closed.
            prop_assert_eq!(html.matches('<').count(), 4);
            prop_assert_eq!(
                cells(&html),
                vec![(name.clone(), name), (client.clone(), client)]
            );
        }
    }
}
