//! Where free text was looked for, when a source's server searched by its own
//! rules. Dify's `keyword` searches a run's inputs and outputs, the end user's
//! session id and the run id: fields its list rows do not carry, so the browser
//! cannot search them, and it must not search the shown fields again (that
//! would hide what the server found). A name the table shows beside a Dify row
//! is therefore not found by the search, and the page says so beside the
//! result rather than only in a hint.

use crate::adapters::Applied;
use crate::model::CollectionType;
use crate::query::LogQuery;
use crate::sources::Source;

/// One line per collection type whose selected sources searched by their own
/// rules, while a search is on. Where some of the type's sources were not
/// asked (every row of theirs shows the text: see
/// [`Source::shows_searched_text_on_every_row`]), the line names those that were.
pub fn search_scope_lines(query: &LogQuery, sources: &[Source]) -> Vec<String> {
    if query.needle().is_none() {
        return Vec::new();
    }
    let mut scopes: Vec<TypeScope> = Vec::new();
    for source in sources
        .iter()
        .filter(|source| source.remote().is_some() && source.is_selected_by(query))
    {
        let Applied::ServerOwnRules(how) = source.capabilities().text else {
            continue;
        };
        let kind = source.kind();
        let at = scopes
            .iter()
            .position(|scope| scope.kind == kind)
            .unwrap_or_else(|| {
                scopes.push(TypeScope {
                    kind,
                    how,
                    searched: Vec::new(),
                    some_matched_whole: false,
                });
                scopes.len() - 1
            });
        let Some(scope) = scopes.get_mut(at) else {
            continue;
        };
        if source.shows_searched_text_on_every_row(query) {
            scope.some_matched_whole = true;
        } else {
            let name = source.stream().fixed_collection().map(str::to_owned);
            scope.searched.push(name.unwrap_or_else(|| source.label()));
        }
    }
    let typed = query.text.trim();
    scopes
        .into_iter()
        .filter(|scope| !scope.searched.is_empty())
        .map(|scope| {
            let whose = if scope.some_matched_whole {
                format!(" of {}", scope.searched.join(", "))
            } else {
                String::new()
            };
            format!(
                "{}{whose} were searched for “{typed}” {}, not in the names and messages the \
                 table shows.",
                scope.kind.label(),
                scope.how
            )
        })
        .collect()
}

/// One collection type's sources whose servers search by their own rules.
struct TypeScope {
    kind: CollectionType,
    /// Where those servers look (the capability's words).
    how: &'static str,
    /// The sources asked to search: collection names, or labels.
    searched: Vec<String>,
    /// Whether some source of the type was not asked, all its rows showing the text.
    some_matched_whole: bool,
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
                "Dify workflows of Support bot were searched for “triage” on Dify's server, over \
                 each run's inputs, outputs, end user's session id and run id, not in the names \
                 and messages the table shows."
            ]
        );
    }
}
