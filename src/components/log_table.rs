//! The log table: sortable headers, a chosen set of columns, and only the rows on
//! screen in the DOM, so 100 000 loaded rows cost the same to show as 100.

use chrono::FixedOffset;
use leptos::html::Div;
use leptos::prelude::*;

use logdeck_core::columns::Column;
use logdeck_core::query::Sort;
use logdeck_core::timeline::Timeline;

/// Every row is this tall (CSS agrees), which makes the visible range arithmetic.
pub const ROW_HEIGHT: f64 = 32.0;
/// Rows rendered beyond each edge of the viewport, so fast scrolling shows no gaps.
const OVERSCAN: usize = 8;

/// The rows `positions` of the view (indices into the timeline), in order.
#[component]
pub fn LogTable(
    timeline: RwSignal<Timeline>,
    /// Timeline indices of the rows to show, in display order.
    #[prop(into)]
    rows: Signal<Vec<usize>>,
    #[prop(into)] columns: Signal<Vec<Column>>,
    #[prop(into)] offset: Signal<FixedOffset>,
    #[prop(into)] zone_label: Signal<String>,
    #[prop(into)] sort: Signal<Sort>,
    on_sort: Callback<Column>,
    /// The record open in the detail pane.
    #[prop(into)]
    selected: Signal<Option<String>>,
    /// The keyboard cursor, a position in `rows`.
    cursor: RwSignal<Option<usize>>,
    on_open: Callback<String>,
    /// Asked when the last rows come into view (infinite scroll).
    on_near_end: Callback<()>,
) -> impl IntoView {
    let viewport = NodeRef::<Div>::new();
    let scroll_top = RwSignal::new(0.0);
    let height = RwSignal::new(600.0);

    let measure = move || {
        if let Some(element) = viewport.get_untracked() {
            scroll_top.set(f64::from(element.scroll_top()));
            height.set(f64::from(element.client_height()).max(ROW_HEIGHT));
        }
    };
    Effect::new(move |_| {
        if viewport.get().is_some() {
            measure();
        }
    });
    let resize = window_event_listener(leptos::ev::resize, move |_| measure());
    on_cleanup(move || resize.remove());

    let total = Signal::derive(move || rows.with(Vec::len));
    let range = Memo::new(move |_| {
        let first = (scroll_top.get() / ROW_HEIGHT).floor() as usize;
        let shown = (height.get() / ROW_HEIGHT).ceil() as usize;
        let start = first.saturating_sub(OVERSCAN).min(total.get());
        let end = (first + shown + OVERSCAN).min(total.get());
        (start, end)
    });
    Effect::new(move |_| {
        let (_, end) = range.get();
        if total.get() > 0 && end + OVERSCAN >= total.get() {
            on_near_end.run(());
        }
    });

    // Keep the keyboard cursor in view.
    Effect::new(move |_| {
        let Some(position) = cursor.get() else { return };
        let Some(element) = viewport.get_untracked() else {
            return;
        };
        let top = position as f64 * ROW_HEIGHT;
        let view_top = f64::from(element.scroll_top());
        let view_height = f64::from(element.client_height());
        // The sticky header covers the first row's height.
        if top < view_top {
            element.set_scroll_top(top as i32);
        } else if top + 2.0 * ROW_HEIGHT > view_top + view_height {
            element.set_scroll_top((top + 2.0 * ROW_HEIGHT - view_height) as i32);
        }
    });

    let visible = move || {
        let (start, end) = range.get();
        let offset = offset.get();
        rows.with(|rows| {
            // Never slice past the rows actually there, whatever order signals settle in.
            let end = end.min(rows.len());
            let start = start.min(end);
            timeline.with(|timeline| {
                rows[start..end]
                    .iter()
                    .enumerate()
                    .filter_map(|(i, &index)| {
                        let record = timeline.records().get(index)?;
                        let cells: Vec<(Column, String)> = columns.with(|cols| {
                            cols.iter().map(|&c| (c, c.text(record, offset))).collect()
                        });
                        Some((
                            start + i,
                            record.key(),
                            record.status,
                            record.raw_status.clone(),
                            cells,
                        ))
                    })
                    .collect::<Vec<_>>()
            })
        })
    };

    let header = move || {
        columns
            .get()
            .into_iter()
            .map(|column| {
                let sort_column = column;
                let state = move || {
                    let sort = sort.get();
                    match (sort.column == sort_column, sort.descending) {
                        (false, _) => "none",
                        (true, true) => "descending",
                        (true, false) => "ascending",
                    }
                };
                let arrow = move || match state() {
                    "descending" => " ▼",
                    "ascending" => " ▲",
                    _ => "",
                };
                let label = if column == Column::Time {
                    Signal::derive(move || format!("Time ({})", zone_label.get()))
                } else {
                    Signal::derive(move || column.label().to_owned())
                };
                view! {
                    <th scope="col" class:num=column.is_numeric() aria-sort=state>
                        <button type="button" class="sort" on:click=move |_| on_sort.run(sort_column)>
                            {label}{arrow}
                        </button>
                    </th>
                }
            })
            .collect_view()
    };

    view! {
        <div class="table-viewport" node_ref=viewport on:scroll=move |_| measure() tabindex="0"
            aria-label="Log rows; use j/k or the arrow keys to move, Enter to open">
            <table class="log-table" aria-rowcount=move || total.get() + 1>
                <thead>
                    <tr aria-rowindex="1">{header}</tr>
                </thead>
                <tbody>
                    <tr class="spacer" aria-hidden="true"
                        style:height=move || format!("{}px", range.get().0 as f64 * ROW_HEIGHT)></tr>
                    <For each=visible key=|(position, key, ..)| (*position, key.clone())
                        let:((position, key, status, raw_status, cells))>
                        {
                            let open_key = key.clone();
                            let selected_key = key.clone();
                            view! {
                                <tr aria-rowindex=position + 2 data-key=key
                                    class:selected=move || selected.get().as_deref() == Some(selected_key.as_str())
                                    class:cursor=move || cursor.get() == Some(position)
                                    on:click=move |_| {
                                        cursor.set(Some(position));
                                        on_open.run(open_key.clone());
                                    }>
                                    {cells
                                        .into_iter()
                                        .map(|(column, text)| {
                                            if column == Column::Status {
                                                view! {
                                                    <td>
                                                        <span class=format!("status status-{}", status.key())
                                                            title=format!("vendor status: {raw_status}")>{text}</span>
                                                    </td>
                                                }
                                                .into_any()
                                            } else {
                                                {
                                                let title = text.clone();
                                                view! { <td class:num=column.is_numeric() title=title>{text}</td> }.into_any()
                                            }
                                            }
                                        })
                                        .collect_view()}
                                </tr>
                            }
                        }
                    </For>
                    <tr class="spacer" aria-hidden="true"
                        style:height=move || format!("{}px", (total.get() - range.get().1) as f64 * ROW_HEIGHT)></tr>
                </tbody>
            </table>
        </div>
    }
}
