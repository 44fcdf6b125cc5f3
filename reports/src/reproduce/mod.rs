//! How to see a finding again: the command line that runs one scenario of a
//! record alone, with the options of its run that bear on the verdict, and
//! ([`curl`]) a request the harness sent, as a curl command. Every word is
//! quoted for a POSIX shell.

mod curl;
mod shell;

pub use curl::{Curl, curl};
pub use shell::Unquotable;

use crate::verdict::FailOn;
use crate::{Run, ScenarioResult};
use shell::Line;

/// What a pairing's scenarios are tagged with: they come from `setconform pair`, not `run`.
const PAIRING_TAG: &str = "pairing";

/// The `setconform run` command that runs `s` again on its own, with the
/// run's seed, SUT, fault, profile and the options that change verdicts.
/// `None` when the record cannot tell how: a pairing's scenario, or an
/// external SUT whose configuration file the record does not name.
pub fn command(run: &Run, s: &ScenarioResult) -> Option<Result<String, Unquotable>> {
    if s.tags.iter().any(|t| t == PAIRING_TAG) {
        return None;
    }
    let sut_file = match run.sut.kind.as_str() {
        "external" => Some(run.sut.file.as_deref()?),
        "embedded-reference" => None,
        _ => return None,
    };
    Some(words(run, s, sut_file).map(Line::into_string))
}

fn words(run: &Run, s: &ScenarioResult, sut_file: Option<&str>) -> Result<Line, Unquotable> {
    let mut line = Line::default();
    line.fixed("setconform").fixed("run");
    if let Some(file) = sut_file {
        line.fixed("--sut").given("the SUT configuration path", file)?;
    }
    // A scenario id that starts with a dash would read as an option: it goes last, after `--`.
    let dashed = s.id.starts_with('-');
    line.fixed("--exact");
    if !dashed {
        line.given("the scenario id", &s.id)?;
    }
    line.fixed("--seed").fixed(&run.seed.to_string());
    line.fixed("--profile").given("the profile", &s.profile)?;
    if let Some(fault) = run.sut.fault.as_deref().filter(|_| sut_file.is_none()) {
        line.fixed("--fault").given("the fault", fault)?;
    }
    if let Some(profile) = &run.set_profile {
        line.fixed("--set-profile").given("the SET profile", profile)?;
    }
    if run.fail_on != FailOn::Fail {
        line.fixed("--fail-on").fixed(run.fail_on.as_str());
    }
    if let Some(suite) = &run.suite {
        line.fixed("--suite").given("the suite folder", suite)?;
    }
    if run.sut.insecure {
        line.fixed("--insecure");
    }
    if dashed {
        line.fixed("--").given("the scenario id", &s.id)?;
    }
    Ok(line)
}

#[cfg(test)]
mod tests;
