//! The line under a finding that names its rule: the rule's level, its
//! paraphrase, and where the spec states it, linked when the record gives a
//! plain `http(s)` address for the section.

use super::super::text::{Inline, Text, web_link};
use crate::RequirementResult;
use crate::finding_rule::citation;
use maud::{Markup, html};

/// The rule line of a finding; nothing when the finding names no rule the run lists.
pub(super) fn line(rule: Option<&RequirementResult>) -> Markup {
    let Some(r) = rule else { return html! {} };
    html! {
        div class="ruleline" {
            "Rule (" (Text(&r.level)) "): " (Inline(&r.text))
            @if !citation(r).is_empty() { " · " (section(r)) }
        }
    }
}

/// Where the spec states a requirement (`spec §section`), linked when the
/// record gives a plain `http(s)` address for the section.
pub(super) fn section(r: &RequirementResult) -> Markup {
    let cited = citation(r);
    html! {
        @match r.link.as_deref().and_then(web_link) {
            Some(href) => a href=(href) rel="noreferrer" { (Text(&cited)) },
            None => (Text(&cited)),
        }
    }
}
