//! What the page says once an export is saved: how many rows the file holds,
//! and every way it may fall short of the view (rows that could not be read,
//! messages not read, runs a search could not look into), so a file is never
//! taken for more than it is.

/// What an export wrote, counted as it went.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExportCounts {
    /// Rows written.
    pub rows: usize,
    /// Rows written without the message their source reads by a call per row
    /// (Make's error and warning runs not read in this tab).
    pub without_message: usize,
    /// Rows left out only because a search could not look in their message
    /// (read by a call of its own, not read in this tab): they may match.
    pub unsearched: usize,
}

/// "Downloaded N rows as F.", naming the sources whose unreadable rows are not
/// in it (`skipped`: label and count), and the rows without a message or not
/// searched.
pub fn saved_note(counts: ExportCounts, name: &str, skipped: &[(String, usize)]) -> String {
    let mut note = format!("Downloaded {} as {name}.", rows(counts.rows));
    let unread: Vec<String> = skipped
        .iter()
        .filter(|(_, count)| *count > 0)
        .map(|(label, count)| format!("{label}: {count}"))
        .collect();
    if !unread.is_empty() {
        note.push_str(&format!(
            " Rows that could not be read are not in it ({}).",
            unread.join(", ")
        ));
    }
    match counts.without_message {
        0 => {}
        1 => note.push_str(
            " 1 error or warning row is without its message: it is read by a call of its own, and was not read in this tab.",
        ),
        n => note.push_str(&format!(
            " {n} error and warning rows are without their message: each is read by a call of its own, and these were not read in this tab."
        )),
    }
    match counts.unsearched {
        0 => {}
        1 => note.push_str(
            " 1 error or warning run was not searched: its message is read by a call of its own, and was not read in this tab, so it may match and is not in the file. Read the messages on the page first to search them.",
        ),
        n => note.push_str(&format!(
            " {n} error and warning runs were not searched: each message is read by a call of its own, and these were not read in this tab, so they may match and are not in the file. Read the messages on the page first to search them."
        )),
    }
    note
}

/// "1 row", "3 rows".
fn rows(count: usize) -> String {
    match count {
        1 => "1 row".to_owned(),
        n => format!("{n} rows"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_whole_export_says_only_its_rows() {
        let counts = ExportCounts {
            rows: 1,
            ..ExportCounts::default()
        };
        assert_eq!(
            saved_note(counts, "logs.csv", &[("Make · Billing".to_owned(), 0)]),
            "Downloaded 1 row as logs.csv."
        );
    }

    #[test]
    fn every_shortfall_of_the_file_is_named() {
        let counts = ExportCounts {
            rows: 40,
            without_message: 2,
            unsearched: 1,
        };
        let skipped = [
            ("Make · Billing".to_owned(), 3),
            ("Dify · Support".to_owned(), 0),
            ("Aitronos · Ops".to_owned(), 1),
        ];
        let note = saved_note(counts, "logs.csv", &skipped);
        assert!(note.starts_with(
            "Downloaded 40 rows as logs.csv. Rows that could not be read are not in it (Make · Billing: 3, Aitronos · Ops: 1)."
        ));
        assert!(note.contains(" 2 error and warning rows are without their message:"));
        assert!(note.contains(" 1 error or warning run was not searched:"));
        let one = saved_note(
            ExportCounts {
                without_message: 1,
                unsearched: 3,
                ..counts
            },
            "logs.csv",
            &[],
        );
        assert!(one.contains(" 1 error or warning row is without its message:"));
        assert!(one.contains(" 3 error and warning runs were not searched:"));
    }
}
