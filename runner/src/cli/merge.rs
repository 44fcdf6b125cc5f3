//! `setconform merge`: the interop matrix of several saved runs, as one page.

use super::{Error, say};
use setconform::output;
use setconform::run::exit;
use std::path::{Path, PathBuf};

/// `labels`: one per run, in their order, or none (see [`output::labels`]).
pub fn merge(runs: &[PathBuf], labels: &[String], html: &Path) -> Result<i32, Error> {
    if !labels.is_empty() && labels.len() != runs.len() {
        return Err(Error::LabelCount { given: labels.len(), runs: runs.len() });
    }
    output::write_matrix(runs, labels, html).map_err(Error::Merge)?;
    say(&format!("matrix: {}\n", html.display()));
    Ok(exit::CONFORMANT)
}
