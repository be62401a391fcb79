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
/// runs it finds for a longer term need not hold the rest of it. A UUID is
/// asked whole all the same: Dify also compares it, whole, with each run's id
/// (and 30 characters of a UUID are held by little else).
pub const SERVER_TERM_CHARS: usize = 30;

/// The fewest characters a term must have to find a record id by its start;
/// a shorter one finds an id only whole. Ids are hex digits or counters: a
/// number such as `500` or `404` sits inside many of them, and a row found
/// only by its id would show no reason in the table.
pub const ID_PREFIX_CHARS: usize = 8;

/// A field as a search reads it: lower-cased, without NULs (the archive's
/// stores keep none, and a search's terms hold none).
pub fn searched_form(text: &str) -> String {
    // Every row's fields pass here as rows load: no second copy unless a NUL
    // is there to drop.
    let lower = text.to_lowercase();
    if lower.contains('\0') {
        lower.replace('\0', "")
    } else {
        lower
    }
}

/// A record id as the first line of its search text holds it
/// ([`record_text_holds`]): [`searched_form`], a line break a space, so the
/// line holds the whole id and only it.
pub fn id_line(id: &str) -> String {
    let form = searched_form(id);
    if form.contains(['\n', '\r']) {
        form.replace(['\n', '\r'], " ")
    } else {
        form
    }
}

/// Whether the record id `id` ([`id_line`]) holds `term`: whole, or from its
/// start by at least [`ID_PREFIX_CHARS`] characters (`da518adc` finds Make's
/// execution `da518adcd14b…`, as people shorten ids).
pub fn id_holds(id: &str, term: &str) -> bool {
    id == term || (id.starts_with(term) && term.chars().count() >= ID_PREFIX_CHARS)
}

/// Whether a record's search text ([`LogRecord::search_text`], or one laid out
/// alike: the id on the first line, then the other fields one a line) holds
/// `term`: the id as [`id_holds`] says, the other fields anywhere.
pub fn record_text_holds(text: &str, term: &str) -> bool {
    let (id, fields) = text.split_once('\n').unwrap_or((text, ""));
    fields.contains(term) || id_holds(id, term)
}

/// Whether `term` reads as a UUID, as Dify's keyword takes a run id: 32 hex
/// digits, hyphenated 8-4-4-4-12 or not.
fn is_uuid(term: &str) -> bool {
    let hex = term.chars().filter(char::is_ascii_hexdigit).count();
    let hyphens: Vec<usize> = term.match_indices('-').map(|(at, _)| at).collect();
    hex == 32
        && term.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
        && (hyphens.is_empty() || hyphens == [8, 13, 18, 23])
}

/// A search's terms, lower-cased, each at least one character, in the order
/// typed, each once, at most [`MAX_TERMS`]; and each as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchTerms {
    terms: Vec<String>,
    /// The terms in the case typed, for a vendor's search: lower-casing can
    /// change a text beyond its case (`İ` becomes `i̇`), which a vendor
    /// that ignores case itself would then not find.
    typed: Vec<String>,
    /// Whether each term was typed in quotes: taken as written, by choice.
    quoted: Vec<bool>,
}

/// Fields other log viewers search with `field:value` (Datadog's reserved
/// attributes, Grafana's usual labels, and this table's columns).
const OTHER_VIEWERS_FIELDS: [&str; 14] = [
    "status",
    "service",
    "host",
    "source",
    "type",
    "level",
    "env",
    "client",
    "collection",
    "name",
    "message",
    "id",
    "error",
    "tags",
];

impl SearchTerms {
    /// The terms of `text`: words split at white space, a double-quoted
    /// phrase kept whole (an unclosed quote runs to the end). `None` when
    /// nothing is left to look for (blank, or empty quotes).
    pub fn parse(text: &str) -> Option<SearchTerms> {
        let mut terms: Vec<String> = Vec::new();
        let mut typed: Vec<String> = Vec::new();
        let mut quoted: Vec<bool> = Vec::new();
        let mut add = |term: &str, in_quotes: bool| {
            // A line break (a link's `q=` can hold one) is a space: searched
            // texts keep one field per line, and no term spans two.
            // A NUL is dropped, as the searched texts drop theirs.
            let as_typed = term.trim().replace(['\n', '\r'], " ").replace('\0', "");
            let term = as_typed.to_lowercase();
            if !term.is_empty() && terms.len() < MAX_TERMS && !terms.contains(&term) {
                terms.push(term);
                typed.push(as_typed);
                quoted.push(in_quotes);
            }
        };
        for (place, part) in text.split('"').enumerate() {
            if place % 2 == 1 {
                add(part, true);
            } else {
                part.split_whitespace().for_each(|word| add(word, false));
            }
        }
        (!terms.is_empty()).then_some(SearchTerms {
            terms,
            typed,
            quoted,
        })
    }

