//! Where free text was looked for beyond what the table shows. Dify's
//! `keyword` searches a run's inputs and outputs, the end user's session id
//! and the run id: fields its list rows do not carry. Its apps' rows are
//! searched in the browser like every source's, and Dify's search is asked
//! beside them ([`Source::server_search`]) for one term: a run it finds holds
//! that term even when nothing on its row shows it, and the page says why
//! beside the rows.

use crate::adapters::Applied;
use crate::model::CollectionType;
use crate::query::LogQuery;
use crate::search_terms::SearchTerms;
use crate::sources::Source;

/// While a search is on: first a line naming the terms other log viewers
/// read as operators, if any; then one line per collection type whose
/// selected sources' servers were also asked to search by their own rules,
/// per term asked.
/// Where some of the type's sources were not asked that term (every row of
/// theirs shows the text in their collection's name, or their name held it
/// and another was asked), the line names those that were.
pub fn search_scope_lines(query: &LogQuery, sources: &[Source]) -> Vec<String> {
    let Some(search) = query.search() else {
        return Vec::new();
    };
    let mut lines: Vec<String> = operator_note(&search).into_iter().collect();
    let selected: Vec<&Source> = sources
        .iter()
        .filter(|source| source.remote().is_some() && source.is_selected_by(query))
        .collect();
    let mut scopes: Vec<TypeScope> = Vec::new();
    for source in &selected {
        let Applied::BrowserAndServerOwnRules(how) = source.capabilities().text else {
            continue;
        };
        if source.server_search(query).is_none() {
            continue;
        }
        let kind = source.kind();
        let collection = source.stream().fixed_collection();
        // Each app's server is asked for the longest term its name lacks.
        let asked = search
            .server_term_beside(collection.unwrap_or_default())
            .map(|place| search.typed_term(place).to_owned())
            .unwrap_or_default();
        let name = collection.map_or_else(|| source.label(), str::to_owned);
        match scopes
            .iter_mut()
            .find(|scope| scope.kind == kind && scope.asked == asked)
        {
            Some(scope) => scope.searched.push(name),
            None => scopes.push(TypeScope {
                kind,
                how,
                asked,
                searched: vec![name],
                some_not_asked: false,
            }),
        }
    }
    // Sources of those types not asked this: every row of theirs shows the
    // text, they are read from the team archive, or were asked another term.
    let kinds: Vec<CollectionType> = scopes.iter().map(|scope| scope.kind).collect();
    for scope in &mut scopes {
        let asked_otherwise = kinds.iter().filter(|kind| **kind == scope.kind).count() > 1;
        scope.some_not_asked = asked_otherwise
            || selected
                .iter()
                .any(|source| source.kind() == scope.kind && source.server_search(query).is_none());
    }
    let found_rows = if search.terms().len() == 1 {
        "the runs found there show too, though their rows may not show the text"
    } else {
        "the runs found there count as holding it, though their rows may not show it; \
         the other words must show on the row"
    };
    lines.extend(
        scopes
            .into_iter()
            .filter(|scope| !scope.searched.is_empty())
            .map(|scope| {
                let whose = if scope.some_not_asked {
                    format!(" of {}", scope.searched.join(", "))
                } else {
                    String::new()
                };
                format!(
                    "{}{whose} were also searched for “{}” {}: {found_rows}.",
                    scope.kind.label(),
                    scope.asked,
                    scope.how
                )
            }),
    );
    lines
}

/// Tells people used to other log viewers that their operators are looked
/// for as written here, rather than leave them puzzled by what matches.
fn operator_note(search: &SearchTerms) -> Option<String> {
    let terms = search.operator_like();
    let quoted: Vec<String> = terms.iter().map(|term| format!("“{term}”")).collect();
    (!quoted.is_empty()).then(|| {
        format!(
            "{} searched as written: the search has no operators (no -word, field:value \
             or OR); a row must hold every word. The filters above choose statuses, \
             clients and collections.",
            quoted.join(", ") + if quoted.len() == 1 { " is" } else { " are" }
        )
    })
}

/// One collection type's sources whose servers search by their own rules too.
struct TypeScope {
    kind: CollectionType,
    /// Where those servers look (the capability's words).
    how: &'static str,
    /// The term they were asked for.
    asked: String,
    /// The sources whose servers were asked: collection names, or labels.
    searched: Vec<String>,
    /// Whether some source of the type was not asked: all its rows show the
    /// text, or it is read from the archive, which searches by the table's rules.
    some_not_asked: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
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
                "Dify workflows were also searched for “Ada” on Dify's server, over each run's \
                 inputs, outputs, end user's session id and run id: the runs found there show \
                 too, though their rows may not show the text."
            ]
        );
        let words = LogQuery {
            text: "Ada \"refund request\"".into(),
            ..LogQuery::default()
        };
        assert_eq!(
            search_scope_lines(&words, &sources),
            [
                "Dify workflows were also searched for “refund request” on Dify's server, over \
                 each run's inputs, outputs, end user's session id and run id: the runs found \
                 there count as holding it, though their rows may not show it; the other words \
                 must show on the row."
            ]
        );
    }

    #[test]
    fn operators_of_other_log_viewers_are_said_to_be_searched_as_written() {
        let sources = test_support::make_and_dify_sources();
        let query = LogQuery {
            text: "status:error -gmail".into(),
            types: [CollectionType::MakeScenarios].into(),
            ..LogQuery::default()
        };
        assert_eq!(
            search_scope_lines(&query, &sources),
            [
                "“status:error”, “-gmail” are searched as written: the search has no operators \
              (no -word, field:value or OR); a row must hold every word. The filters above \
              choose statuses, clients and collections."
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
        // The Dify app's own name: every one of its rows shows it, and the
        // browser matched them by the table's rules.
        let app_name = LogQuery {
            text: "bot".into(),
            ..LogQuery::default()
        };
        assert!(search_scope_lines(&app_name, &sources).is_empty());
    }

    #[test]
    fn of_two_apps_the_one_whose_name_holds_the_text_is_left_out_of_the_line() {
        let config = crate::config::RuntimeConfig::parse(
            r#"{"connections":[
                {"vendor":"dify","id":"sb","name":"Support bot","baseUrl":"/d","key":"k"},
                {"vendor":"dify","id":"tt","name":"Ticket triage","baseUrl":"/d","key":"k"}
            ]}"#,
        )
        .unwrap();
        let sources = Source::expand(&config);
        let search = LogQuery {
            text: "triage".into(),
            ..LogQuery::default()
        };
        assert_eq!(
            search_scope_lines(&search, &sources),
            [
                "Dify workflows of Support bot were also searched for “triage” on Dify's server, \
                 over each run's inputs, outputs, end user's session id and run id: the runs \
                 found there show too, though their rows may not show the text."
            ]
        );
    }
}
