//! What the verdict filter and the summary's cards sort by: the verdict, with
//! N/A split into not claimed and cannot test.

use super::super::page::verdict_class;
use crate::{NaKind, RequirementResult, ScenarioResult, Verdict};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Group {
    /// A verdict; for N/A, one whose kind the record does not say.
    Verdict(Verdict),
    /// N/A, of this kind.
    Na(NaKind),
}

impl Group {
    /// Every group, in the order of [`Verdict::ALL`] with N/A's kinds before plain N/A.
    pub(super) fn all() -> Vec<Group> {
        let mut all = Vec::new();
        for v in Verdict::ALL {
            if v == Verdict::NotApplicable {
                all.extend(NaKind::ALL.map(Group::Na));
            }
            all.push(Group::Verdict(v));
        }
        all
    }

    fn new(verdict: Verdict, kind: Option<NaKind>) -> Group {
        match kind {
            Some(k) if verdict == Verdict::NotApplicable => Group::Na(k),
            _ => Group::Verdict(verdict),
        }
    }

    pub(super) fn of_scenario(s: &ScenarioResult) -> Group {
        Group::new(s.verdict, s.na_kind)
    }

    pub(super) fn of_requirement(r: &RequirementResult) -> Group {
        Group::new(r.verdict, r.na_kind)
    }

    /// The class the filter selects by: a fixed word, never record text.
    pub(super) fn class(self) -> &'static str {
        match self {
            Group::Verdict(v) => verdict_class(v),
            Group::Na(NaKind::NotClaimed) => "v-na-unclaimed",
            Group::Na(NaKind::CannotTest) => "v-na-untestable",
        }
    }

    /// The classes of an element in this group: its verdict's colour and, for
    /// an N/A of a known kind, the kind's class.
    pub(super) fn classes(self) -> String {
        match self {
            Group::Verdict(v) => verdict_class(v).to_owned(),
            Group::Na(_) => format!("{} {}", verdict_class(Verdict::NotApplicable), self.class()),
        }
    }

    pub(super) fn label(self) -> String {
        match self {
            Group::Verdict(v) => v.as_str().to_owned(),
            Group::Na(k) => format!("N/A {}", k.label()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_group_has_its_own_class() {
        let all = Group::all();
        assert_eq!(all.len(), Verdict::ALL.len() + NaKind::ALL.len());
        let mut classes: Vec<&str> = all.iter().map(|g| g.class()).collect();
        classes.sort_unstable();
        classes.dedup();
        assert_eq!(classes.len(), all.len());
    }
}
