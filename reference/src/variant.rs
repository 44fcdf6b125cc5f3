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
}

impl Variant {
    pub const ALL: [Variant; 3] = [Variant::DeliverInsideTrigger, Variant::TimerDriven, Variant::RefuseCleartext];

    pub fn name(self) -> &'static str {
        match self {
            Variant::DeliverInsideTrigger => "deliver-inside-trigger",
            Variant::TimerDriven => "timer-driven",
            Variant::RefuseCleartext => "refuse-cleartext",
        }
    }

    pub fn from_name(name: &str) -> Option<Variant> {
        Variant::ALL.into_iter().find(|v| v.name() == name)
    }
}
