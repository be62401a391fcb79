//! Texts a search reads, in a few large blocks of memory rather than one
//! allocation per text: a search then reads them in the order they lie, and
//! 100 000 rows carry no per-text allocation; and the needle it looks for.

/// Bytes a block holds; a longer text gets a block of its own. A text then
/// starts within a block's first 64 KiB, so its place takes 8 bytes.
const BLOCK: usize = 64 * 1024;

/// Texts by place (the rows' own search texts by row in load order, or a
/// column's distinct texts by number). A changed text is written after the
/// others; once the texts nothing reads outweigh the rest, every text is
/// written afresh.
#[derive(Debug, Clone, Default)]
pub(crate) struct SearchTexts {
    blocks: Vec<String>,
    /// The block short texts are written to; a text over a block's size goes
    /// in a block of its own and leaves this one filling.
    filling: usize,
    /// Per place: its block, and where its text starts and ends there.
    spans: Vec<Span>,
    /// Bytes written, and of them those nothing reads any more.
    written: usize,
    stale: usize,
}

/// Where a text lies. 65 536 blocks of at least 64 KiB fill the 4 GiB a
/// wasm32 memory holds at most, so the block's number always fits (the
/// timeline lives in the browser only).
#[derive(Debug, Clone, Copy)]
struct Span {
    block: u16,
    start: u16,
    end: u32,
}

impl SearchTexts {
    /// Adds the text of the row after the last one.
    pub(crate) fn push(&mut self, text: &str) {
        let span = self.write(text);
        self.spans.push(span);
    }

    /// Replaces the text of `row`.
    pub(crate) fn set(&mut self, row: usize, text: &str) {
        let Some(old) = self.spans.get(row).copied() else {
            return;
        };
        self.stale += (old.end - u32::from(old.start)) as usize;
        let span = self.write(text);
        self.spans[row] = span;
        if self.stale > self.written / 2 {
            self.retain(|_| true);
        }
    }

    /// Keeps the texts of the rows `keep` accepts (by row), in order.
    pub(crate) fn retain(&mut self, mut keep: impl FnMut(usize) -> bool) {
        let old = std::mem::take(self);
        for row in 0..old.spans.len() {
            if keep(row) {
                self.push(old.get(row));
            }
        }
    }

    /// The text of `row`; empty past the last row.
    pub(crate) fn get(&self, row: usize) -> &str {
        self.spans
            .get(row)
            .and_then(|span| {
                self.blocks
                    .get(span.block as usize)?
                    .get(span.start as usize..span.end as usize)
            })
            .unwrap_or("")
    }

    /// The text of `row` as bytes, as a search reads it; empty past the last
    /// row.
    pub(crate) fn bytes(&self, row: usize) -> &[u8] {
        self.spans
            .get(row)
            .and_then(|span| {
                self.blocks
                    .get(usize::from(span.block))?
                    .as_bytes()
                    .get(usize::from(span.start)..span.end as usize)
            })
            .unwrap_or_default()
    }

    /// Every row's text, in row order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.spans.len()).map(|row| self.get(row))
    }

    fn write(&mut self, text: &str) -> Span {
        self.written += text.len();
        if text.len() > BLOCK {
            self.blocks.push(text.to_owned());
            return Span::new(self.blocks.len() - 1, 0, text.len());
        }
        // A text starts within a block's first 64 KiB (`Span::start`).
        let fits = self.blocks.get(self.filling).is_some_and(|block| {
            block.len() <= usize::from(u16::MAX) && block.capacity() - block.len() >= text.len()
        });
        if !fits {
            self.blocks.push(String::with_capacity(BLOCK));
            self.filling = self.blocks.len() - 1;
        }
        let target = &mut self.blocks[self.filling];
        let start = target.len();
        target.push_str(text);
        Span::new(self.filling, start, target.len())
    }
}

