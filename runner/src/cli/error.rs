//! Why a command could not do what it was asked, one variant per cause.
//! `main` reports them on stderr and turns them into exit codes.

use super::bench_records::Kind;
use setconform::run::ConfigError;
use setconform_reports::bench::diff::DiffError;
use setconform_reports::bench::merge::MergeError;
use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The run's configuration (SUT, profiles, catalogue, waivers, fault) is wrong.
    #[error("configuration error:\n{0}")]
    Configuration(#[source] ConfigError),
    /// The catalogue could not be loaded.
    #[error(transparent)]
    Catalogue(ConfigError),
    /// A pairing's configuration is wrong, or it could not start.
    #[error(transparent)]
    Pairing(ConfigError),
    /// `check` found these problems, one per line.
    #[error("{}", .0.join("\n"))]
    Problems(Vec<String>),
    /// `run --rerun-failed` could not read the earlier run.
    #[error("--rerun-failed {}: {source}", from.display())]
    RerunFrom { from: PathBuf, source: io::Error },
    /// A saved record (run.json, bench.json) could not be read.
    #[error("{}: {source}", path.display())]
    ReadRun { path: PathBuf, source: io::Error },
    /// A report (or the reports' folder) could not be written.
    #[error(transparent)]
    NotWritten(setconform::output::NotWritten),
    /// `merge --label` was not given once per run.
    #[error("--label given {given} time(s) for {runs} run(s): give one per run, in their order, or none")]
    LabelCount { given: usize, runs: usize },
    /// The matrix page could not be made.
    #[error("merge: {0}")]
    Merge(#[source] io::Error),
    /// A run record and a bench record, given to a command that takes records of one kind.
    #[error("{}: a {found} record, where the first is a {expected} record: give records of one kind", path.display())]
    MixedRecords { path: PathBuf, found: Kind, expected: Kind },
    /// The bench records given (numbered from 1 in their order) are not shards of one bench.
    #[error("merge {}: {source}", numbered(files))]
    BenchMerge { files: Vec<PathBuf>, source: MergeError },
    /// Two bench records that measured different things.
    #[error("{} and {}: {source}", old.display(), new.display())]
    BenchDiff { old: PathBuf, new: PathBuf, source: DiffError },
    /// The reference was asked to listen beyond this machine.
    #[error("the reference listens on loopback addresses only")]
    NotLoopback,
    /// `--ssf-endpoint-ca` could not be read.
    #[error("--ssf-endpoint-ca {}: {source}", path.display())]
    ReadCa { path: PathBuf, source: io::Error },
    /// `--fault` named no fault the reference knows.
    #[error("unknown fault {0:?} (see `setconform faults`)")]
    UnknownFault(String),
    /// The reference could not take its address.
    #[error("cannot listen on {listen}: {source}")]
    Listen { listen: SocketAddr, source: io::Error },
    /// The async runtime could not start.
    #[error("{0}")]
    Runtime(#[source] io::Error),
    /// A bench could not run (exit 2 for what it was asked, 3 for a SUT it could not use).
    #[error("bench: {0}")]
    Bench(#[source] setconform::bench::BenchError),
    /// More than one of the above, each told on its own.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Several(Vec<Error>),
}

/// Files with their numbers from 1: `1 a.json, 2 b.json`.
fn numbered(files: &[PathBuf]) -> String {
    let each: Vec<String> = files.iter().enumerate().map(|(i, f)| format!("{} {}", i + 1, f.display())).collect();
    each.join(", ")
}
