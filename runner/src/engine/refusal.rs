//! A SUT that refuses, at registration, an endpoint it must not send to.
//!
//! The TLS scenarios of a SUT that sends (push and multi-SET push
//! transmitters, pushpull initiators, poll receivers) offer it an endpoint in
//! the clear or behind a certificate it must not trust, and expect nothing to
//! arrive there (RFC 8935 §5.3, pushpull §4, RFC 8936 §4). A SUT that checks
//! the endpoint when it is configured, and refuses it, keeps that rule before
//! a single request could break it: each "nothing arrives" expectation of the
//! scenario is kept, with the SUT's refusal as what was seen. Every other
//! expectation stays unjudged, for nothing was exchanged.

use crate::catalogue::{Check, Scenario};
use crate::judge::{Judge, Judgement};
use setconform_reports::ExpectationResult;

/// The results of `scenario`'s "nothing arrives" expectations, kept by a refusal.
pub fn keeps(scenario: &Scenario, judge: Judge<'_>, refusal: &str) -> Vec<ExpectationResult> {
    let mut results = Vec::new();
    for (i, step) in scenario.steps.iter().enumerate() {
        for (position, e) in step.expect.iter().enumerate() {
            if !matches!(e.check, Check::Arrived(false)) {
                continue;
            }
            for req in e.req.ids() {
                let kept = Judgement::of(
                    req.clone(),
                    i + 1,
                    "no request at an endpoint the SUT must not trust (refusing it at registration keeps the rule)"
                        .into(),
                    Ok(refusal.to_owned()),
                );
                results.push(judge.result_for(kept, e, position + 1));
            }
        }
    }
    results
}
