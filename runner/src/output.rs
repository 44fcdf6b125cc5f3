//! Writing a run's reports into one folder: the record, and the renderings a
//! person, a CI test reporter and a CI job summary read. Every rendering is
//! made from the record alone, so `setconform report` can make them again.

use setconform_reports::{Run, html, json, junit, markdown};
use std::io;
use std::path::{Path, PathBuf};

/// A report format and the file it is written to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// `run.json`: the Run record (schemas/run.json).
    Json,
    /// `report.html`: one self-contained page for people.
    Html,
    /// `junit.xml`: for CI test reporters.
    Junit,
    /// `summary.md`: for a CI job summary.
    Md,
}

impl Format {
    pub const ALL: [Format; 4] = [Format::Json, Format::Html, Format::Junit, Format::Md];

    pub fn file_name(self) -> &'static str {
        match self {
            Format::Json => "run.json",
            Format::Html => "report.html",
            Format::Junit => "junit.xml",
            Format::Md => "summary.md",
        }
    }
}

/// Writes `run` into `dir` in each of `formats`, each file whole or not at
/// all; returns the files written.
pub fn write_reports(run: &Run, dir: &Path, formats: &[Format]) -> io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let mut written = Vec::new();
    for format in formats {
        let path = dir.join(format.file_name());
        match format {
            Format::Json => json::write(run, &path)?,
            Format::Html => json::write_whole(&path, html::run_report(run).as_bytes())?,
            Format::Junit => json::write_whole(&path, junit::render(run).as_bytes())?,
            Format::Md => json::write_whole(&path, markdown::summary(run).as_bytes())?,
        }
        written.push(path);
    }
    Ok(written)
}

/// The interop matrix of several saved runs, written to `out`. Each run's
/// cells link to its HTML report beside its run.json, which is written when missing.
pub fn write_matrix(runs: &[PathBuf], out: &Path) -> io::Result<()> {
    let base = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(base)?;
    let mut loaded = Vec::new();
    for path in runs {
        let run = json::read(path).map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
        let page = path.with_file_name(Format::Html.file_name());
        if !page.exists() {
            std::fs::write(&page, html::run_report(&run))?;
        }
        loaded.push((run, relative_to(base, &page)));
    }
    let entries: Vec<html::MatrixEntry<'_>> = loaded
        .iter()
        .map(|(run, href)| html::MatrixEntry { label: label(run), report_href: Some(href.clone()), run })
        .collect();
    std::fs::write(out, html::matrix(&entries))
}

/// What a column of the matrix is called: the SUT, and the fault it was given.
fn label(run: &Run) -> String {
    match &run.sut.fault {
        Some(fault) => format!("{} (fault {fault})", run.sut.name),
        None => run.sut.name.clone(),
    }
}

/// `target` as a link from a page in `base`: relative when both resolve, else absolute.
fn relative_to(base: &Path, target: &Path) -> String {
    let (Ok(base), Ok(target)) = (base.canonicalize(), target.canonicalize()) else {
        return target.display().to_string();
    };
    let common = base.components().zip(target.components()).take_while(|(a, b)| a == b).count();
    let ups = base.components().count() - common;
    let mut rel: Vec<String> = vec!["..".to_owned(); ups];
    rel.extend(target.components().skip(common).map(|c| c.as_os_str().to_string_lossy().into_owned()));
    rel.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_between_folders_are_relative() {
        let root = std::env::temp_dir().join(format!("setconform-output-{}", std::process::id()));
        let (a, b) = (root.join("matrix"), root.join("runs/ref"));
        std::fs::create_dir_all(&a).unwrap();
        std::fs::create_dir_all(&b).unwrap();
        std::fs::write(b.join("report.html"), "x").unwrap();
        assert_eq!(relative_to(&a, &b.join("report.html")), "../runs/ref/report.html");
        assert_eq!(relative_to(&b, &b.join("report.html")), "report.html");
        let _ = std::fs::remove_dir_all(root);
    }
}
