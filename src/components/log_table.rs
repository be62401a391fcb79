//! The log table: sortable headers, a chosen set of columns, and only the rows on
//! screen in the DOM, so 100 000 loaded rows cost the same to show as 100.

use leptos::html::{Div, Tbody};
use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::ResizeObserver;

use logdeck_core::columns::Column;
use logdeck_core::model::LogRecord;
use logdeck_core::query::Sort;
use logdeck_core::row_markup::{push_row, Cells};
use logdeck_core::row_patch::{row_patch, PlacedRows, RowPatch};
use logdeck_core::search_terms::SearchTerms;
use logdeck_core::timeline::Timeline;
use logdeck_core::viewport::{whole_pixels, Viewport};
use logdeck_core::zone::ZoneRules;

/// A row's height until the stylesheet's `--row-height` is read: every row is
/// as tall as it says, which makes the visible range arithmetic.
const ROW_HEIGHT: f64 = 24.0;
/// Rows rendered beyond each edge of the viewport, so fast scrolling shows no gaps.
const OVERSCAN: usize = 5;

/// Tells the page where the viewport stands: whether the first row is in
/// view (`at_top`), the positions drawn (`shown`), and when the last rows
/// come into view (`on_near_end`, infinite scroll).
fn report_viewport(
    viewport: ViewportSignal,
    range: Memo<(usize, usize)>,
    total: Signal<usize>,
    at_top: RwSignal<bool>,
    shown: RwSignal<(usize, usize)>,
    on_near_end: Callback<()>,
) {
    Effect::new(move |_| {
        let Viewport {
            scroll_top,
            row_height,
            ..
        } = viewport.get();
        let top = scroll_top < row_height;
        if at_top.get_untracked() != top {
            at_top.set(top);
        }
    });
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
}

