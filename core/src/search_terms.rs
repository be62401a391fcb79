//! The free-text search as people type it in a log viewer: words a row must
//! all hold, each anywhere in its fields ("gmail 500" finds "Gmail" in the
//! collection and "500" in the message), and a phrase in double quotes held
//! as written (`"rate limit"`). Case does not count. One word alone is the
//! plain substring search it always was.

use std::ops::Range;

use crate::model::LogRecord;

/// Terms a search keeps; those typed after are ignored. Each is a condition
/// over every row (and a bound value in the archive's SQL): a bound for what
/// a link can ask of a shared server, far above what anyone types.
pub const MAX_TERMS: usize = 32;

/// The longest term a vendor's own search is asked for: Dify reads the first
/// 30 characters of its `keyword` (its `WorkflowAppService` cuts it), so the
/// runs it finds for a longer term need not hold the rest of it.
pub const SERVER_TERM_CHARS: usize = 30;

/// A search's terms, lower-cased, each at least one character, in the order
/// typed, each once, at most [`MAX_TERMS`]; and each as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchTerms {
    terms: Vec<String>,
    /// The terms in the case typed, for a vendor's search: lower-casing can
    /// change a text beyond its case (`İ` becomes `i̇`), which a vendor
    /// that ignores case itself would then not find.
    typed: Vec<String>,
}

impl SearchTerms {
    /// The terms of `text`: words split at white space, a double-quoted
    /// phrase kept whole (an unclosed quote runs to the end). `None` when
    /// nothing is left to look for (blank, or empty quotes).
    pub fn parse(text: &str) -> Option<SearchTerms> {
        let mut terms: Vec<String> = Vec::new();
        let mut typed: Vec<String> = Vec::new();
        let mut add = |term: &str| {
            // A line break (a link's `q=` can hold one) is a space: searched
            // texts keep one field per line, and no term spans two.
            let as_typed = term.trim().replace(['\n', '\r'], " ");
            let term = as_typed.to_lowercase();
            if !term.is_empty() && terms.len() < MAX_TERMS && !terms.contains(&term) {
                terms.push(term);
                typed.push(as_typed);
            }
        };
        for (place, part) in text.split('"').enumerate() {
            if place % 2 == 1 {
                add(part);
            } else {
                part.split_whitespace().for_each(&mut add);
            }
        }
        (!terms.is_empty()).then_some(SearchTerms { terms, typed })
    }

    /// The terms, each of which a matching row holds.
    pub fn terms(&self) -> &[String] {
        &self.terms
    }

    /// Whether `text` (lower-cased) holds every term.
    pub fn all_in(&self, text: &str) -> bool {
        self.terms.iter().all(|term| text.contains(term.as_str()))
    }

    /// Whether `text` (lower-cased) holds every term but the one at `found`
    /// (by place): a row a vendor's search found for that one.
    pub fn others_in(&self, text: &str, found: Option<usize>) -> bool {
        self.terms
            .iter()
            .enumerate()
            .all(|(place, term)| Some(place) == found || text.contains(term.as_str()))
    }

    /// Which term (by place) a vendor's own search, which takes one text, is
    /// asked for beside a collection named `name`, whose every row shows the
    /// name: the longest term the name does not hold (the likeliest to
    /// narrow the answer) that the vendor reads whole
    /// ([`SERVER_TERM_CHARS`]), the first of equals. Rows it finds count as
    /// holding that term; the others must show theirs. `None` when there is
    /// none: the name holds every term (each of its rows matches already),
    /// or those it lacks are too long to ask for.
    pub fn server_term_beside(&self, name: &str) -> Option<usize> {
        let name = name.to_lowercase();
        let mut asked: Option<(usize, usize)> = None;
        for (place, term) in self.terms.iter().enumerate() {
            let length = term.chars().count();
            if length <= SERVER_TERM_CHARS
                && !name.contains(term.as_str())
                && asked.is_none_or(|(_, longest)| length > longest)
            {
                asked = Some((place, length));
            }
        }
        asked.map(|(place, _)| place)
    }

