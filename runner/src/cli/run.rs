//! `setconform run`: the catalogue against a SUT, then the summary and the
//! reports. The exit code is the run's (see `Outcome` in the reports crate),
//! or incomplete when a report could not be written. The output folder is
//! cleared of an earlier run's reports first (`output::OWNED`).

use super::args::RunArgs;
use super::{Error, finish, keys, remove_earlier, say};
use setconform::output;
use setconform::run::{self, Console, FailOn, RunRequest, exit};
use setconform_reports::Verdict;
use setconform_reports::paint::Paint;
use setconform_reports::verdict::Outcome;
use std::collections::BTreeSet;
use std::path::Path;

pub fn run(args: RunArgs, paint: Paint) -> Result<i32, Error> {
    let only = match &args.rerun_failed {
        None => None,
        Some(from) => {
            let (ids, judged) = failed_in(from, args.fail_on)?;
            if ids.is_empty() {
                // A run that judged nothing failed nothing, and showed no conformance either.
                let (why, code) = match judged {
                    true => ("nothing failed", exit::CONFORMANT),
                    false => ("nothing failed, and nothing was judged (every scenario N/A)", exit::INCOMPLETE),
                };
                say(&format!("{why} in {}: nothing to run again\n", from.display()));
                return Ok(code);
            }
            Some(ids)
        }
    };
    if !args.select.list {
        remove_earlier(&args.out);
    }
    let (out, formats) = (args.out.clone(), args.format.clone());
    let request = RunRequest {
        sut_file: args.sut,
        profiles: args.profiles,
        only,
        waivers: args.waivers,
        set_profile: args.set_profile,
        fault: args.fault,
        seed: args.seed,
        out_dir: args.out,
        suite_dir: args.suite,
        fail_on: args.fail_on,
        insecure: args.insecure,
        args: args.select.into_arguments(),
        console: Console::Lines(paint),
    };
    let finished = run::execute_until_signalled(request).map_err(Error::Configuration)?;
    let Some(record) = finished.run else { return Ok(finished.exit_code) };
    say(&setconform_reports::console::summary(&record, paint));
    Ok(finish(&record, &out, &formats, &[(output::HARNESS_JWKS, keys::jwks() + "\n")], paint))
}

/// The scenarios of a saved run that did not pass under `fail_on`: those that
/// failed it, those that could not be judged, and those an interruption left
/// unstarted; and whether it judged any scenario.
fn failed_in(from: &Path, fail_on: FailOn) -> Result<(BTreeSet<String>, bool), Error> {
    let previous =
        setconform_reports::json::read(from).map_err(|source| Error::RerunFrom { from: from.to_owned(), source })?;
    let ids = previous.scenarios.iter().filter(|s| s.verdict.outcome(fail_on) != Outcome::Conformant);
    let not_started = previous.interrupted.iter().flat_map(|cut| cut.not_started.iter().cloned());
    let judged = previous.scenarios.iter().any(|s| s.verdict != Verdict::NotApplicable);
    Ok((ids.map(|s| s.id.clone()).chain(not_started).collect(), judged))
}