/// A new order, or the older rows shown or hidden, is read from its top, or
/// from the open record, wherever it went (as Grafana's and Datadog's tables
/// do): the table never stays scrolled to where the rows were, which at the
/// end would page on unasked.
fn start_new_orders_at_the_top(
    sort: Signal<Sort>,
    older_shown: Signal<bool>,
    selected: Signal<Option<String>>,
    rows: Signal<Vec<usize>>,
    timeline: RwSignal<Timeline>,
    cursor: RwSignal<Option<usize>>,
    element: NodeRef<Div>,
) {
    Effect::new(move |previous: Option<(Sort, bool)>| {
        let now = (sort.get(), older_shown.get());
        if previous.is_some_and(|previous| previous != now) {
            let open = untrack(|| {
                let key = selected.get()?;
                rows.with(|rows| {
                    timeline.with(|t| {
                        rows.iter()
                            .position(|&i| t.records().get(i).is_some_and(|r| r.has_key(&key)))
                    })
                })
            });
            cursor.set(open);
            if let (None, Some(element)) = (open, element.get_untracked()) {
                element.set_scroll_top(0);
            }
        }
        now
    });
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
    /// Rows at or before this instant are shaded: older than the
    /// complete part, from the sources read further back.
    #[prop(optional, into)]
    shaded_before: Signal<Option<chrono::DateTime<chrono::Utc>>>,
    /// The view is of one collection type: its column would repeat it on
    /// every row, and gives its room to the text (style/main.css).
    #[prop(optional, into)]
    one_type: Signal<bool>,
    /// The search whose terms the rows' texts mark.
    #[prop(optional, into)]
    search: Signal<Option<SearchTerms>>,
) -> impl IntoView {
    let element = NodeRef::<Div>::new();
    let viewport = use_viewport(element);
    measure_when_columns_change(viewport, columns, one_type, sort);
    let total = Signal::derive(move || rows.with(Vec::len));
    let range = Memo::new(move |_| viewport.get().range(total.get()));
    report_viewport(viewport, range, total, at_top, shown, on_near_end);
    let older_shown = Signal::derive(move || shaded_before.with(Option::is_some));
    start_new_orders_at_the_top(sort, older_shown, selected, rows, timeline, cursor, element);
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
        let marks = RowMarks {
            selected: selected.get(),
            cursor: cursor.get(),
            shaded_before: shaded_before.get(),
        };
        let sorted = sort.get().column;
        let sorted_number = sorted.is_numeric().then_some(sorted);
        let message_chars = viewport.message_chars.get();
        rows.with(|rows| {
            let shown = rows.get(start..end).unwrap_or_default();
            timeline.with(|timeline| {
                columns.with(|columns| {
                    search.with(|search| {
                        let cells = Cells {
                            columns,
                            sorted_number,
                            zone: &zone,
                            search: search.as_ref(),
                            message_chars,
                        };
                        rows_markup(timeline, shown, start, &cells, &marks)
                    })
                })
            })
        })
    };
    let open_clicked = move |event: leptos::ev::MouseEvent| {
        let Some(position) = clicked_position(&event) else {
            return;
        };
        // The key is the record's own, not the attribute's: the HTML parser
        // that drew the row turns a CR or NUL in an opaque vendor id into
        // something else.
        let index = rows.with_untracked(|rows| rows.get(position).copied());
        let key = index.and_then(|index| {
            timeline.with_untracked(|t| t.records().get(index).map(|record| record.key()))
        });
        if let Some(key) = key {
            cursor.set(Some(position));
            on_open.run(key);
        }
    };
    let body = NodeRef::<Tbody>::new();
    draw_rows(body, visible);
    // Its own memo: a scroll moves the spacers only when the range changes.
    let row_height = Memo::new(move |_| viewport.get().row_height);
    let spacer = move |rows: usize| {
        let row_height = row_height.get();
        format!(
            "{}px",
            logdeck_core::format::fixed(rows as f64 * row_height, 2)
        )
    };
    view! {
        <div class="table-viewport" id="rows" node_ref=element on:scroll=move |_| viewport.measure() tabindex="0"
            aria-label="Log rows; use j/k or the arrow keys to move, Enter to open">
            <table class="log-table" role="table" aria-rowcount=move || total.get() + 1
                class:zone-changes=move || zone.with(ZoneRules::changes_offset)
                class:by-number=move || sort.with(|s| s.column.is_numeric())
                class:one-type=move || one_type.get()>
                // Each column's width is set by its kind (style/main.css), not by the
                // rows on screen: columns hold still while scrolling, and the browser
                // lays the rows out without measuring every cell.
                <colgroup>
                    {move || columns.get().into_iter().map(|column| view! {
                        <col class=format!("col-{}", column.key()) class:num=column.is_numeric()
                            class:sorted=move || sort.with(|s| s.column == column) />
                    }).collect_view()}
                </colgroup>
                <thead role="rowgroup">
                    <tr role="row" aria-rowindex="1">
                        {move || columns.get().into_iter().map(|column| view! {
                            <SortHeader column sort zone_label on_sort />
                        }).collect_view()}
                    </tr>
                </thead>
                <tbody aria-hidden="true">
                    <tr class="spacer" style:height=move || spacer(range.get().0)></tr>
                </tbody>
                <tbody role="rowgroup" on:click=open_clicked node_ref=body></tbody>
                <tbody aria-hidden="true">
                    <tr class="spacer" style:height=move || spacer(total.get().saturating_sub(range.get().1))></tr>
                </tbody>
            </table>
        </div>
    }
}

/// Which row is open in the detail pane and which has the keyboard cursor.
struct RowMarks {
    selected: Option<String>,
    cursor: Option<usize>,
    shaded_before: Option<chrono::DateTime<chrono::Utc>>,
}

impl RowMarks {
    fn class(&self, position: usize, key: &str, record: &LogRecord) -> &'static str {
        // Every combination of the three marks, by a bit each.
        const CLASSES: [&str; 8] = [
            "",
            "selected",
            "cursor",
            "selected cursor",
            "older",
            "selected older",
            "cursor older",
            "selected cursor older",
        ];
        let selected = usize::from(self.selected.as_deref() == Some(key));
        let cursor = usize::from(self.cursor == Some(position));
        let older = usize::from(
            self.shaded_before
                .is_some_and(|before| record.timestamp <= before),
        );
        CLASSES[selected | cursor << 1 | older << 2]
    }
}

