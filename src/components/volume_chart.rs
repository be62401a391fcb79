//! The volume chart: rows per time bucket, stacked by status; choosing a bar, or
//! dragging across several, narrows the period to them (and so the URL).

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use logdeck_core::format;
use logdeck_core::frontier::Frontier;
use logdeck_core::histogram::{BarCoverage, Bucket};
use logdeck_core::query::TimeWindow;
use logdeck_core::status::Status;
use logdeck_core::zone::ZoneRules;

const WIDTH: f64 = 1000.0;
const HEIGHT: f64 = 80.0;
/// The chart's `viewBox` and height as written (`WIDTH` and `HEIGHT`).
const VIEW_BOX: &str = "0 0 1000 80";
const VIEW_HEIGHT: &str = "80";
const _: () = assert!(
    WIDTH == 1000.0 && HEIGHT == 80.0,
    "VIEW_BOX and VIEW_HEIGHT say so"
);

/// A coordinate as the SVG attribute takes it, to the hundredth.
fn coordinate(value: f64) -> String {
    format::fixed(value, 2)
}

/// Bottom to top: failures stand out on top of the successes.
const STACK: [Status; 10] = [
    Status::Success,
    Status::Running,
    Status::Paused,
    Status::Event,
    Status::Stopped,
    Status::Unknown,
    Status::Blocked,
    Status::Timeout,
    Status::Warning,
    Status::Error,
];

/// "1 row", "3 rows".
fn counted(count: u32, noun: &str) -> String {
    match count {
        1 => format!("1 {noun}"),
        n => format!("{n} {noun}s"),
    }
}

/// "12 rows: Error 3, Warning 1, Success 8": the statuses the bar holds, in
/// the order the bar stacks them from the top, and none it lacks (an
/// error-only view's bars say nothing of warnings).
fn bar_counts(bucket: &Bucket) -> String {
    let statuses: Vec<String> = STACK
        .iter()
        .rev()
        .filter_map(|status| {
            let count = bucket.count(*status);
            (count > 0).then(|| format!("{} {count}", status.label()))
        })
        .collect();
    let total = counted(bucket.total(), "row");
    if statuses.is_empty() {
        total
    } else {
        format!("{total}: {}", statuses.join(", "))
    }
}

/// The bar an event happened in, and the period it covers. The chart listens
/// once for all its bars, which then carry no handlers of their own to replace
/// whenever the counts change.
fn event_bar(
    ev: &leptos::ev::Event,
    buckets: Memo<Vec<Bucket>>,
) -> Option<(web_sys::Element, TimeWindow)> {
    let target = ev.target()?.dyn_into::<web_sys::Element>().ok()?;
    let bar = target.closest("g.bar").ok()??;
    let index: usize = bar.get_attribute("data-index")?.parse().ok()?;
    let window = buckets.with_untracked(|buckets| {
        let bucket = buckets.get(index)?;
        Some(TimeWindow {
            from: bucket.from,
            to: bucket.to,
        })
    })?;
    Some((bar, window))
}

/// Choosing a bar narrows the period to it.
fn bar_click(
    ev: &leptos::ev::MouseEvent,
    buckets: Memo<Vec<Bucket>>,
    on_select: Callback<TimeWindow>,
) {
    if let Some((_, window)) = event_bar(ev, buckets) {
        on_select.run(window);
    }
}

/// Enter or Space narrows to the bar; ← and → move between bars, Home and End
/// to the first and last, so the chart is one tab stop rather than one per bar.
fn bar_key(
    ev: &leptos::ev::KeyboardEvent,
    buckets: Memo<Vec<Bucket>>,
    on_select: Callback<TimeWindow>,
) {
    let Some((bar, window)) = event_bar(ev, buckets) else {
        return;
    };
    let next = match ev.key().as_str() {
        "Enter" | " " => {
            ev.prevent_default();
            return on_select.run(window);
        }
        "ArrowRight" => bar.next_element_sibling(),
        "ArrowLeft" => bar.previous_element_sibling(),
        "Home" => end_bar(&bar, 0),
        "End" => end_bar(&bar, u32::MAX),
        _ => return,
    };
    let Some(next) = next.filter(|next| next.class_list().contains("bar")) else {
        return;
    };
    ev.prevent_default();
    let _ = bar.set_attribute("tabindex", "-1");
    let _ = next.set_attribute("tabindex", "0");
    // An SVG element has focus() as HTML ones do.
    let _ = next.unchecked_into::<web_sys::HtmlElement>().focus();
}

/// The chart's first bar (`0`), or its last (`u32::MAX`).
fn end_bar(bar: &web_sys::Element, which: u32) -> Option<web_sys::Element> {
    let bars = bar.parent_element()?.query_selector_all("g.bar").ok()?;
    let index = which.min(bars.length().checked_sub(1)?);
    bars.item(index)?.dyn_into().ok()
}

