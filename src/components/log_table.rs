//! The log table: sortable headers, a chosen set of columns, and only the rows on
//! screen in the DOM, so 100 000 loaded rows cost the same to show as 100.

use leptos::html::Div;
use leptos::prelude::*;

use logdeck_core::columns::Column;
use logdeck_core::query::Sort;
use logdeck_core::status::Status;
use logdeck_core::timeline::Timeline;
use logdeck_core::viewport::Viewport;
use logdeck_core::zone::ZoneRules;

/// Every row is this tall (CSS agrees), which makes the visible range arithmetic.
pub const ROW_HEIGHT: f64 = 24.0;
/// Rows rendered beyond each edge of the viewport, so fast scrolling shows no gaps.
const OVERSCAN: usize = 8;

/// One rendered row: its position in the view and the text of its cells. The
/// whole of it keys the row's element, so a row read anew (a run that finished,
/// a message that arrived) is drawn anew while unchanged rows stay.
#[derive(Clone, PartialEq, Eq, Hash)]
struct RowView {
    position: usize,
    key: String,
    status: Status,
    raw_status: String,
    cells: Vec<(Column, String)>,
}

/// The rows `positions` of the view (indices into the timeline), in order.
#[component]
pub fn LogTable(
    timeline: RwSignal<Timeline>,
    /// Timeline indices of the rows to show, in display order.
    #[prop(into)]
    rows: Signal<Vec<usize>>,
    #[prop(into)] columns: Signal<Vec<Column>>,
    #[prop(into)] zone: Signal<ZoneRules>,
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
    /// Set while the first row is in view: live mode shows new rows only then.
    at_top: RwSignal<bool>,
    /// The view positions rendered now (half-open), for what loads per row.
    shown: RwSignal<(usize, usize)>,
) -> impl IntoView {
    let element = NodeRef::<Div>::new();
    let viewport = use_viewport(element);
    Effect::new(move |_| {
        let top = viewport.get().scroll_top < ROW_HEIGHT;
        if at_top.get_untracked() != top {
            at_top.set(top);
        }
    });
    let total = Signal::derive(move || rows.with(Vec::len));
    let range = Memo::new(move |_| viewport.get().range(total.get()));
    Effect::new(move |_| shown.set(range.get()));
    Effect::new(move |_| {
        if viewport
            .get_untracked()
            .near_end(range.get().1, total.get())
        {
            // Untracked: what the callback reads must not re-run this effect.
            untrack(|| on_near_end.run(()));
        }
    });
    // Keep the keyboard cursor in view.
    Effect::new(move |_| {
        let Some(position) = cursor.get() else { return };
        let target = viewport.get_untracked().scroll_to_show(position);
        if let (Some(top), Some(element)) = (target, element.get_untracked()) {
            element.set_scroll_top(top as i32);
        }
    });
    let visible = move || {
        let (start, end) = range.get();
        let zone = zone.get();
        rows.with(|rows| {
            let shown = rows.get(start..end).unwrap_or_default();
            timeline.with(|timeline| {
                columns.with(|columns| row_views(timeline, shown, start, columns, &zone))
            })
        })
    };
    let spacer = move |rows: usize| format!("{}px", rows as f64 * ROW_HEIGHT);
    view! {
        <div class="table-viewport" id="rows" node_ref=element on:scroll=move |_| viewport.measure() tabindex="0"
            aria-label="Log rows; use j/k or the arrow keys to move, Enter to open">
            <table class="log-table" aria-rowcount=move || total.get() + 1>
                <thead>
                    <tr aria-rowindex="1">
                        {move || columns.get().into_iter().map(|column| view! {
                            <SortHeader column sort zone_label on_sort />
                        }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    <tr class="spacer" aria-hidden="true" style:height=move || spacer(range.get().0)></tr>
                    <For each=visible key=RowView::clone let:row>
                        <LogRow row selected cursor on_open />
                    </For>
                    <tr class="spacer" aria-hidden="true"
                        style:height=move || spacer(total.get().saturating_sub(range.get().1))></tr>
                </tbody>
            </table>
        </div>
    }
}

/// The cell texts of the rows at `indices`, the first at view position `start`.
fn row_views(
    timeline: &Timeline,
    indices: &[usize],
    start: usize,
    columns: &[Column],
    zone: &ZoneRules,
) -> Vec<RowView> {
    indices
        .iter()
        .enumerate()
        .filter_map(|(i, &index)| {
            let record = timeline.records().get(index)?;
            Some(RowView {
                position: start + i,
                key: record.key(),
                status: record.status,
                raw_status: record.raw_status.clone(),
                cells: columns.iter().map(|&c| (c, c.text(record, zone))).collect(),
            })
        })
        .collect()
}

/// The scroll position and height of the table's viewport, measured on scroll and
/// resize; cheap to copy into closures.
#[derive(Clone, Copy)]
struct ViewportSignal {
    element: NodeRef<Div>,
    state: RwSignal<Viewport>,
}

impl ViewportSignal {
    fn measure(self) {
        if let Some(element) = self.element.get_untracked() {
            self.state.update(|viewport| {
                viewport.scroll_top = f64::from(element.scroll_top());
                viewport.height = f64::from(element.client_height()).max(ROW_HEIGHT);
            });
        }
    }

    fn get(self) -> Viewport {
        self.state.get()
    }

    fn get_untracked(self) -> Viewport {
        self.state.get_untracked()
    }
}

/// Tracks `element`'s scroll position and height.
fn use_viewport(element: NodeRef<Div>) -> ViewportSignal {
    let viewport = ViewportSignal {
        element,
        state: RwSignal::new(Viewport {
            row_height: ROW_HEIGHT,
            overscan: OVERSCAN,
            scroll_top: 0.0,
            height: 600.0,
        }),
    };
    Effect::new(move |_| {
        if element.get().is_some() {
            viewport.measure();
        }
    });
    let resize = window_event_listener(leptos::ev::resize, move |_| viewport.measure());
    on_cleanup(move || resize.remove());
    viewport
}

/// A sortable column header.
#[component]
fn SortHeader(
    column: Column,
    sort: Signal<Sort>,
    zone_label: Signal<String>,
    on_sort: Callback<Column>,
) -> impl IntoView {
    let state = move || {
        let sort = sort.get();
        match (sort.column == column, sort.descending) {
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
    let label = move || match column {
        Column::Time => format!("Time ({})", zone_label.get()),
        _ => column.label().to_owned(),
    };
    view! {
        <th scope="col" class:num=column.is_numeric() aria-sort=state>
            <button type="button" class="sort" on:click=move |_| on_sort.run(column)>
                {label}{arrow}
            </button>
        </th>
    }
}

/// One log row; a click opens it.
#[component]
fn LogRow(
    row: RowView,
    selected: Signal<Option<String>>,
    cursor: RwSignal<Option<usize>>,
    on_open: Callback<String>,
) -> impl IntoView {
    let RowView {
        position,
        key,
        status,
        raw_status,
        cells,
    } = row;
    let open_key = key.clone();
    let selected_key = key.clone();
    let cells = cells
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
                let title = text.clone();
                view! { <td class:num=column.is_numeric() title=title>{text}</td> }.into_any()
            }
        })
        .collect_view();
    view! {
        <tr aria-rowindex=position + 2 data-key=key
            class:selected=move || selected.get().as_deref() == Some(selected_key.as_str())
            class:cursor=move || cursor.get() == Some(position)
            on:click=move |_| {
                cursor.set(Some(position));
                on_open.run(open_key.clone());
            }>
            {cells}
        </tr>
    }
}
