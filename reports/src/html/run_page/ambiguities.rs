//! The run page's ambiguities: a section with each ambiguity the run's
//! findings cite (the question, where it arises, the readings, the suite's
//! own and why), and the link a finding makes to its entry, with the question
//! and the suite's reading as its tooltip.

use super::super::ambiguity_anchor;
use super::super::page::section;
use super::super::text::Text;
use crate::{Ambiguity, Run};
use maud::{Markup, html};

/// The section, or nothing when the run cites no ambiguity.
pub(super) fn ambiguities(run: &Run) -> Markup {
    if run.ambiguities.is_empty() {
        return html! {};
    }
    let entries = html! {
        p class="muted" {
            "Places where the specifications let two conforming implementations differ, as this run's findings "
            "cite them. The suite takes one reading; a SUT that takes another is graded as each entry says."
        }
        "\n"
        @for a in &run.ambiguities { (entry(a)) }
    };
    section("ambiguities", html! { "Ambiguities (" (run.ambiguities.len()) ")" }, entries)
}

fn entry(a: &Ambiguity) -> Markup {
    html! {
        div class="amb" id=(ambiguity_anchor(&a.id)) {
            "\n" h3 { code { (Text(&a.id)) } }
            "\n"
            dl class="facts" {
                "\n" dt { "Question" } dd { (Text(&a.question)) }
                "\n" dt { "Sources" } dd { @for (i, s) in a.sources.iter().enumerate() { @if i > 0 { "; " } (Text(s)) } }
                "\n" dt { "Readings" } dd { ol { @for r in &a.readings { li { (Text(r)) } } } }
                "\n" dt { "Suite's reading" } dd { (Text(&a.suite_reading)) }
                "\n" dt { "Why" } dd { (Text(&a.why)) }
                "\n"
            }
            "\n"
        }
        "\n"
    }
}

/// The ambiguity `id` as a finding cites it: a link to its entry, its tooltip
/// the question and the suite's reading; plain text when the record has no
/// entry for it (records made before they carried one).
pub(super) fn cite(run: &Run, id: &str) -> Markup {
    match run.ambiguity(id) {
        Some(a) => {
            let tip = format!("{}\nSuite's reading: {}", a.question, a.suite_reading);
            html! { a href={ "#" (ambiguity_anchor(id)) } title=(Text(&tip)) { (Text(id)) } }
        }
        None => html! { (Text(id)) },
    }
}
