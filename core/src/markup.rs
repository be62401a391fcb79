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

/// `<option>`s whose value and label are each of `values`, in order: the
/// time zone list is 400-odd options, about 1 200 DOM calls built one by one.
pub fn options(values: &[String]) -> String {
    let mut html = String::with_capacity(values.iter().map(|v| 2 * v.len() + 30).sum());
    for value in values {
        let value = Escaped(value);
        let _ = std::fmt::Write::write_fmt(
            &mut html,
            format_args!(r#"<option value="{value}">{value}</option>"#),
        );
    }
    html
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
    fn options_carry_each_value_escaped_as_value_and_label() {
        let values = ["Europe/Berlin".to_owned(), r#"a"<b>&'"#.to_owned()];
        assert_eq!(
            options(&values),
            concat!(
                r#"<option value="Europe/Berlin">Europe/Berlin</option>"#,
                r#"<option value="a&quot;&lt;b&gt;&amp;&#39;">a&quot;&lt;b&gt;&amp;&#39;</option>"#
            )
        );
        assert_eq!(options(&[]), "");
    }
}
