//! `docs/oidf-parity.md`: the parity map rendered as Markdown, so the page and
//! the YAML cannot drift (a test compares them).

use super::{Module, OidfParity, covered};
use std::fmt::Write;

impl OidfParity {
    /// The page, entirely derived from the map.
    pub fn markdown(&self) -> String {
        let mut page = String::new();
        let _ = write!(
            page,
            "# OIDF conformance suite parity (SSF)\n\n\
             <!-- Generated from suite/oidf-parity.yaml by `setconform coverage --oidf --markdown`; \
             edit the YAML, not this page. -->\n\n\
             The OpenID Foundation conformance suite ({source}) tests SSF transmitters and receivers \
             in Java test modules. This page lists each module, what it checks, and the setconform \
             scenarios that cover the same behaviour. `setconform coverage --oidf` shows the same \
             map against the catalogue.\n\n\
             ## Transmitter modules\n\n",
            source = self.source,
        );
        table(&mut page, &self.transmitter);
        let _ = write!(
            page,
            "\n## Receiver modules\n\n\
             The OIDF receiver modules test an SSF receiver against a transmitter the suite plays; \
             setconform's `{profile}` profile does the same, and only its scenarios are named here. \
             Early modules whose names say Receiver but which test a transmitter are listed with the \
             transmitter modules.\n\n",
            profile = self.receiver.profile,
        );
        table(&mut page, &self.receiver.modules);
        page
    }
}

/// The count line and the table of `modules`.
fn table(page: &mut String, modules: &[Module]) {
    let _ = write!(
        page,
        "{total} modules; {covered} are covered by setconform scenarios, in whole or in part. \
         A gap says what no scenario covers, and why.\n\n\
         | OIDF module | What it checks | setconform scenarios | Gap |\n\
         |---|---|---|---|\n",
        total = modules.len(),
        covered = covered(modules),
    );
    for m in modules {
        let _ = writeln!(
            page,
            "| {} | {} | {} | {} |",
            module_cell(m),
            cell(&m.checks),
            if m.scenarios.is_empty() { "none".to_owned() } else { code_list(&m.scenarios) },
            m.gap.as_deref().map_or(String::new(), cell),
        );
    }
}

fn module_cell(m: &Module) -> String {
    match &m.test {
        Some(test) => format!("`{}` ({})", m.module, test),
        None => format!("`{}`", m.module),
    }
}

fn code_list(ids: &[String]) -> String {
    ids.iter().map(|id| format!("`{id}`")).collect::<Vec<_>>().join(", ")
}

/// Text safe inside a table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}
