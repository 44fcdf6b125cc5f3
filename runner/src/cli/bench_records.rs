//! Saved bench records (`bench.json`) in the commands that read saved records:
//! `report` renders a bench's page, `diff` compares two benches against a
//! threshold, `merge` adds up the records of a bench's shards. Which kind a
//! file holds is read from it (a bench record says `"record": "bench"`), and a
//! command given records of both kinds refuses them, naming the file.

use super::{Error, not_written, say};
use setconform::output::Written;
use setconform::output::bench::write_bench_reports;
use setconform::run::exit;
use setconform_reports::bench::BenchRecord;
use setconform_reports::bench::diff::BenchDiff;
use setconform_reports::json::{self, Record};
use std::fmt;
use std::path::{Path, PathBuf};

/// What kind of record a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Run,
    Bench,
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kind::Run => "run",
            Kind::Bench => "bench",
        })
    }
}

/// A saved record of either kind.
pub(super) fn read(path: &Path) -> Result<Record, Error> {
    json::read_record(path).map_err(|source| Error::ReadRun { path: path.to_owned(), source })
}

pub(super) fn kind(record: &Record) -> Kind {
    match record {
        Record::Run(_) => Kind::Run,
        Record::Bench(_) => Kind::Bench,
    }
}

/// The records at `paths`, every one read, so that each that cannot be is named.
pub(super) fn read_all(paths: &[PathBuf]) -> Result<Vec<Record>, Error> {
    let (mut records, mut errors) = (Vec::new(), Vec::new());
    for path in paths {
        match read(path) {
            Ok(record) => records.push(record),
            Err(e) => errors.push(e),
        }
    }
    match errors.len() {
        0 => Ok(records),
        1 => Err(errors.remove(0)),
        _ => Err(Error::Several(errors)),
    }
}

/// The bench records among `records`, when all are; none when all are runs;
/// a run and a bench together are an error naming the first file whose kind
/// differs from the first file's.
pub(super) fn benches(paths: &[PathBuf], records: Vec<Record>) -> Result<Option<Vec<BenchRecord>>, Error> {
    let expected = records.first().map_or(Kind::Run, kind);
    if let Some(i) = records.iter().position(|r| kind(r) != expected) {
        return Err(Error::MixedRecords { path: paths[i].clone(), found: kind(&records[i]), expected });
    }
    Ok(match expected {
        Kind::Run => None,
        Kind::Bench => Some(
            records
                .into_iter()
                .filter_map(|r| match r {
                    Record::Bench(b) => Some(*b),
                    Record::Run(_) => None,
                })
                .collect(),
        ),
    })
}

/// Says which files were written, and turns those that were not into the error.
fn finish(written: Written) -> Result<i32, Error> {
    if !written.files.is_empty() {
        let names: Vec<String> = written.files.iter().map(|f| f.display().to_string()).collect();
        say(&format!("reports: {}\n", names.join(", ")));
    }
    not_written(written.failed).map(|()| exit::CONFORMANT)
}

/// `setconform report bench.json`: the bench's page, into `out` (default: beside the record).
pub(super) fn report(record: &BenchRecord, path: &Path, out: Option<PathBuf>) -> Result<i32, Error> {
    let dir = out.unwrap_or_else(|| beside(path));
    finish(write_bench_reports(record, None, &dir))
}

/// `setconform merge` of bench records: the merged record to `json` and its page beside it.
pub(super) fn merge(paths: &[PathBuf], records: &[BenchRecord], json: &Path) -> Result<i32, Error> {
    let merged = setconform_reports::bench::merge::merge(records)
        .map_err(|source| Error::BenchMerge { files: paths.to_vec(), source })?;
    let shards: Vec<String> = merged.shards.iter().map(|s| format!("{}/{}", s.index, s.count)).collect();
    if !shards.is_empty() {
        say(&format!("merged shards {} of {}\n", shards.join(", "), merged.shards[0].count));
    }
    finish(write_bench_reports(&merged, Some(json), &beside(json)))?;
    // The merged bench's own verdict: a SET lost by any shard fails it, as it fails that shard.
    say(&super::bench::summary(&merged));
    Ok(super::bench::code(&merged))
}

/// `setconform diff` of two bench records: exit 1 when the sustained rate
/// dropped or the p99 rose by more than `threshold` percent.
pub(super) fn diff(paths: [&Path; 2], records: [&BenchRecord; 2], threshold: f64) -> Result<i32, Error> {
    let [old, new] = records;
    let d = BenchDiff::between(old, new).map_err(|source| Error::BenchDiff {
        old: paths[0].to_owned(),
        new: paths[1].to_owned(),
        source,
    })?;
    say(&d.render(threshold));
    Ok(if d.regressed(threshold) { exit::FAILED } else { exit::CONFORMANT })
}

/// The folder a file is in (`.` for a bare name).
fn beside(path: &Path) -> PathBuf {
    path.parent().filter(|p| !p.as_os_str().is_empty()).map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}