    /// The terms, each of which a matching row holds.
    pub fn terms(&self) -> &[String] {
        &self.terms
    }

    /// Whether a record's search text ([`record_text_holds`]) holds every term.
    pub fn all_in(&self, text: &str) -> bool {
        self.terms.iter().all(|term| record_text_holds(text, term))
    }

    /// Whether a record's search text holds every term but the one at `found`
    /// (by place): a row a vendor's search found for that one.
    pub fn others_in(&self, text: &str, found: Option<usize>) -> bool {
        self.terms
            .iter()
            .enumerate()
            .all(|(place, term)| Some(place) == found || record_text_holds(text, term))
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
        for ((place, term), typed) in self.terms.iter().enumerate().zip(&self.typed) {
            // The vendor cuts the text as sent: as typed.
            let length = typed.chars().count();
            if (length <= SERVER_TERM_CHARS || is_uuid(term))
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
    /// (`-word`, `status:error`, `OR`, `AND`, `NOT`) and this search looks
    /// for as written: what people who came from them must be told. A term
    /// in quotes was asked for as written, and `-1` or `gmail:Action` are
    /// texts a log holds, so none of those is named.
    pub fn operator_like(&self) -> Vec<&str> {
        self.typed
            .iter()
            .zip(&self.quoted)
            .filter(|(_, quoted)| !**quoted)
            .map(|(term, _)| term.as_str())
            .filter(|term| {
                let negated = term
                    .strip_prefix('-')
                    .is_some_and(|word| word.starts_with(|c: char| c.is_alphabetic()));
                let field = term.split_once(':').is_some_and(|(field, value)| {
                    let field = field
                        .strip_prefix('@')
                        .unwrap_or(field)
                        .to_ascii_lowercase();
                    !value.is_empty() && OTHER_VIEWERS_FIELDS.contains(&field.as_str())
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
        (!record_text_holds(&record.search_text(), term)).then(|| self.typed_term(place))
    }

    /// Where a record id `id` holds a term ([`id_holds`]): the part of its
    /// start the longest such term covers, for the detail pane to mark.
    pub fn id_places(&self, id: &str) -> Vec<Range<usize>> {
        let lower = id_line(id);
        let Some(longest) = self
            .terms
            .iter()
            .filter(|term| id_holds(&lower, term))
            .max_by_key(|term| term.len())
        else {
            return Vec::new();
        };
        // Where the lower-cased id's first `longest.len()` bytes came from.
        let mut read = 0;
        let end = id
            .char_indices()
            .find_map(|(at, character)| {
                let done = read >= longest.len();
                read += id_line(character.encode_utf8(&mut [0; 4])).len();
                done.then_some(at)
            })
            .unwrap_or(id.len());
        std::iter::once(0..end).collect()
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
            lower.extend(character.to_lowercase());
            origin.resize(lower.len(), at);
        }
        // The search reads the text lower-cased whole (a word's final `Σ` is
        // `ς`, not `σ`); where that keeps every character's length, the
        // places are looked for in it.
        let whole = text.to_lowercase();
        if whole.len() == lower.len() {
            lower = whole;
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
        assert!(search.all_in("r1\ngmail\nsmtp answered 500\n"));
        assert!(!search.all_in("r1\ngmail\nsmtp answered 404\n"));
        let phrase = SearchTerms::parse("\"answered 500\"").unwrap();
        assert!(phrase.all_in("r1\nsmtp answered 500\n"));
        assert!(
            !phrase.all_in("r1\nanswered\n500\n"),
            "a phrase does not span fields"
        );
    }

    #[test]
    fn an_id_is_found_whole_or_by_a_start_of_eight_characters() {
        let make = "da518adcd14b4b64ac6358823ccb80ca\nsync\n";
        let holds = |typed: &str| SearchTerms::parse(typed).unwrap().all_in(make);
        assert!(!holds("500"), "not inside the id");
        assert!(!holds("d14b4b64"), "not from its middle");
        assert!(!holds("da518ad"), "seven characters");
        assert!(holds("da518adc"));
        assert!(holds("DA518ADCD14B4B64AC6358823CCB80CA"));
        assert!(holds("sync"), "other fields anywhere");
        assert!(holds("yn"));
        let counter = "5001\nsync\n";
        assert!(SearchTerms::parse("5001").unwrap().all_in(counter));
        assert!(!SearchTerms::parse("500").unwrap().all_in(counter));
        let search = SearchTerms::parse("da518adc 5 DA518ADCD1").unwrap();
        assert_eq!(search.id_places("DA518ADCD14B"), vec![0..10], "the longest");
        assert_eq!(search.id_places("x5"), []);
        assert_eq!(search.id_places("5"), vec![0..1]);
        // An id's line is the id alone: a line break in it is a space.
        let broken = LogRecord {
            id: "AB\ncd".into(),
            ..crate::test_support::record("s", "x", crate::test_support::minute(0))
        };
        let holds = |typed: &str| {
            SearchTerms::parse(typed)
                .unwrap()
                .all_in(&broken.search_text())
        };
        assert!(!holds("cd"), "not a field of its own");
        assert!(holds("\"ab cd\""));
        // A NUL is nothing to look for, and not part of a text.
        assert_eq!(SearchTerms::parse("\0"), None);
        assert_eq!(SearchTerms::parse("a\0b").unwrap().terms(), ["ab"]);
        let nul = LogRecord {
            message: Some("a\0b".into()),
            ..broken.clone()
        };
        assert!(SearchTerms::parse("ab").unwrap().all_in(&nul.search_text()));
        let search = SearchTerms::parse("i̇i̇i̇i̇a").unwrap();
        assert_eq!(
            search.id_places("İİİİa"),
            vec![0..9],
            "Dotted İ lower-cases to two"
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
        let thirty = "a".repeat(SERVER_TERM_CHARS);
        let edge = SearchTerms::parse(&format!("{thirty} b{thirty}")).unwrap();
        assert_eq!(
            edge.server_term_beside("app"),
            Some(0),
            "30 characters, not 31"
        );
        // A run id is asked whole: Dify compares it with each run's id.
        let run_id = SearchTerms::parse("a 2F0C6A1E-8D1B-4C55-9A01-000000000003").unwrap();
        assert_eq!(run_id.server_term_beside("app"), Some(1));
        let bare = SearchTerms::parse("2f0c6a1e8d1b4c559a01000000000003").unwrap();
        assert_eq!(bare.server_term_beside("app"), Some(0));
        let not_one = SearchTerms::parse("2f0c6a1e-8d1b-4c55-9a01-00000000000g").unwrap();
        assert_eq!(not_one.server_term_beside("app"), None);
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
        // A word's final Σ is read as ς, as the search reads it.
        let greek = SearchTerms::parse("οδος").unwrap();
        assert_eq!(greek.places_in("ΟΔΟΣ 5"), one(0, 8));
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
        let texts =
            "gmail 500 https://x.io gmail:ActionSendEmail -1 -32603 -- \"-gmail\" @status:x";
        assert_eq!(
            SearchTerms::parse(texts).unwrap().operator_like(),
            ["@status:x"]
        );
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
            (before, middle, after) in ("\\PC{0,10}", "[a-zA-ZİßΣ]{1,8}", "\\PC{0,10}"),
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
                // Alone, a word's final Σ lower-cases to σ, not ς.
                let fold = |text: &str| text.to_lowercase().replace('ς', "σ");
                let marked = fold(marked.unwrap_or_default());
                prop_assert!(search.terms().iter().any(|term| marked.contains(&fold(term))));
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
                    // A record's text whose fields hold it, its id empty.
                    let record_text = format!("\n{lowered}\n");
                    prop_assert!(search.all_in(&record_text));
                }
            }
        }
    }
}