    /// The term at `place` as typed, for a vendor's search; empty past the last.
    pub fn typed_term(&self, place: usize) -> &str {
        self.typed.get(place).map_or("", String::as_str)
    }

    /// The terms, as typed, that other log viewers read as operators
    /// (`-word`, `field:value`, `OR`, `AND`, `NOT`) and this search looks
    /// for as written: what people who came from them must be told.
    pub fn operator_like(&self) -> Vec<&str> {
        self.typed
            .iter()
            .map(String::as_str)
            .filter(|term| {
                let negated = term.len() > 1 && term.starts_with('-') && !term.contains(' ');
                let field = term.split_once(':').is_some_and(|(field, value)| {
                    !value.is_empty()
                        && field.starts_with(|c: char| c.is_ascii_alphabetic())
                        && field.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                        && !term.contains(' ')
                });
                negated || field || matches!(*term, "OR" | "AND" | "NOT")
            })
            .collect()
    }

    /// The term, as typed, that a vendor's search found `record` for (by its
    /// collection, [`SearchTerms::server_term_beside`]) when none of the
    /// record's own fields shows it: what its detail must explain.
    pub fn unseen_server_term(&self, record: &LogRecord) -> Option<&str> {
        let place = self.server_term_beside(&record.collection)?;
        let term = self.terms.get(place)?;
        (!record.search_text().contains(term.as_str())).then(|| self.typed_term(place))
    }

    /// Where the terms occur in `text`, case aside: byte ranges of `text` on
    /// its character boundaries, in order, overlapping and touching ones
    /// joined. What a view marks, so people see why a row matched.
    pub fn places_in(&self, text: &str) -> Vec<Range<usize>> {
        // The text lower-cased as the search reads it, and for each of its
        // bytes where the character it came from starts in `text`.
        let mut lower = String::with_capacity(text.len());
        let mut origin: Vec<usize> = Vec::with_capacity(text.len() + 1);
        for (at, character) in text.char_indices() {
            let before = lower.len();
            lower.extend(character.to_lowercase());
            origin.resize(lower.len(), at);
            debug_assert!(lower.len() > before);
        }
        let start_of = |lower_at: usize| origin.get(lower_at).copied().unwrap_or(text.len());
        // A match ending inside what one character became takes all of it.
        let end_of = |lower_last: usize| {
            let start = start_of(lower_last);
            start
                + text
                    .get(start..)
                    .and_then(|rest| rest.chars().next())
                    .map_or(0, char::len_utf8)
        };
        let mut places: Vec<Range<usize>> = self
            .terms
            .iter()
            .flat_map(|term| {
                lower
                    .match_indices(term.as_str())
                    .map(|(at, found)| start_of(at)..end_of(at + found.len() - 1))
            })
            .filter(|place| !place.is_empty())
            .collect();
        places.sort_unstable_by_key(|place| (place.start, place.end));
        let mut joined: Vec<Range<usize>> = Vec::with_capacity(places.len());
        for place in places {
            match joined.last_mut() {
                Some(last) if place.start <= last.end => last.end = last.end.max(place.end),
                _ => joined.push(place),
            }
        }
        joined
    }

