//! `setconform merge`: the interop matrix of several saved runs, as one page.

use super::{Error, say};
use setconform::output;
use setconform::run::exit;
use std::path::{Path, PathBuf};

pub fn merge(runs: &[PathBuf], html: &Path) -> Result<i32, Error> {
    output::write_matrix(runs, html).map_err(Error::Merge)?;
    say(&format!("matrix: {}\n", html.display()));
    Ok(exit::CONFORMANT)
}
