//! The HTML reports: one self-contained page per run, the interop matrix
//! across runs, and one page per bench.
//!
//! Pages use inline CSS only and fetch nothing, so they work from `file://`
//! and offline. They need no JavaScript: sections fold with `<details>`, and
//! the filters are radio buttons read by CSS (`:checked ~`). Pages are maud
//! templates: every string of the record is text that maud escapes, so it
//! cannot become markup; links are built from fixed anchors, or taken from the
//! record only when they are plain `http(s)` URLs. The templates write a line
//! break after each block and row, so a page's source reads a row per line.

mod bench;
#[cfg(test)]
mod evidence_tests;
mod matrix;
mod page;
mod pretty;
mod run_page;
#[cfg(test)]
mod tests;
pub(crate) mod text;

use crate::Run;

/// Renders one run as a self-contained HTML5 page.
pub fn run_report(run: &Run) -> String {
    run_page::render(run)
}

/// Renders one bench record as a self-contained HTML5 page.
pub fn bench_report(record: &crate::bench::BenchRecord) -> String {
    bench::render(record)
}

/// One implementation's column in the interop matrix.
pub struct MatrixEntry<'a> {
    /// The column heading.
    pub label: String,
    /// Where that run's own report is (an `http(s)` URL or a relative path);
    /// cells then link to its scenario and requirement anchors.
    pub report_href: Option<String>,
    pub run: &'a Run,
}

/// Renders the interop matrix: implementations across, scenarios and
/// requirements down, and initiator × responder for pairing runs.
pub fn matrix(entries: &[MatrixEntry<'_>]) -> String {
    matrix::render(entries)
}

/// The fragment a scenario's detail block has on its run's page.
pub fn scenario_anchor(id: &str) -> String {
    anchor("s-", id)
}

/// The fragment exchange `seq` of a scenario's wire transcript has on its run's page.
pub fn exchange_anchor(scenario_id: &str, seq: usize) -> String {
    format!("x-{}-{seq}", scenario_anchor(scenario_id))
}

/// The fragment a requirement's row has on its run's page.
pub fn requirement_anchor(id: &str) -> String {
    anchor("r-", id)
}

/// The fragment an ambiguity's entry has on its run's page (`amb-AMB-06`).
pub fn ambiguity_anchor(id: &str) -> String {
    anchor("amb-", id)
}

/// `prefix` and `id`, with everything but `[A-Za-z0-9._-]` turned into `_`:
/// safe in an attribute, a fragment and a CSS selector alike.
fn anchor(prefix: &str, id: &str) -> String {
    let safe = id.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') { c } else { '_' });
    prefix.chars().chain(safe).collect()
}