    /// One canonical text for these terms: equal for searches that find the
    /// same rows (`Gmail  500` and `gmail 500`).
    pub fn canonical(&self) -> String {
        self.terms
            .iter()
            .map(|term| {
                if term.contains(char::is_whitespace) {
                    format!("\"{term}\"")
                } else {
                    term.clone()
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn terms(text: &str) -> Vec<String> {
        SearchTerms::parse(text).map_or_else(Vec::new, |search| search.terms)
    }

    #[test]
    fn words_are_terms_and_a_quoted_phrase_is_one() {
        assert_eq!(terms("Gmail 500"), ["gmail", "500"]);
        assert_eq!(terms("  \"Rate  Limit\" gmail "), ["rate  limit", "gmail"]);
        assert_eq!(terms("Error: \"quota"), ["error:", "quota"]);
        assert_eq!(terms("a\nb"), ["a", "b"]);
        assert_eq!(terms("\"a\nb\""), ["a b"]);
        assert_eq!(terms("gmail GMAIL"), ["gmail"], "each term once");
    }

    #[test]
    fn blank_text_and_empty_quotes_search_for_nothing() {
        for text in ["", "   ", "\"\"", "\" \" \n"] {
            assert_eq!(SearchTerms::parse(text), None, "{text:?}");
        }
    }

    #[test]
    fn a_row_matches_when_it_holds_every_term_anywhere() {
        let search = SearchTerms::parse("gmail 500").unwrap();
        assert!(search.all_in("gmail\nsmtp answered 500"));
        assert!(!search.all_in("gmail\nsmtp answered 404"));
        let phrase = SearchTerms::parse("\"answered 500\"").unwrap();
        assert!(phrase.all_in("smtp answered 500"));
        assert!(
            !phrase.all_in("answered\n500"),
            "a phrase does not span fields"
        );
    }

    #[test]
    fn a_vendor_is_asked_for_the_longest_term_its_collection_name_lacks() {
        let search = SearchTerms::parse("rate \"limit hit\" quota").unwrap();
        assert_eq!(search.server_term_beside("Support bot"), Some(1));
        assert_eq!(search.terms()[1], "limit hit");
        assert_eq!(
            search.server_term_beside("LIMIT HIT desk"),
            Some(2),
            "quota"
        );
        assert_eq!(search.server_term_beside("Rate quota: limit hit"), None);
        assert_eq!(
            SearchTerms::parse("ab cd").unwrap().server_term_beside(""),
            Some(0)
        );
        // A row found for that term must show the others.
        assert!(search.others_in("rate\nquota", Some(1)));
        assert!(!search.others_in("rate\nlimit hit", Some(1)));
        assert!(!search.others_in("rate\nquota", None));
        // Asked as typed, and never for more than the vendor reads.
        let search =
            SearchTerms::parse("İstanbul \"model rate limit reached while calling\"").unwrap();
        assert_eq!(search.server_term_beside("app"), Some(0));
        assert_eq!(search.typed_term(0), "İstanbul");
        assert_eq!(search.terms()[0], "i̇stanbul");
        let too_long = SearchTerms::parse("\"model rate limit reached while calling\"").unwrap();
        assert_eq!(too_long.server_term_beside("app"), None);
    }

    #[test]
    fn the_places_of_the_terms_in_a_text_are_found_case_aside_and_joined() {
        let search = SearchTerms::parse("gmail 500 \"ail 5\"").unwrap();
        let text = "GMail answered 500: Gmail";
        let places = search.places_in(text);
        assert_eq!(places, [0..5, 15..18, 20..25]);
        let marked: Vec<&str> = places.iter().map(|place| &text[place.clone()]).collect();
        assert_eq!(marked, ["GMail", "500", "Gmail"]);
        // Overlaps join; the places stay on the text's own characters when
        // lower-casing changes their length.
        let search = SearchTerms::parse("\"ail 5\" il").unwrap();
        let one = |start, end| vec![Range { start, end }];
        assert_eq!(search.places_in("Mail 5"), one(1, 6));
        let text = "İSTANBUL";
        assert_eq!(
            SearchTerms::parse("i̇st").unwrap().places_in(text),
            one(0, 4)
        );
        assert_eq!(&text[0..4], "İST");
        assert_eq!(
            SearchTerms::parse("i").unwrap().places_in(text),
            one(0, 2),
            "all of İ"
        );
    }

    #[test]
    fn a_find_is_explained_only_when_its_fields_lack_the_term_asked() {
        let record = LogRecord {
            collection: "Support bot".into(),
            message: Some("Node 'LLM' failed".into()),
            ..crate::test_support::record("df", "run-1", crate::test_support::minute(0))
        };
        let search = SearchTerms::parse("Support Refund").unwrap();
        assert_eq!(search.unseen_server_term(&record), Some("Refund"));
        let shown = SearchTerms::parse("support llm").unwrap();
        assert_eq!(
            shown.unseen_server_term(&record),
            None,
            "its message shows it"
        );
    }

    #[test]
    fn terms_other_viewers_read_as_operators_are_named() {
        let search =
            SearchTerms::parse("-gmail status:error OR notion Error: \"a:b c\" or - 10:30")
                .unwrap();
        assert_eq!(search.operator_like(), ["-gmail", "status:error", "OR"]);
        assert!(SearchTerms::parse("gmail 500")
            .unwrap()
            .operator_like()
            .is_empty());
    }

    #[test]
    fn a_search_keeps_its_first_terms_up_to_the_bound() {
        let text: Vec<String> = (0..MAX_TERMS + 5).map(|n| format!("w{n}")).collect();
        let search = SearchTerms::parse(&text.join(" ")).unwrap();
        assert_eq!(search.terms().len(), MAX_TERMS);
        assert_eq!(search.terms().last().map(String::as_str), Some("w31"));
    }

    #[test]
    fn the_canonical_text_quotes_phrases_and_parses_back_the_same() {
        let search = SearchTerms::parse("  Gmail \"Rate limit\"  ").unwrap();
        assert_eq!(search.canonical(), "gmail \"rate limit\"");
        let again = SearchTerms::parse(&search.canonical()).unwrap();
        assert_eq!(again.terms(), search.terms());
    }

    proptest! {
        #[test]
        fn the_places_marked_are_whole_characters_in_order_each_holding_a_term(
            (before, middle, after) in ("\\PC{0,10}", "[a-zA-Zİß]{1,8}", "\\PC{0,10}"),
            (skip, take) in (0..8usize, 1..4usize),
            other in "[a-zİß]{1,3}",
        ) {
            // A term cut from the text's middle, lower-cased, and another.
            let lower_middle: Vec<char> = middle.to_lowercase().chars().collect();
            let cut: String = lower_middle.iter().skip(skip % lower_middle.len()).take(take).collect();
            let text = format!("{before}{middle}{after}");
            let Some(search) = SearchTerms::parse(&format!("\"{cut}\" {other}")) else {
                return Ok(());
            };
            let places = search.places_in(&text);
            let mut end = 0;
            for place in &places {
                prop_assert!(place.start >= end && place.start < place.end);
                end = place.end;
                let marked = text.get(place.clone());
                prop_assert!(marked.is_some(), "not on character boundaries");
                let marked = marked.unwrap_or_default().to_lowercase();
                prop_assert!(search.terms().iter().any(|term| marked.contains(term.as_str())));
            }
            // A text holding a term has a place marked.
            let lower = text.to_lowercase();
            let holds = search.terms().iter().any(|term| lower.contains(term.as_str()));
            prop_assert_eq!(places.is_empty(), !holds);
        }

        #[test]
        fn any_text_parses_to_trimmed_lowercase_terms_that_round_trip(text in "\\PC{0,40}") {
            if let Some(search) = SearchTerms::parse(&text) {
                for term in search.terms() {
                    prop_assert!(!term.is_empty());
                    prop_assert_eq!(term.trim(), term.as_str());
                    prop_assert_eq!(term.to_lowercase(), term.clone());
                    prop_assert!(!term.contains('"'));
                }
                let again = SearchTerms::parse(&search.canonical());
                prop_assert_eq!(again.as_ref().map(SearchTerms::terms), Some(search.terms()));
                // The text's own lower-cased form holds every word it was typed with.
                let lowered = text.to_lowercase();
                if !text.contains('"') && !text.contains(['\n', '\r']) {
                    prop_assert!(search.all_in(&lowered));
                }
            }
        }
    }
}
