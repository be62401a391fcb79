//! Markup the app writes as one string and hands to the browser in one call,
//! where building it node by node through the DOM costs a call per element,
//! attribute and text. Every text is escaped here.

/// Text made safe for an HTML text node or a quoted attribute value.
pub struct Escaped<'a>(pub &'a str);

impl std::fmt::Display for Escaped<'_> {
    fn fmt(&self, out: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut rest = self.0;
        while let Some(at) = rest.find(['&', '<', '>', '"', '\'']) {
            out.write_str(&rest[..at])?;
            out.write_str(match rest.as_bytes()[at] {
                b'&' => "&amp;",
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'"' => "&quot;",
                _ => "&#39;",
            })?;
            rest = &rest[at + 1..];
        }
        out.write_str(rest)
    }
}

/// Text made safe for an HTML text node, with each of `places` (ordered,
/// disjoint byte ranges on its character boundaries, as
/// [`crate::search_terms::SearchTerms::places_in`] gives) in a `<mark>`.
pub struct Marked<'a> {
    pub text: &'a str,
    pub places: &'a [std::ops::Range<usize>],
}

impl std::fmt::Display for Marked<'_> {
    fn fmt(&self, out: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut from = 0;
        for place in self.places {
            let (Some(before), Some(marked)) = (
                self.text.get(from..place.start),
                self.text.get(place.clone()),
            ) else {
                continue;
            };
            write!(out, "{}<mark>{}</mark>", Escaped(before), Escaped(marked))?;
            from = place.end;
        }
        write!(
            out,
            "{}",
            Escaped(self.text.get(from..).unwrap_or_default())
        )
    }
}

/// `text` as markup, with `search`'s terms marked within the byte range
/// `searched` of it (the part a search reads: all of a message, the vendor's
/// own status in "Error (vendor: failed)"), plain text escaped elsewhere and
/// without a search: a field of the detail pane, set as its inner HTML.
pub fn marked(
    text: &str,
    search: Option<&crate::search_terms::SearchTerms>,
    searched: std::ops::Range<usize>,
) -> String {
    let start = searched.start;
    let places: Vec<std::ops::Range<usize>> = search
        .zip(text.get(searched))
        .map(|(search, part)| {
            let places = search.places_in(part);
            places
                .into_iter()
                .map(|place| place.start + start..place.end + start)
                .collect()
        })
        .unwrap_or_default();
    Marked {
        text,
        places: &places,
    }
    .to_string()
}

/// A record id as markup, its start marked where a term finds it
/// ([`crate::search_terms::SearchTerms::id_places`]): a number inside it
/// finds nothing, so marks nothing.
pub fn marked_id(id: &str, search: Option<&crate::search_terms::SearchTerms>) -> String {
    let places = search
        .map(|search| search.id_places(id))
        .unwrap_or_default();
    Marked {
        text: id,
        places: &places,
    }
    .to_string()
}

/// The time zones' `<option>`s (400-odd, about 1 200 DOM calls built one by
/// one): each IANA name as the value, labelled city first ("New York ·
/// America") and in the labels' order, so typing a city's first letters in
/// the closed list finds it, as the browser's list only matches a label's
/// start.
pub fn zone_options(names: &[String]) -> String {
    let mut labelled: Vec<(String, &String)> =
        names.iter().map(|name| (zone_label(name), name)).collect();
    labelled.sort_unstable();
    let mut html = String::with_capacity(names.iter().map(|name| 2 * name.len() + 30).sum());
    for (label, name) in labelled {
        let _ = std::fmt::Write::write_fmt(
            &mut html,
            format_args!(
                r#"<option value="{}">{}</option>"#,
                Escaped(name),
                Escaped(&label)
            ),
        );
    }
    html
}

/// "America/Argentina/Buenos_Aires" reads "Buenos Aires · America/Argentina";
/// a name without a region ("UTC") reads as itself.
fn zone_label(name: &str) -> String {
    match name.rsplit_once('/') {
        Some((region, city)) => format!("{} · {region}", city.replace('_', " ")),
        None => name.replace('_', " "),
    }
}

