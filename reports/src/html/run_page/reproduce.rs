//! How to see a scenario's finding again, on its detail block: the command
//! that runs it alone, and the harness's request in its evidence as curl.

use super::super::text::{MAX_TEXT, Text};
use crate::reproduce::{self, Curl};
use crate::{Exchange, Run, ScenarioResult};
use maud::{Markup, html};

/// The command that runs `s` again on its own; nothing when the record cannot tell it.
pub(super) fn command(run: &Run, s: &ScenarioResult) -> Markup {
    let Some(command) = reproduce::command(run, s) else { return html! {} };
    // A relative sut.yaml path is read from where the run was started.
    let relative = run.sut.file.as_deref().is_some_and(|f| !f.starts_with('/'));
    html! {
        h4 { "Reproduce" }
        "\n"
        @match command {
            Ok(command) => {
                p class="muted" {
                    "Runs this scenario again, alone, with the run's seed"
                    @if relative { ", from the folder the run was started in" }
                    ":"
                }
                "\n"
                pre class="cmd" { (Text(&command)) }
            }
            Err(why) => p class="note" { "No command can run it again: " (why.to_string()) },
        }
        "\n"
    }
}

/// The harness's request in `x` as a curl command; nothing when `x` is no
/// request the harness sent to the SUT.
pub(super) fn curl(x: &Exchange) -> Markup {
    let Some(curl) = reproduce::curl(x) else { return html! {} };
    html! {
        div class="lblx" { "The request as curl" }
        "\n"
        @match curl {
            Ok(Curl { command, .. }) if command.chars().nth(MAX_TEXT).is_some() => {
                p class="note" { "Too long to show (" (command.chars().count()) " characters): the request is above." }
            }
            Ok(Curl { command, body_differs }) => {
                pre class="cmd" { (Text(&command)) }
                "\n"
                div class="note" {
                    "Headers as recorded: a credential the record blanked is blanked here too."
                    @if body_differs {
                        " The body recorded is not all of the body sent (cut at the capture limit, not UTF-8 \
                          text, or a credential blanked), and neither is this one."
                    }
                }
            }
            Err(why) => p class="note" { "No curl command: " (why.to_string()) },
        }
        "\n"
    }
}
