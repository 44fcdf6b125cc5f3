//! The run page's wire log: one folding entry per exchange of a scenario
//! (Autobahn's case pages), each message as it went over the wire, and the
//! SETs found in its body, decoded. The exchanges that hold the evidence of a
//! finding to look at are marked, start open and can be linked to.

use super::super::exchange_anchor;
use super::super::page::{millis, needs_attention};
use super::super::pretty;
use super::super::text::Text;
use super::reproduce;
use crate::{Body, Exchange, ExpectationResult, ScenarioResult};
use maud::{Markup, html};
use std::collections::BTreeSet;

/// The wire log: for a scenario to look at, the exchanges that hold the
/// evidence of its findings start open and marked; for a finding without
/// one, the exchanges of its step start open.
pub(super) fn transcript(s: &ScenarioResult, attention: bool) -> Markup {
    if s.transcript.is_empty() {
        return html! { p class="muted" { "No exchanges were recorded." } "\n" };
    }
    let evidence = evidence(s);
    let unplaced: BTreeSet<usize> = s
        .expectations
        .iter()
        .filter(|e| needs_attention(e.verdict) && shown_exchange(s, e).is_none())
        .map(|e| e.step)
        .collect();
    html! {
        details class="wire" open[attention] {
            summary { "Wire transcript (" (s.transcript.len()) " exchanges)" }
            "\n"
            @for x in &s.transcript {
                @let marked = evidence.contains(&x.seq);
                @let open = attention && (marked || unplaced.contains(&x.step) || x.error.is_some());
                (exchange(&s.id, x, open, marked))
            }
        }
        "\n"
    }
}

/// The exchanges that hold the evidence of the findings to look at (FAIL,
/// WARN, ERROR, TIMEOUT), by `seq`.
fn evidence(s: &ScenarioResult) -> BTreeSet<usize> {
    s.expectations.iter().filter(|e| needs_attention(e.verdict)).filter_map(|e| shown_exchange(s, e)).collect()
}

/// The exchange `e` was judged on, when the transcript holds it.
fn shown_exchange(s: &ScenarioResult, e: &ExpectationResult) -> Option<usize> {
    e.exchange.filter(|seq| s.transcript.iter().any(|x| x.seq == *seq))
}

/// A link from a finding to the exchange it was judged on (`exchange #7`);
/// nothing when it names none the transcript holds.
pub(super) fn evidence_link(s: &ScenarioResult, e: &ExpectationResult) -> Markup {
    match shown_exchange(s, e) {
        Some(seq) => html! {
            div class="note" { "Evidence: " a href={ "#" (exchange_anchor(&s.id, seq)) } { "exchange #" (seq) } }
        },
        None => html! {},
    }
}

fn channel_class(channel: &str) -> &'static str {
    match channel {
        "sut" => "ch-sut",
        "trigger" => "ch-trigger",
        // The SUT's requests to the harness: its endpoint, or its SSF transmitter.
        "harness" | "transmitter" => "ch-harness",
        _ => "ch-other",
    }
}

fn status_class(status: u16) -> &'static str {
    match status {
        200..=299 => "s2",
        300..=399 => "s3",
        400..=499 => "s4",
        _ => "s5",
    }
}

fn exchange(scenario_id: &str, x: &Exchange, open: bool, evidence: bool) -> Markup {
    let err = if x.error.is_some() { " err" } else { "" };
    let marked = if evidence { " evid" } else { "" };
    html! {
        details class={ "x" (err) (marked) } id=(exchange_anchor(scenario_id, x.seq)) open[open] {
            summary {
                @if evidence { span class="evtag" { "evidence" } " " }
                (exchange_line(x))
            }
            "\n"
            div class="xb" {
                "\n"
                (exchange_messages(x))
                @if evidence { (reproduce::curl(x)) }
                @if let Some(e) = &x.error {
                    p class="xerr" { "Error: " (Text(e)) }
                    "\n"
                }
            }
            "\n"
        }
        "\n"
    }
}

