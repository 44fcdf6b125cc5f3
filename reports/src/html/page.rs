//! The page around a report: document head, the one stylesheet, verdict badges.

use super::text::Text;
use crate::Verdict;
use maud::{DOCTYPE, Markup, PreEscaped, html};

/// The class that colours a verdict: a fixed word per verdict, never record text.
pub(crate) fn verdict_class(v: Verdict) -> &'static str {
    match v {
        Verdict::Pass => "v-pass",
        Verdict::Fail => "v-fail",
        Verdict::Warn => "v-warn",
        Verdict::Info => "v-info",
        Verdict::NotApplicable => "v-na",
        Verdict::Error => "v-error",
        Verdict::Timeout => "v-timeout",
        Verdict::Waived => "v-waived",
    }
}

/// A verdict as a coloured badge.
pub(crate) fn badge(v: Verdict) -> Markup {
    html! { span class={ "b " (verdict_class(v)) } { (v.as_str()) } }
}

/// Whether a verdict is something to look at: its details start open.
pub(crate) fn needs_attention(v: Verdict) -> bool {
    matches!(v, Verdict::Fail | Verdict::Warn | Verdict::Error | Verdict::Timeout)
}

/// Milliseconds for people: `840 ms`, `3.21 s`.
pub(crate) fn millis(ms: u64) -> String {
    if ms < 1000 { format!("{ms} ms") } else { format!("{:.2} s", ms as f64 / 1000.0) }
}

/// A coordinate as an SVG attribute: one decimal.
pub(crate) fn at(v: f64) -> String {
    format!("{v:.1}")
}

/// A horizontal time axis of an SVG picture at height `y`, from `left` for
/// `width`, with a tick and its label at each `(x, label)`.
pub(crate) fn time_axis(left: f64, width: f64, y: f64, ticks: &[(f64, String)]) -> Markup {
    html! {
        line class="ax" x1=(at(left)) y1=(at(y)) x2=(at(left + width)) y2=(at(y)) {}
        "\n"
        @for (x, label) in ticks {
            line class="tk" x1=(at(*x)) y1=(at(y)) x2=(at(*x)) y2=(at(y + 4.0)) {}
            text class="tl" x=(at(*x)) y=(at(y + 15.0)) text-anchor="middle" { (label) }
            "\n"
        }
    }
}

/// A tick step of 1, 2 or 5 times a power of ten giving at most about six ticks over `span`.
pub(crate) fn tick_step(span: u64) -> u64 {
    let rough = (span / 6).max(1);
    let mut step = 1;
    loop {
        for m in [1, 2, 5] {
            if step * m >= rough {
                return step * m;
            }
        }
        step *= 10;
    }
}

/// A section of a page: `<section id>` with its `<h2>` heading, then `content`.
pub(crate) fn section(id: &str, heading: Markup, content: Markup) -> Markup {
    html! { section id=(id) { "\n" h2 { (heading) } "\n" (content) } "\n" }
}

/// A table: the cells of its one header row, then its rows, each of which
/// ends with a line break.
pub(crate) fn table(class: Option<&str>, head: Markup, rows: Markup) -> Markup {
    html! {
        table class=[class] { "\n" thead { tr { (head) } } "\n" tbody { "\n" (rows) } "\n" }
        "\n"
    }
}

/// A whole HTML5 document. `extra_css` is built by the renderers from fixed
/// words and indices only, and goes into the stylesheet as it is.
///
/// The Content-Security-Policy forbids every script and every fetch: even a
/// mistake in escaping could not run a SUT's script or load anything.
pub(crate) fn document(title: &str, extra_css: &str, body: Markup) -> String {
    html! {
        (DOCTYPE) "\n"
        html lang="en" {
            "\n"
            head {
                "\n" meta charset="utf-8";
                "\n" meta http-equiv="Content-Security-Policy"
                    content="default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";
                "\n" meta name="viewport" content="width=device-width, initial-scale=1";
                "\n" meta name="generator" content="setconform";
                "\n" title { (Text(title)) }
                "\n" style { "\n" (PreEscaped(CSS)) (PreEscaped(extra_css)) }
                "\n"
            }
            "\n"
            body { "\n" (body) }
            "\n"
        }
        "\n"
    }
    .into_string()
}

