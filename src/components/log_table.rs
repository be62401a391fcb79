//! The log table: one row per record of the merged timeline.

use leptos::prelude::*;

use crate::core::format;
use crate::core::model::LogRecord;

/// Renders `records` in the order given (the caller merges and sorts).
#[component]
pub fn LogTable(#[prop(into)] records: Signal<Vec<LogRecord>>) -> impl IntoView {
    view! {
        <table class="log-table">
            <caption class="visually-hidden">"Scenario logs"</caption>
            <thead>
                <tr>
                    <th scope="col">"Time"</th>
                    <th scope="col">"Status"</th>
                    <th scope="col">"Scenario"</th>
                    <th scope="col">"Execution"</th>
                    <th scope="col">"Author"</th>
                    <th scope="col" class="num">"Duration"</th>
                    <th scope="col" class="num">"Operations"</th>
                </tr>
            </thead>
            <tbody>
                <For each=move || records.get() key=LogRecord::key let:record>
                    <LogRow record />
                </For>
            </tbody>
        </table>
    }
}

#[component]
fn LogRow(record: LogRecord) -> impl IntoView {
    let status = record.status;
    let key = record.key();
    view! {
        <tr data-key=key>
            <td class="time">
                <time datetime=record.timestamp.to_rfc3339()>
                    {format::timestamp_utc(record.timestamp)}
                </time>
            </td>
            <td>
                <span class=format!("status status-{}", status.key())
                    title=format!("vendor status {}", record.raw_status)>
                    {status.label()}
                </span>
            </td>
            <td>{record.collection}</td>
            <td>{record.name.unwrap_or_default()}</td>
            <td>{record.client.unwrap_or_else(|| "—".into())}</td>
            <td class="num">{record.duration_ms.map(format::duration_ms).unwrap_or_default()}</td>
            <td class="num">{record.usage.operations.map(|n| n.to_string()).unwrap_or_default()}</td>
        </tr>
    }
}
