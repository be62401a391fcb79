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

#[cfg(test)]
mod tests {
    use super::*;

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
