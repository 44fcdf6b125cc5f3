//! Legal behaviours other than the reference's default. Where a [`crate::Fault`]
//! breaks a rule on purpose, a variant keeps every rule in another way a real
//! product does, so the suite can show that its verdicts do not depend on the
//! reference's own choices (a real SUT pushes inside its API call, sends on a
//! timer, refuses an endpoint it will not trust).

/// One legal behaviour the reference can take instead of its default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// Delivers the SETs a control API call queues inside that call, and answers
    /// the call only when the peer has answered the delivery.
    DeliverInsideTrigger,
    /// As a pushpull initiator, posts on a timer of its own (idle objects when
    /// nothing is queued) and has no "send now" switch.
    TimerDriven,
    /// Declines to register a peer whose endpoint is served in the clear.
    RefuseCleartext,
    /// As SSF transmitter, takes the other choices SSF 1.0 leaves open: one
    /// stream per receiver (a second create gets 409), no verification event of
    /// its own, a `min_verification_interval` of a minute, no `default_subjects`, a
    /// verification asked for on a paused or disabled stream refused (409,
    /// AMB-33), the verification event sent a second after the request, and no
    /// stream suspended when the receiver refuses a verification event.
    SsfOtherChoices,
}

impl Variant {
    pub const ALL: [Variant; 4] =
        [Variant::DeliverInsideTrigger, Variant::TimerDriven, Variant::RefuseCleartext, Variant::SsfOtherChoices];

    pub fn name(self) -> &'static str {
        match self {
            Variant::DeliverInsideTrigger => "deliver-inside-trigger",
            Variant::TimerDriven => "timer-driven",
            Variant::RefuseCleartext => "refuse-cleartext",
            Variant::SsfOtherChoices => "ssf-other-choices",
        }
    }

    pub fn from_name(name: &str) -> Option<Variant> {
        Variant::ALL.into_iter().find(|v| v.name() == name)
    }
}