/// The rows at `indices`, the first at view place `start`.
fn rows_markup(
    timeline: &Timeline,
    indices: &[usize],
    start: usize,
    cells: &Cells<'_>,
    marks: &RowMarks,
) -> DrawnRows {
    let rows = indices
        .iter()
        .enumerate()
        .filter_map(|(i, &index)| {
            let record = timeline.records().get(index)?;
            let mut html = String::with_capacity(112 * cells.columns.len());
            let key = record.key();
            let class = marks.class(start + i, &key, record);
            push_row(&mut html, record, &key, start + i, class, cells);
            Some(html)
        })
        .collect();
    DrawnRows { start, rows }
}

/// The rows drawn in the table body: where they start in the view, and each
/// row's markup.
#[derive(Default)]
struct DrawnRows {
    start: usize,
    rows: Vec<String>,
}

/// Keeps `body`'s rows equal to `rows` (the first view place and the rows'
/// markup), touching only what changed: see [`row_patch`].
fn draw_rows(body: NodeRef<Tbody>, rows: impl Fn() -> DrawnRows + 'static) {
    let drawn = StoredValue::new_local(DrawnRows::default());
    Effect::new(move |_| {
        let next = rows();
        let Some(body) = body.get() else { return };
        drawn.update_value(|drawn| {
            let patch = row_patch(
                PlacedRows {
                    start: drawn.start,
                    rows: &drawn.rows,
                },
                PlacedRows {
                    start: next.start,
                    rows: &next.rows,
                },
            );
            apply_patch(&body, patch, &next.rows);
            *drawn = next;
        });
    });
}

/// Edits `body`'s rows as `patch` says, so they become `next`.
fn apply_patch(body: &web_sys::HtmlTableSectionElement, patch: RowPatch, next: &[String]) {
    let RowPatch::Edit {
        drop_front,
        drop_back,
        rewrite,
        prepend,
        append,
    } = patch
    else {
        if patch == RowPatch::Replace {
            body.set_inner_html(&next.concat());
        }
        return;
    };
    for _ in 0..drop_front {
        if let Some(row) = body.first_element_child() {
            row.remove();
        }
    }
    for _ in 0..drop_back {
        if let Some(row) = body.last_element_child() {
            row.remove();
        }
    }
    let kept = body.children();
    for i in rewrite {
        if let (Some(row), Some(markup)) = (kept.item(i as u32), next.get(prepend + i)) {
            row.set_outer_html(markup);
        }
    }
    if let Some(before) = next.get(..prepend).filter(|rows| !rows.is_empty()) {
        let _ = body.insert_adjacent_html("afterbegin", &before.concat());
    }
    if let Some(after) = next.get(append..).filter(|rows| !rows.is_empty()) {
        let _ = body.insert_adjacent_html("beforeend", &after.concat());
    }
}

/// The view position of the row a click landed in, read from the row's index.
fn clicked_position(event: &leptos::ev::MouseEvent) -> Option<usize> {
    let target = event.target()?.dyn_into::<web_sys::Element>().ok()?;
    let row = target.closest("tr[data-key]").ok()??;
    row.get_attribute("aria-rowindex")?
        .parse::<usize>()
        .ok()?
        .checked_sub(2)
}

/// The scroll position and height of the table's viewport, measured on scroll and
/// resize; cheap to copy into closures.
#[derive(Clone, Copy)]
struct ViewportSignal {
    element: NodeRef<Div>,
    state: RwSignal<Viewport>,
    /// About how many characters the Message column shows (`Cells::message_chars`).
    message_chars: RwSignal<Option<usize>>,
}

impl ViewportSignal {
    /// On scroll: where the viewport is.
    fn measure(self) {
        if let Some(element) = self.element.get_untracked() {
            self.state.update(|viewport| {
                viewport.scroll_top = f64::from(element.scroll_top());
                viewport.height = f64::from(element.client_height()).max(viewport.row_height);
            });
        }
    }

