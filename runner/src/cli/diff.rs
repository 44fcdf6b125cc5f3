//! `setconform diff`: what got worse and what got better between two saved
//! runs. Exit 1 when something got worse, which includes testing less (a
//! scenario judged before and N/A or gone now, a requirement no longer
//! covered) unless the narrowing is accepted.

use super::{Error, read_run, say};
use setconform::run::exit;
use setconform_reports::diff::{Diff, Narrowing};
use std::path::Path;

pub fn diff(old: &Path, new: &Path, narrowing: Narrowing) -> Result<i32, Error> {
    // Both are read, so that both are named when neither can be.
    let (old_run, new_run) = match (read_run(old), read_run(new)) {
        (Ok(old_run), Ok(new_run)) => (old_run, new_run),
        (Err(e), Ok(_)) | (Ok(_), Err(e)) => return Err(e),
        (Err(a), Err(b)) => return Err(Error::Several(vec![a, b])),
    };
    let d = Diff::with(&old_run, &new_run, narrowing);
    say(&d.render());
    Ok(if d.regressions.is_empty() { exit::CONFORMANT } else { exit::FAILED })
}
