//! The ambiguity catalogue, `suite/ambiguities.yaml`: each place where the
//! specifications let two conforming implementations differ, with the
//! readings, the one the suite takes and why. Requirements (`amb: [...]`) and
//! scenario expectations (`amb: AMB-nn`) cite these ids; every citation must
//! name an entry, and a run record carries the entries its findings cite.

use super::SourceFile;
use serde::Deserialize;
use setconform_reports::Ambiguity;
use std::collections::{BTreeMap, BTreeSet};

/// The catalogue's file name below `suite/`.
pub const FILE_NAME: &str = "ambiguities.yaml";

/// Whether `file` is the ambiguity catalogue rather than a scenario.
pub(super) fn is_ambiguity_file(file: &SourceFile) -> bool {
    file.is_under("suite") && file.name().ends_with(FILE_NAME)
}

#[derive(Debug, Deserialize)]
pub(super) struct AmbiguitiesFile {
    pub ambiguities: Vec<Ambiguity>,
}

/// A place in a catalogue file that cites an ambiguity.
#[derive(Debug, Clone)]
pub(super) struct Citation {
    pub file: String,
    /// JSON pointer of the citing field.
    pub pointer: String,
    pub id: String,
}

/// The entries of `known` that `cited` names, once each, in id order; an id
/// the catalogue lacks is left out.
pub fn cited<'a>(known: &BTreeMap<String, Ambiguity>, cited: impl IntoIterator<Item = &'a str>) -> Vec<Ambiguity> {
    let ids: BTreeSet<&str> = cited.into_iter().collect();
    ids.into_iter().filter_map(|id| known.get(id).cloned()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: &str) -> Ambiguity {
        Ambiguity {
            id: id.into(),
            question: "q".into(),
            sources: vec!["pushpull §6.1".into()],
            readings: vec!["a".into(), "b".into()],
            suite_reading: "a: PASS, b: INFO".into(),
            why: "w".into(),
        }
    }

    #[test]
    fn cited_entries_come_once_each_in_id_order_and_unknown_ids_are_left_out() {
        let known: BTreeMap<String, Ambiguity> =
            ["AMB-01", "AMB-06", "AMB-11"].into_iter().map(|id| (id.to_owned(), entry(id))).collect();
        let got = cited(&known, ["AMB-11", "AMB-06", "AMB-11", "AMB-99"]);
        let ids: Vec<&str> = got.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["AMB-06", "AMB-11"]);
    }
}