const CSS: &str = r#":root {
  --pass: #1e7b34; --fail: #c62828; --warn: #b45f06; --info: #1565c0; --na: #6b7280;
  --error: #7b1fa2; --timeout: #d84315; --waived: #00796b;
  --line: #d8dde3; --soft: #f5f7f9; --ink: #1f2328; --muted: #59636e;
}
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: #fff; }
code, pre, .mono { font-family: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12.5px; }
a { color: #0b57d0; text-decoration: none; }
a:hover { text-decoration: underline; }
header.top { background: #1f2937; color: #fff; padding: 14px 24px 10px; }
header.top h1 { margin: 0 0 4px; font-size: 20px; font-weight: 600; }
header.top .sub { color: #cbd5e1; font-size: 13px; }
header.top nav a { color: #e2e8f0; margin-right: 16px; font-size: 13px; }
header.top nav { margin-top: 8px; }
.filters { position: sticky; top: 0; z-index: 5; background: #f8fafc; border-bottom: 1px solid var(--line); padding: 6px 24px; display: flex; flex-wrap: wrap; gap: 4px 14px; align-items: center; font-size: 12.5px; }
.filters .grp { display: flex; flex-wrap: wrap; gap: 4px; align-items: center; }
.filters .grp > span { color: var(--muted); margin-right: 2px; }
.filters label { cursor: pointer; border: 1px solid var(--line); border-radius: 12px; padding: 1px 9px; background: #fff; user-select: none; }
.filters label:hover { border-color: #94a3b8; }
input.flt { position: absolute; opacity: 0; pointer-events: none; }
main { padding: 8px 24px 48px; max-width: 1500px; }
h2 { font-size: 17px; margin: 26px 0 8px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
h3 { font-size: 15px; margin: 0; }
h4 { font-size: 13px; margin: 14px 0 6px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 4px 8px; border-bottom: 1px solid var(--line); }
th { background: var(--soft); font-weight: 600; font-size: 12.5px; }
tbody tr:hover { background: #fafbfc; }
td.num, th.num { text-align: right; white-space: nowrap; }
td.rule { min-width: 26em; }
td.refs { font-size: 12px; overflow-wrap: anywhere; min-width: 12em; }
td.refs .untested { color: #6b7280; font-style: italic; }
td.nowrap { white-space: nowrap; }
.b { display: inline-block; min-width: 54px; text-align: center; padding: 1px 6px; border-radius: 4px; color: #fff; font: 600 11.5px/1.5 system-ui, sans-serif; letter-spacing: .03em; }
.b.v-pass { background: var(--pass); } .b.v-fail { background: var(--fail); } .b.v-warn { background: var(--warn); }
.b.v-info { background: var(--info); } .b.v-na { background: var(--na); } .b.v-error { background: var(--error); }
.b.v-timeout { background: var(--timeout); } .b.v-waived { background: var(--waived); }
.tag { display: inline-block; background: #eef2f7; color: #334155; border-radius: 10px; padding: 0 7px; margin: 1px 2px 1px 0; font-size: 12px; }
.muted { color: var(--muted); }
.note { color: var(--muted); font-size: 12.5px; margin-top: 3px; }
.ruleline { color: var(--muted); font-size: 12px; margin-top: 3px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 3px 16px; margin: 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
.cards { display: flex; flex-wrap: wrap; gap: 8px; margin: 12px 0; }
.card { border: 1px solid var(--line); border-left-width: 5px; border-radius: 6px; padding: 6px 14px; min-width: 92px; }
.card .n { font-size: 22px; font-weight: 700; line-height: 1.2; }
.card .l { font-size: 12px; color: var(--muted); }
.card.v-pass { border-left-color: var(--pass); } .card.v-fail { border-left-color: var(--fail); } .card.v-warn { border-left-color: var(--warn); }
.card.v-info { border-left-color: var(--info); } .card.v-na { border-left-color: var(--na); } .card.v-error { border-left-color: var(--error); }
.card.v-timeout { border-left-color: var(--timeout); } .card.v-waived { border-left-color: var(--waived); }
.card.zero { opacity: .45; }
.exit { display: inline-block; padding: 2px 10px; border-radius: 4px; font-weight: 600; }
.exit.ok { background: #e6f4ea; color: var(--pass); } .exit.bad { background: #fdecea; color: var(--fail); } .exit.inc { background: #f3e5f5; color: var(--error); }
.findings { list-style: none; padding: 0; margin: 6px 0; }
.findings li { padding: 4px 0; border-bottom: 1px dashed var(--line); }
.findings .ex { margin-left: 64px; font-size: 12.5px; }
.alert { border: 2px solid var(--warn); background: #fff8e1; border-radius: 6px; padding: 6px 12px; margin: 8px 0; }
.alert.expired { border-color: var(--fail); background: #fdecea; }
.status { font-weight: 700; text-transform: uppercase; padding: 1px 8px; border-radius: 4px; }
.status.applied { background: #e0f2f1; color: var(--waived); } .status.stale { background: #fff3cd; color: var(--warn); border: 1px solid var(--warn); }
.status.expired { background: #fdecea; color: var(--fail); border: 1px solid var(--fail); }
details.scn { border: 1px solid var(--line); border-left: 5px solid var(--na); border-radius: 6px; margin: 8px 0; background: #fff; }
details.scn.v-pass { border-left-color: var(--pass); } details.scn.v-fail { border-left-color: var(--fail); } details.scn.v-warn { border-left-color: var(--warn); }
details.scn.v-info { border-left-color: var(--info); } details.scn.v-error { border-left-color: var(--error); }
details.scn.v-timeout { border-left-color: var(--timeout); } details.scn.v-waived { border-left-color: var(--waived); }
details.scn > summary { padding: 7px 12px; cursor: pointer; background: var(--soft); border-radius: 0 6px 6px 0; }
details.scn[open] > summary { border-bottom: 1px solid var(--line); border-radius: 0 6px 0 0; }
details.scn > summary h3 { display: inline; }
details.scn > .inner { padding: 4px 14px 12px; }
details.scn:target { box-shadow: 0 0 0 3px #93c5fd; }
tr:target { background: #e0ecff; }
.amb { border-left: 4px solid var(--info); padding: 2px 12px; margin: 10px 0; }
.amb:target { box-shadow: 0 0 0 3px #93c5fd; }
.amb ol { margin: 0; padding-left: 20px; }
ol.steps { margin: 0; padding-left: 22px; }
ol.steps li { margin: 2px 0; }
ol.steps code { background: var(--soft); padding: 0 4px; border-radius: 3px; word-break: break-all; }
table.expect td { font-size: 13px; }
table.expect td.ev { white-space: pre-wrap; word-break: break-word; }
table.expect tr.v-fail td { background: #fff5f5; } table.expect tr.v-warn td { background: #fffaf0; }
.lblx { font-weight: 600; color: var(--muted); font-size: 11.5px; text-transform: uppercase; }
details.wire { margin-top: 12px; }
details.wire > summary { cursor: pointer; font-weight: 600; color: #334155; }
details.x { border: 1px solid var(--line); border-radius: 4px; margin: 4px 0 4px 10px; }
details.x > summary { cursor: pointer; padding: 3px 8px; font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12.5px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; background: #fbfcfd; }
details.x.err > summary { background: #fff1f0; }
details.x.evid { border: 2px solid var(--fail); box-shadow: 0 0 0 2px #fdecea; }
.evtag { display: inline-block; background: var(--fail); color: #fff; border-radius: 3px; padding: 0 5px; font-size: 11px; font-weight: 700; text-transform: uppercase; }
.long { max-height: 16em; overflow: auto; border: 1px solid var(--line); border-radius: 4px; padding: 4px 6px; background: #fbfcfd; }
pre.cmd { margin: 4px 0 8px; padding: 8px 10px; background: #f1f5f9; border: 1px solid var(--line); border-radius: 4px; max-height: 20em; overflow: auto; white-space: pre-wrap; word-break: break-all; user-select: all; }
details.x > .xb { padding: 6px 10px; }
.ch { display: inline-block; min-width: 58px; color: #fff; background: #64748b; border-radius: 3px; padding: 0 5px; text-align: center; }
.ch.ch-sut { background: #0f766e; } .ch.ch-trigger { background: #7c3aed; } .ch.ch-harness { background: #b45309; }
.st { font-weight: 700; } .st.s2 { color: var(--pass); } .st.s3 { color: var(--info); } .st.s4 { color: var(--warn); } .st.s5 { color: var(--fail); }
pre.w { margin: 4px 0 8px; padding: 8px 10px; background: #0f172a; color: #e2e8f0; border-radius: 4px; max-height: 26em; overflow: auto; white-space: pre-wrap; word-break: break-all; }
pre.w .hn { color: #93c5fd; } pre.w .rl { color: #fde68a; font-weight: 600; }
pre.j { margin: 2px 0 6px; padding: 6px 8px; background: #f8fafc; border: 1px solid var(--line); border-radius: 4px; max-height: 22em; overflow: auto; white-space: pre-wrap; word-break: break-word; }
.sets { display: grid; grid-template-columns: 1fr 2fr; gap: 0 10px; }
.sets .k { grid-column: 1 / -1; font-size: 12.5px; margin-top: 4px; }
.xerr { color: var(--fail); font-weight: 600; white-space: pre-wrap; word-break: break-word; }
.differ th[scope=row], tr.differ td.rowh { box-shadow: inset 4px 0 0 #f59e0b; }
tr.differ { background: #fffbeb; }
table.matrix td.cell { text-align: center; white-space: nowrap; font-size: 12px; font-weight: 600; }
table.matrix td.cell a { color: inherit; display: block; }
td.cell.v-pass { background: #dcefe1; color: var(--pass); } td.cell.v-fail { background: #fbdcdc; color: var(--fail); }
td.cell.v-warn { background: #fdebd0; color: var(--warn); } td.cell.v-info { background: #dde9f8; color: var(--info); }
td.cell.v-na { background: #f1f3f5; color: var(--na); } td.cell.v-error { background: #efdff5; color: var(--error); }
td.cell.v-timeout { background: #fbe3d6; color: var(--timeout); } td.cell.v-waived { background: #d7eeeb; color: var(--waived); }
td.cell.none { color: #b0b7bf; }
.legend { margin: 8px 0; font-size: 12.5px; }
table.bars { width: auto; margin: 2px 0 10px; }
table.bars td { vertical-align: middle; padding: 2px 8px; }
table.bars td.counts { font-size: 12.5px; }
svg.bar { display: block; background: var(--soft); border-radius: 2px; }
svg .v-pass { fill: var(--pass); } svg .v-fail { fill: var(--fail); } svg .v-warn { fill: var(--warn); }
svg .v-info { fill: var(--info); } svg .v-na { fill: var(--na); } svg .v-error { fill: var(--error); }
svg .v-timeout { fill: var(--timeout); } svg .v-waived { fill: var(--waived); }
.cnt.v-pass { color: var(--pass); } .cnt.v-fail { color: var(--fail); } .cnt.v-warn { color: var(--warn); }
.cnt.v-info { color: var(--info); } .cnt.v-na { color: var(--na); } .cnt.v-error { color: var(--error); }
.cnt.v-timeout { color: var(--timeout); } .cnt.v-waived { color: var(--waived); }
.cnt { font-weight: 600; } .cnt.zero { color: var(--muted); font-weight: 400; opacity: .6; }
svg.timeline { display: block; max-width: 100%; height: auto; margin: 4px 0 2px; font: 10px ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; }
svg.timeline .lane { fill: var(--soft); } svg.timeline .ll { fill: var(--ink); }
svg.timeline .ax, svg.timeline .tk { stroke: #94a3b8; } svg.timeline .tl { fill: var(--muted); }
svg.timeline .ml { fill: var(--ink); font-size: 9px; }
svg.timeline .m { stroke: #fff; stroke-width: .5; }
.e-2 { fill: var(--pass); background: var(--pass); } .e-3 { fill: var(--info); background: var(--info); }
.e-4 { fill: var(--warn); background: var(--warn); } .e-5 { fill: var(--fail); background: var(--fail); }
.e-err { fill: var(--error); background: var(--error); } .e-frame { fill: #64748b; background: #64748b; }
.e-open { fill: var(--na); background: var(--na); opacity: .6; }
.sw { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin: 0 3px 0 6px; vertical-align: -1px; }
/* The sticky filter bar is never higher than 6rem: a jumped-to anchor lands below it. */
.filters { max-height: 6rem; overflow-y: auto; }
html { scroll-padding-top: 7rem; }
td.refs .cov { margin: 1px 0; }
td.refs .b { min-width: 0; padding: 0 5px; font-size: 10.5px; }
td.refs .cov.hit code { color: var(--fail); font-weight: 700; }
details.info-findings { margin: 6px 0; }
details.info-findings > summary { cursor: pointer; color: var(--muted); }
"#;