/// The notes below the table ([`crate::search_scope`], [`crate::status_gaps`]):
/// a paragraph each, the statuses a gap offers asked alone as buttons that
/// name their status in `data-status` (one click listener reads it).
pub fn table_notes(search_lines: &[String], gaps: &[crate::status_gaps::StatusGap]) -> String {
    use std::fmt::Write;
    let mut html = String::new();
    for line in search_lines {
        let _ = write!(
            html,
            r#"<p class="table-note search-scope" role="note">{}</p>"#,
            Escaped(line)
        );
    }
    for gap in gaps {
        let _ = write!(
            html,
            r#"<p class="table-note status-gaps" role="note">{}"#,
            Escaped(&gap.line)
        );
        for status in &gap.ask_alone {
            let _ = write!(
                html,
                r#" <button type="button" data-status="{}">{} alone</button>"#,
                status.key(),
                status.label()
            );
        }
        html.push_str("</p>");
    }
    html
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::Status;
    use crate::status_gaps::StatusGap;

    #[test]
    fn marked_text_is_escaped_inside_and_outside_its_marks() {
        let text = "<b>Gmail</b> & 500";
        let both = Marked {
            text,
            places: &[3..8, 15..18],
        };
        assert_eq!(
            both.to_string(),
            "&lt;b&gt;<mark>Gmail</mark>&lt;/b&gt; &amp; <mark>500</mark>"
        );
        // A place off the text's characters is skipped, never a panic.
        let off = Marked {
            text: "é",
            places: &[std::ops::Range { start: 1, end: 2 }],
        };
        assert_eq!(off.to_string(), "é");
        let search = crate::search_terms::SearchTerms::parse("mail").unwrap();
        assert_eq!(
            marked("G<mail>", Some(&search), 0..7),
            "G&lt;<mark>mail</mark>&gt;"
        );
        assert_eq!(marked("G<mail>", None, 0..7), "G&lt;mail&gt;");
        let status = "Email (vendor: mail)";
        assert_eq!(
            marked(status, Some(&search), 15..19),
            "Email (vendor: <mark>mail</mark>)",
            "only within the part searched"
        );
        assert_eq!(
            marked("é", Some(&search), 1..2),
            "é",
            "a range off the text marks nothing"
        );
    }

    #[test]
    fn table_notes_are_escaped_paragraphs_with_a_button_per_status_asked_alone() {
        let gaps = [StatusGap {
            line: "Of <3 rows".into(),
            ask_alone: vec![Status::Error, Status::Timeout],
        }];
        assert_eq!(
            table_notes(&["searched “a&b”".into()], &gaps),
            concat!(
                r#"<p class="table-note search-scope" role="note">searched “a&amp;b”</p>"#,
                r#"<p class="table-note status-gaps" role="note">Of &lt;3 rows"#,
                r#" <button type="button" data-status="error">Error alone</button>"#,
                r#" <button type="button" data-status="timeout">Timeout alone</button></p>"#
            )
        );
        assert_eq!(table_notes(&[], &[]), "");
    }

    #[test]
    fn zones_are_listed_city_first_in_the_labels_order_with_names_as_values() {
        let names = [
            "Europe/Berlin",
            "America/Argentina/Buenos_Aires",
            "UTC",
            "America/New_York",
            r#"a"<b>/&'"#,
        ]
        .map(str::to_owned);
        assert_eq!(
            zone_options(&names),
            concat!(
                r#"<option value="a&quot;&lt;b&gt;/&amp;&#39;">&amp;&#39; · a&quot;&lt;b&gt;</option>"#,
                r#"<option value="Europe/Berlin">Berlin · Europe</option>"#,
                r#"<option value="America/Argentina/Buenos_Aires">Buenos Aires · America/Argentina</option>"#,
                r#"<option value="America/New_York">New York · America</option>"#,
                r#"<option value="UTC">UTC</option>"#,
            )
        );
        assert_eq!(zone_options(&[]), "");
    }
}
