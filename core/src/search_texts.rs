//! Texts a search reads, in a few large blocks of memory rather than one
//! allocation per text: a search then reads them in the order they lie, and
//! 100 000 rows carry no per-text allocation; and the needle it looks for.
//! Each block notes the byte pairs its texts hold, so a search skips the
//! blocks that lack one of its needle's pairs (a word in a block of ids,
//! say) without reading them.

/// Bytes a block holds; a longer text gets a block of its own. A text then
/// starts within a block's first 64 KiB, so its place takes 8 bytes. Tests
/// use small blocks, so that a few short texts already span several.
#[cfg(not(test))]
const BLOCK: usize = 64 * 1024;
#[cfg(test)]
const BLOCK: usize = 64;

/// Texts by place (the rows' own search texts by row in load order, or a
/// column's distinct texts by number). A changed text is written after the
/// others; once the texts nothing reads outweigh the rest, every text is
/// written afresh.
#[derive(Debug, Clone, Default)]
pub(crate) struct SearchTexts {
    blocks: Vec<String>,
    /// Per block: the byte pairs written to it, stale texts' included.
    pairs: Vec<PairSet>,
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
        self.spans.get(row).map_or("", |span| self.text_at(span))
    }

    /// The text `span` marks.
    fn text_at(&self, span: &Span) -> &str {
        self.blocks
            .get(usize::from(span.block))
            .and_then(|block| block.get(usize::from(span.start)..span.end as usize))
            .unwrap_or("")
    }

    /// A search of these texts for `needle`: which blocks may hold it is
    /// worked out once, here.
    pub(crate) fn search<'a>(&'a self, needle: &'a Needle<'a>) -> TextSearch<'a> {
        TextSearch {
            texts: self,
            needle,
            blocks: self
                .pairs
                .iter()
                .map(|pairs| pairs.holds_all(&needle.pairs))
                .collect(),
        }
    }

    /// Every row's text, in row order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.spans.len()).map(|row| self.get(row))
    }

    fn write(&mut self, text: &str) -> Span {
        self.written += text.len();
        if text.len() > BLOCK {
            self.blocks.push(text.to_owned());
            self.pairs.push(PairSet::of(text.as_bytes()));
            return Span::new(self.blocks.len() - 1, 0, text.len());
        }
        // A text starts within a block's first 64 KiB (`Span::start`).
        let fits = self.blocks.get(self.filling).is_some_and(|block| {
            block.len() <= usize::from(u16::MAX) && block.capacity() - block.len() >= text.len()
        });
        if !fits {
            self.blocks.push(String::with_capacity(BLOCK));
            self.pairs.push(PairSet::default());
            self.filling = self.blocks.len() - 1;
        }
        let target = &mut self.blocks[self.filling];
        let start = target.len();
        target.push_str(text);
        if let Some(pairs) = self.pairs.get_mut(self.filling) {
            pairs.add(text.as_bytes());
        }
        Span::new(self.filling, start, target.len())
    }
}

/// One search of [`SearchTexts`]: which blocks may hold the needle is worked
/// out once for all the places a view tests.
pub(crate) struct TextSearch<'a> {
    texts: &'a SearchTexts,
    needle: &'a Needle<'a>,
    /// Per block: whether it holds each of the needle's byte pairs.
    blocks: Vec<bool>,
}

impl TextSearch<'_> {
    /// Whether the text at `place` holds the needle (never past the last).
    pub(crate) fn holds(&self, place: usize) -> bool {
        let Some(span) = self.texts.spans.get(place) else {
            return false;
        };
        self.blocks
            .get(usize::from(span.block))
            .copied()
            .unwrap_or(false)
            && self.needle.is_in(self.texts.text_at(span).as_bytes())
    }

    /// Whether the text at `place`, laid out as a record's search text (its
    /// id on the first line), holds the needle as
    /// [`crate::search_terms::record_text_holds`] says: the id whole or by
    /// its start, the rest anywhere.
    pub(crate) fn record_holds(&self, place: usize) -> bool {
        let Some(span) = self.texts.spans.get(place) else {
            return false;
        };
        if !self
            .blocks
            .get(usize::from(span.block))
            .copied()
            .unwrap_or(false)
        {
            return false;
        }
        let text = self.texts.text_at(span);
        let (id, fields) = text.split_once('\n').unwrap_or((text, ""));
        self.needle.is_in(fields.as_bytes()) || crate::search_terms::id_holds(id, self.needle.text)
    }
}

/// Bits a [`PairSet`] hashes byte pairs to: 512 bytes a 64 KiB block.
const PAIR_BITS: usize = 4096;

/// The byte pairs in a block's texts, hashed to [`PAIR_BITS`] bits. A text
/// holding the needle holds each of its pairs, so a block lacking one holds
/// no text with the needle; a bit shared by two pairs only costs a read.
#[derive(Debug, Clone)]
struct PairSet([u64; PAIR_BITS / 64]);

