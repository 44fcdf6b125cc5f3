//! The SETs inside the SUT's last message, judged by the RFC 8417 rules an
//! expectation names (`sets_valid`), one judgement per rule.

use super::list;
use crate::catalogue::Reqs;
use crate::engine::state::Seen;
use crate::judge::Judgement;
use crate::set::{SetTrust, inspect};
use std::collections::BTreeMap;

/// The expected text of rule `req`'s judgement on the SETs of one message.
pub(crate) fn expected(req: &str) -> String {
    format!("in every SET of the message: {}", crate::engine::content::expects(req))
}

/// Every SET of the last message against each rule in `reqs`, under `trust`.
pub fn sets_valid(seen: &Seen, trust: &SetTrust, reqs: &Reqs, step: usize) -> Vec<Judgement> {
    let sets = seen.last_sets();
    let mut by_req: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    // Per rule, why it could not be judged on some SET (each reason once).
    let mut unjudged: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (key, value) in &sets {
        let Some(token) = value.as_str() else {
            by_req.entry("PP-CO-003").or_default().push(format!("{key}: value is not a string"));
            continue;
        };
        for f in inspect(key, token, trust) {
            if f.not_judged {
                let why = unjudged.entry(f.req).or_default();
                if !why.contains(&f.detail) {
                    why.push(f.detail);
                }
            } else {
                by_req.entry(f.req).or_default().push(format!("{key}: {}", f.detail));
            }
        }
    }
    reqs.ids()
        .map(|req| {
            let expected = expected(req);
            // A breach decides; short of one, a rule not judged on some SET is not shown kept.
            match (by_req.get(req.as_str()), unjudged.get(req.as_str())) {
                (Some(p), _) => Judgement::of(req.clone(), step, expected, Err(list(p.iter().cloned()))),
                (None, Some(why)) => Judgement::not_judged(req.clone(), step, expected, &why.join("; ")),
                (None, None) => Judgement::of(
                    req.clone(),
                    step,
                    expected,
                    Ok(format!("{} SETs checked, none breaks it", sets.len())),
                ),
            }
        })
        .collect()
}