#[component]
pub fn VolumeChart(
    /// The bars ([`crate::state::chart`]).
    buckets: Memo<Vec<Bucket>>,
    #[prop(into)] window: Signal<Option<TimeWindow>>,
    /// Bars older than the frontier are drawn as not loaded, never as zero.
    #[prop(into)]
    frontier: Signal<Frontier>,
    #[prop(into)] zone: Signal<ZoneRules>,
    on_select: Callback<TimeWindow>,
) -> impl IntoView {
    let label = move |instant: DateTime<Utc>| format::timestamp_in(instant, &zone.get_untracked());
    let bars = move || {
        let buckets = buckets.get();
        let highest = buckets.iter().map(Bucket::total).max().unwrap_or(0).max(1) as f64;
        let slot = WIDTH / buckets.len().max(1) as f64;
        // A bar read alone says what every bar lacks, as the legend does.
        let lack = frontier.with(Frontier::bars_lack);
        buckets
            .into_iter()
            .enumerate()
            .map(|(index, bucket)| {
                let x = index as f64 * slot;
                let coverage = frontier.with(|f| bucket.coverage(f));
                let mut base = HEIGHT;
                let segments = STACK
                    .iter()
                    .filter(|status| bucket.count(**status) > 0)
                    .map(|status| {
                        let height = f64::from(bucket.count(*status)) / highest * (HEIGHT - 4.0);
                        base -= height;
                        view! {
                            <rect class=format!("bar-{}", status.key()) x=coordinate(x + 0.5) y=coordinate(base)
                                width=coordinate((slot - 1.0).max(0.5)) height=coordinate(height) />
                        }
                    })
                    .collect_view();
                let counted = bar_counts(&bucket);
                let counted = match coverage {
                    BarCoverage::Complete => counted,
                    BarCoverage::Partial => format!("at least {counted} (partly loaded)"),
                    BarCoverage::NotLoaded => "not loaded yet".to_owned(),
                };
                let counted = match (coverage, &lack) {
                    (BarCoverage::NotLoaded, _) | (_, None) => counted,
                    (_, Some(lack)) => format!("{counted}, {lack}"),
                };
                // A bar the period cuts holds less time than the others: said,
                // and drawn fainter, so it reads as no dip.
                let clipped = window.get_untracked().and_then(|window| bucket.clipped_to(window));
                let description = match clipped {
                    None => format!("{} to {}: {counted}", label(bucket.from), label(bucket.to)),
                    Some((from, to)) => format!(
                        "{} to {} (the period holds only this part of the bar): {counted}",
                        label(from),
                        label(to)
                    ),
                };
                let aria_label = description.clone();
                view! {
                    <g class="bar" class:bar-clipped=clipped.is_some() data-index=index role="button"
                        tabindex=if index == 0 { "0" } else { "-1" } aria-label=aria_label>
                        <title>{description}</title>
                        <rect class="bar-hit" class:bar-unloaded=coverage == BarCoverage::NotLoaded
                            class:bar-partial=coverage == BarCoverage::Partial x=coordinate(x) y="0" width=coordinate(slot) height=VIEW_HEIGHT />
                        {segments}
                    </g>
                }
            })
            .collect_view()
    };
    let edges = move || {
        window
            .get()
            .map(|w| (label(w.from), label(w.to)))
            .unwrap_or_default()
    };
    // The top of the scale; with no rows at all, no scale ("0" over "0" says nothing).
    let highest = move || {
        let top = buckets.with(|b| b.iter().map(Bucket::total).max().unwrap_or(0));
        (top > 0).then(|| top.to_string())
    };
    let svg = NodeRef::<leptos::svg::Svg>::new();
    let brush = use_brush(svg, buckets, on_select);
    view! {
        <figure class="volume">
            // How to use it, said where the pointer is rather than in a line of
            // its own: the rows below get that line.
            <div class="volume-plot" title="Choose a bar, or drag across bars, to narrow the period">
                <span class="visually-hidden">"Choose a bar, or drag across bars, to narrow the period."</span>
                <div class="volume-y" aria-hidden="true"><span>{highest}</span><span>{move || highest().map(|_| "0")}</span></div>
                <svg node_ref=svg viewBox=VIEW_BOX preserveAspectRatio="none" class="volume-chart"
                    on:pointerdown=move |ev| brush.start(&ev)
                    on:pointermove=move |ev| brush.extend(&ev)
                    on:pointerup=move |ev| brush.finish(&ev)
                    on:pointerleave=move |_| brush.cancel()
                    on:click=move |ev| bar_click(&ev, buckets, on_select)
                    on:keydown=move |ev| bar_key(&ev, buckets, on_select)>
                    <defs>
                        <pattern id="unloaded-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
                            <line class="hatch-line" x1="0" y1="0" x2="0" y2="6" />
                        </pattern>
                    </defs>
                    {bars}
                    {move || brush.span().map(|(first, last)| {
                        let slot = WIDTH / buckets.with(Vec::len).max(1) as f64;
                        view! {
                            <rect class="brush" x=coordinate(first as f64 * slot) y="0"
                                width=coordinate((last - first + 1) as f64 * slot) height=VIEW_HEIGHT />
                        }
                    })}
                </svg>
            </div>
            <ChartLegend buckets frontier edges=Signal::derive(edges) />
        </figure>
    }
}

