//! A run whose filters select no scenario: it runs nothing and writes no
//! report (a report of nothing would read as conformant), and its error names
//! what was asked, so that the user can see which filter left nothing.

use super::{ConfigError, RunRequest};

/// The error of a run that selected nothing, naming every filter it was given.
pub(super) fn nothing_selected(req: &RunRequest) -> ConfigError {
    let mut asked = Vec::new();
    if let Some(filter) = &req.args.filter {
        let how = if req.args.exact { " (--exact: the id must equal it)" } else { " (ids containing it)" };
        asked.push(format!("filter {filter:?}{how}"));
    }
    asked.extend(req.args.skip.iter().map(|s| format!("--skip {s:?}")));
    asked.extend(req.profiles.iter().map(|p| format!("--profile {p}")));
    if let Some(only) = &req.only {
        asked.push(format!("--rerun-failed ({} scenario(s) of the earlier run)", only.len()));
    }
    let asked = if asked.is_empty() { "no filter".to_owned() } else { asked.join(", ") };
    ConfigError::one(format!(
        "no scenario selected by {asked}: nothing was run and no report written \
         (`setconform run --list` with the same options lists what they select)"
    ))
}
