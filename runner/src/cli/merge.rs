//! `setconform merge`: the interop matrix of several saved runs, as one page;
//! or, when every record given is a bench's, the records of its shards added
//! up into one (see [`bench_records::merge`]).

use super::bench_records;
use super::{Error, say};
use setconform::output;
use setconform::run::exit;
use std::path::{Path, PathBuf};

/// `labels`: one per run, in their order, or none (see [`output::labels`]).
/// `json`: where merged bench records go.
pub fn merge(runs: &[PathBuf], labels: &[String], html: &Path, json: &Path) -> Result<i32, Error> {
    if let Some(benches) = bench_records::benches(runs, bench_records::read_all(runs)?)? {
        return bench_records::merge(runs, &benches, json);
    }
    if !labels.is_empty() && labels.len() != runs.len() {
        return Err(Error::LabelCount { given: labels.len(), runs: runs.len() });
    }
    output::write_matrix(runs, labels, html).map_err(Error::Merge)?;
    say(&format!("matrix: {}\n", html.display()));
    Ok(exit::CONFORMANT)
}