/// Dragging across bars narrows the period to the span they cover; a press and
/// release on one bar is that bar's own click.
#[derive(Clone, Copy)]
struct Brush {
    svg: NodeRef<leptos::svg::Svg>,
    buckets: Memo<Vec<Bucket>>,
    /// The bar the drag started on, and the one under the pointer now.
    dragged: RwSignal<Option<(usize, usize)>>,
    on_select: Callback<TimeWindow>,
}

fn use_brush(
    svg: NodeRef<leptos::svg::Svg>,
    buckets: Memo<Vec<Bucket>>,
    on_select: Callback<TimeWindow>,
) -> Brush {
    Brush {
        svg,
        buckets,
        dragged: RwSignal::new(None),
        on_select,
    }
}

impl Brush {
    /// The bar under the pointer, from its position across the chart.
    fn bar_at(&self, ev: &leptos::ev::PointerEvent) -> Option<usize> {
        let bounds = self.svg.get_untracked()?.get_bounding_client_rect();
        let bars = self.buckets.with_untracked(Vec::len);
        if bars == 0 || bounds.width() <= 0.0 {
            return None;
        }
        let across = (f64::from(ev.client_x()) - bounds.left()) / bounds.width();
        Some(((across * bars as f64).floor().max(0.0) as usize).min(bars - 1))
    }

    fn start(&self, ev: &leptos::ev::PointerEvent) {
        if ev.is_primary() && ev.button() == 0 {
            self.dragged.set(self.bar_at(ev).map(|bar| (bar, bar)));
        }
    }

    fn extend(&self, ev: &leptos::ev::PointerEvent) {
        let Some((anchor, current)) = self.dragged.get_untracked() else {
            return;
        };
        if let Some(bar) = self.bar_at(ev).filter(|bar| *bar != current) {
            self.dragged.set(Some((anchor, bar)));
        }
    }

    /// The first and last bar of a drag over more than one bar.
    fn span(&self) -> Option<(usize, usize)> {
        self.dragged
            .get()
            .filter(|(anchor, current)| anchor != current)
            .map(|(anchor, current)| (anchor.min(current), anchor.max(current)))
    }

    fn finish(&self, ev: &leptos::ev::PointerEvent) {
        self.extend(ev);
        let span = self.span();
        self.dragged.set(None);
        let Some((first, last)) = span else { return };
        let window = self.buckets.with_untracked(|buckets| {
            Some(TimeWindow {
                from: buckets.get(first)?.from,
                to: buckets.get(last)?.to,
            })
        });
        if let Some(window) = window {
            self.on_select.run(window);
        }
    }

    fn cancel(&self) {
        self.dragged.set(None);
    }
}

/// The statuses the bars draw, and what the bars leave out (the part of the
/// period not loaded yet, failed sources).
#[component]
fn ChartLegend(
    buckets: Memo<Vec<Bucket>>,
    frontier: Signal<Frontier>,
    /// The period's first and last instant, at either end of the line.
    edges: Signal<(String, String)>,
) -> impl IntoView {
    let drawn = move || {
        buckets.with(|buckets| {
            STACK
                .iter()
                .rev()
                .filter(|status| buckets.iter().any(|bucket| bucket.count(**status) > 0))
                .map(|status| {
                    view! {
                        <li><svg class="swatch" viewBox="0 0 10 10" aria-hidden="true">
                            <rect class=format!("bar-{}", status.key()) width="10" height="10" />
                        </svg>{status.label()}</li>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <figcaption class="volume-legend">
            <span class="volume-edge">{move || edges.get().0}</span>
            <ul class="volume-statuses" aria-label="Statuses in the chart">{drawn}</ul>
            {move || frontier.with(Frontier::chart_note).map(|note| view! { <p class="volume-note">{note}</p> })}
            <span class="volume-edge end">{move || edges.get().1}</span>
        </figcaption>
    }
}
