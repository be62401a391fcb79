//! Where free text was looked for, when a source's server searched by its own
//! rules. Dify's `keyword` searches a run's inputs and outputs, the end user's
//! session id and the run id: fields its list rows do not carry, so the browser
//! cannot search them, and it must not search the shown fields again (that
//! would hide what the server found). A name the table shows beside a Dify row
//! is therefore not found by the search, and the page says so beside the
//! result rather than only in a hint.

use crate::adapters::Applied;
use crate::query::LogQuery;
use crate::sources::Source;

/// One line per collection type whose selected sources searched by their own
/// rules, while a search is on.
pub fn search_scope_lines(query: &LogQuery, sources: &[Source]) -> Vec<String> {
    if query.needle().is_none() {
        return Vec::new();
    }
    let typed = query.text.trim();
    let mut lines: Vec<String> = Vec::new();
    for source in sources
        .iter()
        .filter(|source| source.remote().is_some() && source.is_selected_by(query))
    {
        let Applied::ServerOwnRules(how) = source.capabilities().text else {
            continue;
        };
        let line = format!(
            "{} were searched for “{typed}” {how}, not in the names and messages the table \
             shows.",
            source.kind().label()
        );
        if !lines.contains(&line) {
            lines.push(line);
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::CollectionType;
    use crate::test_support;

    #[test]
    fn a_search_says_where_a_server_with_its_own_rules_looked() {
        let sources = test_support::make_and_dify_sources();
        let search = LogQuery {
            text: " Ada ".into(),
            ..LogQuery::default()
        };
        assert_eq!(
            search_scope_lines(&search, &sources),
            [
                "Dify workflows were searched for “Ada” on Dify's server, over each run's inputs, \
              outputs, end user's session id and run id, not in the names and messages the \
              table shows."
            ]
        );
    }

    #[test]
    fn no_search_or_no_such_source_in_view_says_nothing() {
        let sources = test_support::make_and_dify_sources();
        assert!(search_scope_lines(&LogQuery::default(), &sources).is_empty());
        let make_only = LogQuery {
            text: "ada".into(),
            types: [CollectionType::MakeScenarios].into(),
            ..LogQuery::default()
        };
        assert!(search_scope_lines(&make_only, &sources).is_empty());
    }
}