impl Span {
    fn new(block: usize, start: usize, end: usize) -> Span {
        Span {
            block: u16::try_from(block).unwrap_or(u16::MAX),
            start: u16::try_from(start).unwrap_or(u16::MAX),
            end: u32::try_from(end).unwrap_or(u32::MAX),
        }
    }
}

/// The same texts for the same rows, however they were written.
impl PartialEq for SearchTexts {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

/// A search's lowercased text, ready to look for in many short texts.
/// `str::contains` sets a searcher up on every call, which costs more than
/// the search in a row's short text: here the searcher is set up once, and
/// `memchr` finds each place the needle's rarest byte (by a frequency table)
/// occurs, another of its bytes is checked, and only then the whole needle.
pub(crate) struct Needle<'a> {
    bytes: &'a [u8],
    /// `None` for a needle shorter than two bytes.
    finder: Option<memchr::arch::all::packedpair::Finder>,
}

impl<'a> Needle<'a> {
    pub(crate) fn new(needle: &'a str) -> Self {
        let bytes = needle.as_bytes();
        Needle {
            bytes,
            finder: memchr::arch::all::packedpair::Finder::new(bytes),
        }
    }

    /// Whether `haystack` holds the needle.
    pub(crate) fn is_in(&self, haystack: &[u8]) -> bool {
        let Some(finder) = &self.finder else {
            return self
                .bytes
                .first()
                .is_none_or(|&byte| memchr::memchr(byte, haystack).is_some());
        };
        let mut from = 0;
        while let Some(found) = haystack
            .get(from..)
            .and_then(|tail| finder.find_prefilter(tail))
        {
            let start = from + found;
            if haystack
                .get(start..)
                .is_some_and(|tail| tail.starts_with(self.bytes))
            {
                return true;
            }
            from = start + 1;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn a_needle_is_found_where_the_standard_search_finds_it(
            haystack in "[aáb€ ]{0,16}",
            needle in "[aáb€ ]{0,4}",
        ) {
            proptest::prop_assert_eq!(
                Needle::new(&needle).is_in(haystack.as_bytes()),
                haystack.contains(&needle)
            );
        }
    }

    #[test]
    fn texts_read_back_by_row_through_changes_removals_and_long_texts() {
        let mut texts = SearchTexts::default();
        let long = "x".repeat(BLOCK + 10);
        for text in ["a\n", "", long.as_str(), "b\n"] {
            texts.push(text);
        }
        assert_eq!(
            texts.iter().collect::<Vec<_>>(),
            ["a\n", "", long.as_str(), "b\n"]
        );
        texts.set(0, "changed\n");
        assert_eq!(texts.get(0), "changed\n");
        assert_eq!(texts.get(3), "b\n");
        assert_eq!(texts.get(9), "");
        // The long text had a block of its own; the short ones share one.
        assert_eq!(texts.blocks.len(), 2);
        texts.retain(|row| row != 2);
        assert_eq!(texts.iter().collect::<Vec<_>>(), ["changed\n", "", "b\n"]);
        // A block filled to its last byte, then an empty text and more.
        let mut full = SearchTexts::default();
        let filler = "y".repeat(BLOCK - 1);
        for text in [filler.as_str(), "z", "", "w"] {
            full.push(text);
        }
        assert_eq!(
            full.iter().collect::<Vec<_>>(),
            [filler.as_str(), "z", "", "w"]
        );
    }

    #[test]
    fn texts_changed_again_and_again_are_written_afresh_before_they_pile_up() {
        let mut texts = SearchTexts::default();
        texts.push("first\n");
        texts.push("second\n");
        for reading in 0..10_000 {
            texts.set(1, &format!("reading {reading}\n"));
        }
        assert_eq!(texts.get(0), "first\n");
        assert_eq!(texts.get(1), "reading 9999\n");
        let written: usize = texts.blocks.iter().map(String::len).sum();
        assert!(written < 64, "{written} bytes written for two short texts");
    }
}