/// An exchange in one line: which, where, when, what, and how it ended.
fn exchange_line(x: &Exchange) -> Markup {
    html! {
        "#" (x.seq) " " span class={ "ch " (channel_class(&x.channel)) } { (Text(&x.channel)) }
        " step " (x.step) " · +" (millis(x.at_ms)) " · " (millis(x.duration_ms)) " · "
        @match &x.frame {
            Some(f) => {
                (if f.direction == "sent" { "→" } else { "←" }) " " (Text(&f.direction)) " frame "
                (Text(&f.opcode)) " (" (f.size) " bytes)"
            }
            None => { (Text(&x.request.method)) " " (Text(&x.request.url)) }
        }
        @if let Some(r) = &x.response {
            " → " span class={ "st " (status_class(r.status)) } { (r.status) }
        }
        @if let Some(p) = &x.process {
            @match p.exit_code {
                Some(code) => { " → exit " (code) }
                None => " → killed",
            }
        }
        @if x.error.is_some() {
            " → " span class="st s5" { "error" }
        }
    }
}

/// The messages of an exchange: the frame or request, the response, and a
/// process's output.
fn exchange_messages(x: &Exchange) -> Markup {
    html! {
        @if let Some(f) = &x.frame {
            div class="lblx" {
                "WebSocket frame: " (Text(&f.direction)) ", opcode " (Text(&f.opcode)) ", " (f.size) " bytes"
            }
            "\n"
            (message(None, &[], &x.request.body))
        } @else {
            div class="lblx" { "Request" }
            "\n"
            @let line = format!("{} {}", x.request.method, x.request.url);
            (message(Some(&line), &headers(&x.request.headers), &x.request.body))
        }
        @if let Some(r) = &x.response {
            div class="lblx" { "Response" }
            "\n"
            (message(Some(&format!("HTTP {}", r.status)), &headers(&r.headers), &r.body))
        }
        @if let Some(p) = &x.process {
            @let how = match (p.exit_code, p.timed_out) {
                (_, true) => "killed after its deadline".to_owned(),
                (Some(code), false) => format!("exit code {code}"),
                (None, false) => "ended by a signal".to_owned(),
            };
            div class="lblx" { "Process: " (how) " — stdout" }
            "\n"
            (message(None, &[], &p.stdout))
            div class="lblx" { "stderr" }
            "\n"
            (message(None, &[], &p.stderr))
        }
    }
}

fn headers(headers: &[crate::Header]) -> Vec<(&str, &str)> {
    headers.iter().map(|h| (h.name.as_str(), h.value.as_str())).collect()
}

/// One message as on the wire: start line, headers, blank line, body; then the
/// SETs found in the body, decoded.
fn message(line: Option<&str>, headers: &[(&str, &str)], body: &Body) -> Markup {
    let pretty = |v: &Option<serde_json::Value>| match v {
        Some(v) => html! { (Text(&serde_json::to_string_pretty(v).unwrap_or_default())) },
        None => html! { span class="muted" { "(none)" } },
    };
    html! {
        pre class="w" {
            @if let Some(line) = line {
                span class="rl" { (Text(line)) } "\n"
            }
            @for (name, value) in headers {
                span class="hn" { (Text(name)) } ": " (Text(value)) "\n"
            }
            @if line.is_some() || !headers.is_empty() { "\n" }
            @if body.text.is_empty() {
                span class="hn" { "(" (body.size) " bytes of body)" }
            } @else if let Some(laid_out) = pretty::json(&body.text).filter(|_| !body.truncated) {
                (Text(&laid_out))
            } @else {
                (Text(&body.text))
            }
        }
        "\n"
        @if body.truncated {
            div class="note" { "Body cut at the capture limit: " (body.size) " bytes on the wire." }
            "\n"
        }
        @if !body.sets.is_empty() {
            div class="sets" {
                "\n"
                @for set in &body.sets {
                    div class="k" { span class="lblx" { "Decoded SET" } " " code { (Text(&set.key)) } }
                    "\n"
                    pre class="j" { (pretty(&set.header)) }
                    pre class="j" { (pretty(&set.claims)) }
                    "\n"
                    @if let Some(e) = &set.error {
                        p class="xerr k" { (Text(e)) }
                        "\n"
                    }
                }
            }
            "\n"
        }
    }
}
