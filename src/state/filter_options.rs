//! The filter bar's choices: from the sources, the loaded rows, and the users,
//! teams and events Make's audit-log `/filters` endpoints announce before any row with them
//! is loaded. The merging rules are the core's (`FilterOptions::build`).

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::net;
use crate::state::loads::Loads;
use logdeck_core::adapters::make_audit::{self, AuditStream};
use logdeck_core::filter_options::{FilterOptions, RowValues};
use logdeck_core::query::LogQuery;
use logdeck_core::sources::Source;
use logdeck_core::timeline::Timeline;

/// The options for `query`, recomputed when the sources, rows or query change.
pub fn use_filter_options(
    sources: Signal<Vec<Source>>,
    loads: Loads,
    query: Memo<LogQuery>,
) -> Memo<FilterOptions> {
    let rows = Memo::new(move |_| loads.timeline.with(Timeline::row_values));
    let announced = use_announced_values(sources);
    Memo::new(move |_| {
        sources.with(|sources| {
            rows.with(|rows| {
                announced.with(|announced| {
                    query.with(|query| FilterOptions::build(sources, rows, announced, query))
                })
            })
        })
    })
}

/// Users and teams from each audit source's `/filters` endpoint.
fn use_announced_values(sources: Signal<Vec<Source>>) -> RwSignal<RowValues> {
    let values = RwSignal::new(RowValues::default());
    Effect::new(move |_| {
        for source in sources.get() {
            let Source::MakeAudit(AuditStream { connection, scope }) = source else {
                continue;
            };
            if connection.token.is_none() {
                continue;
            }
            spawn_local(async move {
                let request = make_audit::filters_request(&connection, scope);
                let Ok(answer) = net::get(&request, None).await else {
                    return;
                };
                if answer.status != 200 {
                    return;
                }
                if let Ok(filters) = make_audit::decode_filters(&answer.body) {
                    values.update(|values| values.add_announced(filters));
                }
            });
        }
    });
    values
}