    /// On start and resize: also how tall the stylesheet makes a row here.
    fn measure_rows(self) {
        let Some(element) = self.element.get_untracked() else {
            return;
        };
        let row_height = web_sys::window()
            .and_then(|window| window.get_computed_style(&element).ok().flatten())
            .and_then(|style| style.get_property_value("--row-height").ok())
            .and_then(|value| whole_pixels(&value))
            .unwrap_or(ROW_HEIGHT);
        if self.state.with_untracked(|viewport| viewport.row_height) != row_height {
            self.state
                .update(|viewport| viewport.row_height = row_height);
        }
        self.measure();
        self.measure_message();
    }

    /// How many characters the Message column shows, from its header's
    /// width: its text is 14 px (about 7 px a character) after 0.6rem of
    /// padding each side. `None` on a phone, whose cards have no header there.
    fn measure_message(self) {
        let Some(element) = self.element.get_untracked() else {
            return;
        };
        let cards = web_sys::window()
            .and_then(|window| window.match_media(crate::state::media::PHONE_WIDTH).ok())
            .flatten()
            .is_some_and(|query| query.matches());
        let width = element
            .query_selector("th.c-message")
            .ok()
            .flatten()
            .map(|header| header.get_bounding_client_rect().width());
        let chars = width
            .filter(|_| !cards)
            .map(|width| ((width - 17.0) / 7.0).floor())
            .filter(|chars| *chars >= 1.0)
            .map(|chars| chars as usize);
        if self.message_chars.get_untracked() != chars {
            self.message_chars.set(chars);
        }
    }

    fn get(self) -> Viewport {
        self.state.get()
    }

    fn get_untracked(self) -> Viewport {
        self.state.get_untracked()
    }
}

/// Measures the Message column again when the columns shown change without
/// the viewport's size: chosen columns, one type in view, a number sorted by.
fn measure_when_columns_change(
    viewport: ViewportSignal,
    columns: Signal<Vec<Column>>,
    one_type: Signal<bool>,
    sort: Signal<Sort>,
) {
    Effect::new(move |_| {
        columns.track();
        one_type.track();
        sort.track();
        viewport.measure_message();
    });
}

/// Tracks `element`'s scroll position and height.
fn use_viewport(element: NodeRef<Div>) -> ViewportSignal {
    let viewport = ViewportSignal {
        element,
        message_chars: RwSignal::new(None),
        state: RwSignal::new(Viewport {
            row_height: ROW_HEIGHT,
            overscan: OVERSCAN,
            scroll_top: 0.0,
            height: 600.0,
        }),
    };
    // Measured whenever the viewport's size changes, not only the window's:
    // the filters, toolbar and notes above and below it come and go, and a
    // viewport grown since it was measured would leave rows undrawn.
    let observer = StoredValue::new_local(None::<(ResizeObserver, Closure<dyn FnMut()>)>);
    Effect::new(move |_| {
        let Some(element) = element.get() else {
            return;
        };
        viewport.measure_rows();
        let resized = Closure::<dyn FnMut()>::new(move || viewport.measure_rows());
        if let Ok(watch) = ResizeObserver::new(resized.as_ref().unchecked_ref()) {
            watch.observe(&element);
            if let Some((before, _)) = observer
                .try_update_value(|o| o.replace((watch, resized)))
                .flatten()
            {
                before.disconnect();
            }
        }
    });
    on_cleanup(move || {
        if let Some((watch, _)) = observer.try_update_value(Option::take).flatten() {
            watch.disconnect();
        }
    });
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
        <th scope="col" role="columnheader" class=format!("c-{}", column.key()) class:num=column.is_numeric()
            class:sorted=move || sort.with(|s| s.column == column) aria-sort=state>
            // The whole name where a narrow column cuts it ("Operat…").
            <button type="button" class="sort" title=label on:click=move |_| on_sort.run(column)>
                {label}{arrow}
            </button>
        </th>
    }
}
