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

/// A search's lowercased text, ready to look for in many short texts. It is
/// looked for in whole blocks ([`SearchTexts::places`]), not text by text: a
/// search set going per short text cost more than the search in it. `memchr`
/// finds each place the needle's rarest byte (by a frequency table) occurs,
/// another of its bytes is checked, and only then the whole needle.
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

    /// Where in `haystack` the needle starts, at `from` or after.
    fn next_in(&self, haystack: &[u8], from: usize) -> Option<usize> {
        let tail = haystack.get(from..)?;
        let Some(finder) = &self.finder else {
            return match self.bytes.first() {
                Some(&byte) => memchr::memchr(byte, tail).map(|found| from + found),
                None => Some(from),
            };
        };
        let mut at = from;
        loop {
            let start = at + finder.find_prefilter(haystack.get(at..)?)?;
            if haystack
                .get(start..)
                .is_some_and(|rest| rest.starts_with(self.bytes))
            {
                return Some(start);
            }
            at = start + 1;
        }
    }

    /// Every place in `haystack` the needle starts (none for an empty one).
    fn places_in(&self, haystack: &[u8]) -> Vec<u32> {
        let mut places = Vec::new();
        if self.bytes.is_empty() {
            return places;
        }
        let mut from = 0;
        while let Some(start) = self.next_in(haystack, from) {
            places.push(u32::try_from(start).unwrap_or(u32::MAX));
            from = start + 1;
        }
        places
    }
}

/// Where a needle starts in each block of some [`SearchTexts`]: one scan of
/// each block's memory, rather than a search set going per short text.
pub(crate) struct Places<'n> {
    needle: &'n Needle<'n>,
    by_block: Vec<Vec<u32>>,
}

impl SearchTexts {
    /// Where `needle` starts in these texts' blocks.
    pub(crate) fn places<'n>(&self, needle: &'n Needle<'n>) -> Places<'n> {
        Places {
            needle,
            by_block: self
                .blocks
                .iter()
                .map(|block| needle.places_in(block.as_bytes()))
                .collect(),
        }
    }

    /// Whether the text at `place` holds the needle `places` were found for.
    pub(crate) fn holds(&self, places: &Places, place: usize) -> bool {
        let length = places.needle.bytes.len();
        if length == 0 {
            return true;
        }
        let Some(span) = self.spans.get(place) else {
            return false;
        };
        let Some(starts) = places.by_block.get(usize::from(span.block)) else {
            return false;
        };
        // The first start at or after the text's: if the needle does not end
        // within the text there, it does not from any later start either.
        let first = starts.partition_point(|&start| start < u32::from(span.start));
        starts
            .get(first)
            .is_some_and(|&start| start as usize + length <= span.end as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Texts side by side in a block, some written again later: each
        /// holds the needle exactly when it contains it, never by a match
        /// running on into the next text.
        #[test]
        fn each_text_holds_a_needle_found_block_by_block_exactly_when_it_contains_it(
            texts in proptest::collection::vec("[ab€]{0,6}", 0..24),
            changes in proptest::collection::vec((0..24usize, "[ab€]{0,6}"), 0..8),
            needle in "[ab€]{0,3}",
        ) {
            let mut stored = SearchTexts::default();
            let mut expected = texts.clone();
            for text in &texts {
                stored.push(text);
            }
            for (place, text) in changes {
                if place < expected.len() {
                    stored.set(place, &text);
                    expected[place] = text;
                }
            }
            let found = Needle::new(&needle);
            let places = stored.places(&found);
            for (place, text) in expected.iter().enumerate() {
                proptest::prop_assert_eq!(
                    stored.holds(&places, place),
                    text.contains(&needle),
                    "{:?} in {:?}", needle, text
                );
            }
        }

        #[test]
        fn a_needle_is_found_where_the_standard_search_finds_it(
            haystack in "[aáb€ ]{0,16}",
            needle in "[aáb€ ]{0,4}",
        ) {
            let mut stored = SearchTexts::default();
            stored.push(&haystack);
            let found = Needle::new(&needle);
            proptest::prop_assert_eq!(
                stored.holds(&stored.places(&found), 0),
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
        // Found block by block, in a long text's own block too, and never
        // across two texts ("y" + "z").
        let found = |texts: &SearchTexts, needle: &str| {
            let needle = Needle::new(needle);
            let places = texts.places(&needle);
            (0..texts.spans.len())
                .filter(|&place| texts.holds(&places, place))
                .collect::<Vec<_>>()
        };
        assert_eq!(found(&full, "yz"), [] as [usize; 0]);
        assert_eq!(found(&full, "w"), [3]);
        texts.push(&long);
        texts.push("xx and more\n");
        assert_eq!(found(&texts, "xx"), [3, 4]);
        assert_eq!(found(&texts, "more"), [4]);
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