impl Default for PairSet {
    fn default() -> Self {
        PairSet([0; PAIR_BITS / 64])
    }
}

impl PairSet {
    fn of(text: &[u8]) -> PairSet {
        let mut pairs = PairSet::default();
        pairs.add(text);
        pairs
    }

    fn add(&mut self, text: &[u8]) {
        for pair in text.windows(2) {
            let bit = pair_bit(pair);
            if let Some(word) = self.0.get_mut(bit / 64) {
                *word |= 1 << (bit % 64);
            }
        }
    }

    fn holds_all(&self, bits: &[usize]) -> bool {
        bits.iter().all(|&bit| {
            self.0
                .get(bit / 64)
                .is_some_and(|word| word & (1 << (bit % 64)) != 0)
        })
    }
}

/// A byte pair's bit in a [`PairSet`]: the top 12 bits of a multiplicative
/// hash, so pairs that differ in either byte spread.
fn pair_bit(pair: &[u8]) -> usize {
    let (first, second) = (pair.first().copied(), pair.get(1).copied());
    let key = (u32::from(first.unwrap_or(0)) << 8) | u32::from(second.unwrap_or(0));
    (key.wrapping_mul(0x9E37_79B1) >> 20) as usize
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
    text: &'a str,
    bytes: &'a [u8],
    /// Its byte pairs' bits in a [`PairSet`], each once.
    pairs: Vec<usize>,
    /// `None` for a needle shorter than two bytes.
    finder: Option<memchr::arch::all::packedpair::Finder>,
}

impl<'a> Needle<'a> {
    pub(crate) fn new(needle: &'a str) -> Self {
        let bytes = needle.as_bytes();
        let mut pairs: Vec<usize> = bytes.windows(2).map(pair_bit).collect();
        pairs.sort_unstable();
        pairs.dedup();
        Needle {
            text: needle,
            bytes,
            pairs,
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

    proptest::proptest! {
        #[test]
        fn a_search_finds_the_texts_the_standard_search_finds(
            // Some texts are longer than a (test) block, so others follow
            // one in a block of its own.
            texts in proptest::collection::vec("[ab1é ]{0,12}|[ab1é ]{60,80}", 0..40),
            changed in proptest::collection::vec((0usize..40, "[ab1é ]{0,12}|[ab1é ]{60,80}"), 0..8),
            needle in "[ab1é ]{0,3}",
        ) {
            let mut search_texts = SearchTexts::default();
            let mut expected = texts.clone();
            for text in &texts {
                search_texts.push(text);
            }
            for (row, text) in changed {
                search_texts.set(row, &text);
                if let Some(old) = expected.get_mut(row) {
                    *old = text;
                }
            }
            let needle_bytes = Needle::new(&needle);
            let search = search_texts.search(&needle_bytes);
            for (row, text) in expected.iter().enumerate() {
                proptest::prop_assert_eq!(search.holds(row), text.contains(&needle), "row {}", row);
            }
            proptest::prop_assert!(!search.holds(expected.len()));
        }
    }

    #[test]
    fn a_search_reads_only_the_blocks_holding_each_pair_of_its_needle() {
        let mut texts = SearchTexts::default();
        // Two blocks of numeric ids, then a block with words, then a long text.
        let ids: Vec<String> = (0..2 * BLOCK / 8).map(|id| format!("{id:07}\n")).collect();
        let words = ["client 7\n", "clinic\n", "succeeded\n"];
        for text in ids.iter().map(String::as_str).chain(words) {
            texts.push(text);
        }
        let long = format!("{}client 7", "9".repeat(BLOCK));
        texts.push(&long);
        assert_eq!(texts.blocks.len(), 4);
        let needle = Needle::new("client 7");
        let search = texts.search(&needle);
        assert_eq!(search.blocks, [false, false, true, true]);
        let rows = ids.len() + words.len() + 1;
        let found: Vec<usize> = (0..rows).filter(|&row| search.holds(row)).collect();
        assert_eq!(found, [ids.len(), rows - 1]);
        // A block marked as lacking a pair is not read, whatever it holds.
        let mut masked = texts.search(&needle);
        masked.blocks[2] = false;
        assert!(!masked.holds(ids.len()) && masked.holds(rows - 1));
        // A short text written after a long one notes its pairs in the block
        // it is written to, not in the long one's.
        texts.push("zqxv\n");
        let rare = Needle::new("zqx");
        let search = texts.search(&rare);
        assert_eq!(search.blocks, [false, false, true, false]);
        assert!(search.holds(rows));
        // A one-byte needle has no pair: every block is read.
        let digit = Needle::new("7");
        let search = texts.search(&digit);
        assert_eq!(search.blocks, [true; 4]);
        assert!(search.holds(7) && !search.holds(8));
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
