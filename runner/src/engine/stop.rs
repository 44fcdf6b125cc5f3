//! Why a scenario stopped before its last step, and what that says about the
//! findings judged before it stopped.

use crate::wire::WireError;
use setconform_reports::Verdict;

/// What stopped a scenario early.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// A bound passed: the scenario's deadline, or an exchange's or a wait's own (TIMEOUT).
    Deadline,
    /// The SUT could not be connected to, on any channel, the trigger's included.
    SutUnreachable,
    /// The trigger adapter did not make the SUT act: it answered non-2xx, or
    /// its command did not start, was killed, or exited non-zero.
    TriggerFailed,
    /// The SUT declined the harness's registration as a peer: its control API
    /// answered 400, 403, 409 or 422 to `register`, or the answer said `refused`.
    /// Right where the scenario offers an endpoint the SUT must not trust.
    RegistrationRefused,
    /// The harness could not go on: its configuration, its own endpoint, a step it cannot take.
    Harness,
    /// The SUT does not offer an optional part the scenario needs (an SSF
    /// endpoint its metadata leaves out), or sut.yaml lacks what it needs: the
    /// rest is not judged, and that is no failure (INFO).
    NotOffered,
}

impl Stop {
    /// How an exchange that got no answer stopped the scenario.
    pub fn of_wire(e: &WireError) -> Stop {
        match e {
            WireError::Timeout(_) => Stop::Deadline,
            WireError::Connect(_) => Stop::SutUnreachable,
            WireError::Other(_) => Stop::Harness,
        }
    }

    /// The scenario's verdict for this stop: a passed bound is TIMEOUT, the rest
    /// ERROR (DESIGN.md, Verdicts: the harness could not run it).
    pub fn verdict(self) -> Verdict {
        match self {
            Stop::Deadline => Verdict::Timeout,
            Stop::SutUnreachable | Stop::TriggerFailed | Stop::RegistrationRefused | Stop::Harness => Verdict::Error,
            Stop::NotOffered => Verdict::Info,
        }
    }

    /// Why what the scenario judged before this stop is no finding on the SUT,
    /// if it is not: once the SUT is gone or was never made to act, what did
    /// not arrive says nothing about its conformance.
    pub fn discredits_findings(self) -> Option<&'static str> {
        match self {
            Stop::SutUnreachable => Some("the SUT could not be reached"),
            Stop::TriggerFailed => Some("the trigger failed"),
            Stop::RegistrationRefused => Some("the SUT refused the registration"),
            Stop::Deadline | Stop::Harness | Stop::NotOffered => None,
        }
    }
}

/// Why a scenario stopped before its last step, and what happened.
#[derive(Debug, Clone)]
pub struct StepFailure {
    pub stop: Stop,
    pub reason: String,
}

impl StepFailure {
    pub fn new(stop: Stop, reason: String) -> StepFailure {
        StepFailure { stop, reason }
    }
    pub fn timeout(reason: String) -> StepFailure {
        StepFailure::new(Stop::Deadline, reason)
    }
    pub fn error(reason: String) -> StepFailure {
        StepFailure::new(Stop::Harness, reason)
    }
    pub fn not_offered(reason: String) -> StepFailure {
        StepFailure::new(Stop::NotOffered, reason)
    }
    pub fn unreachable(reason: String) -> StepFailure {
        StepFailure::new(Stop::SutUnreachable, reason)
    }
    pub fn trigger_failed(reason: String) -> StepFailure {
        StepFailure::new(Stop::TriggerFailed, reason)
    }
    pub fn registration_refused(reason: String) -> StepFailure {
        StepFailure::new(Stop::RegistrationRefused, reason)
    }
    pub fn verdict(&self) -> Verdict {
        self.stop.verdict()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_unreachable_sut_or_a_trigger_that_did_not_act_discredits_what_was_judged() {
        let stops =
            [Stop::Deadline, Stop::SutUnreachable, Stop::TriggerFailed, Stop::RegistrationRefused, Stop::Harness];
        let verdicts: Vec<Verdict> = stops.iter().map(|s| s.verdict()).collect();
        assert_eq!(verdicts, [Verdict::Timeout, Verdict::Error, Verdict::Error, Verdict::Error, Verdict::Error]);
        let discredited: Vec<bool> = stops.iter().map(|s| s.discredits_findings().is_some()).collect();
        assert_eq!(discredited, [false, true, true, true, false]);
        assert_eq!(Stop::of_wire(&WireError::Connect("refused".into())), Stop::SutUnreachable);
        assert_eq!(Stop::of_wire(&WireError::Timeout(5)), Stop::Deadline);
        assert_eq!(Stop::of_wire(&WireError::Other("bad TLS".into())), Stop::Harness);
    }
}
