//! `setconform diff`: what got worse and what got better between two saved
//! runs. Exit 1 when something got worse, which includes testing less (a
//! scenario judged before and N/A or gone now, a requirement no longer
//! covered) unless the narrowing is accepted. Two bench records are compared
//! by their sustained rate and p99 instead (see [`bench_records::diff`]).

use super::bench_records::{self, kind};
use super::{Error, say};
use setconform::run::exit;
use setconform_reports::diff::{Diff, Narrowing};
use setconform_reports::json::Record;
use std::path::Path;

/// `threshold`: for bench records, the percent the rate may drop and the p99 rise.
pub fn diff(old: &Path, new: &Path, narrowing: Narrowing, threshold: f64) -> Result<i32, Error> {
    // Both are read, so that both are named when neither can be.
    let (old_record, new_record) = match (bench_records::read(old), bench_records::read(new)) {
        (Ok(old_record), Ok(new_record)) => (old_record, new_record),
        (Err(e), Ok(_)) | (Ok(_), Err(e)) => return Err(e),
        (Err(a), Err(b)) => return Err(Error::Several(vec![a, b])),
    };
    match (&old_record, &new_record) {
        (Record::Run(old_run), Record::Run(new_run)) => {
            let d = Diff::with(old_run, new_run, narrowing);
            say(&d.render());
            Ok(if d.regressions.is_empty() { exit::CONFORMANT } else { exit::FAILED })
        }
        (Record::Bench(a), Record::Bench(b)) => bench_records::diff([old, new], [a, b], threshold),
        _ => Err(Error::MixedRecords { path: new.to_owned(), found: kind(&new_record), expected: kind(&old_record) }),
    }
}
