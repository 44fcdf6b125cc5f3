//! The evidence of a judgement: the transcript exchange that holds the one
//! message a check judged, for the report to point to. Checks of the SUT's
//! last message ([`Seen::last`]) point to the exchange that carried it, a TLS
//! probe's check to the probe; checks across the scenario (the ledger),
//! timings and absences point to none.

use crate::catalogue::Check;
use crate::engine::state::Seen;

/// The `seq` of the exchange that holds what `check` judged, when it judged
/// one message the transcript recorded.
pub(super) fn exchange(check: &Check, seen: &Seen) -> Option<usize> {
    let last = || seen.last.as_ref().and_then(|l| l.exchange);
    match check {
        // One message: the SUT's last response, request, frame or handshake.
        Check::Status(_)
        | Check::ContentType(_)
        | Check::Schema(_)
        | Check::Count(_)
        | Check::ErrorCode(_)
        | Check::SetsValid(_)
        | Check::Redelivered(_)
        | Check::RefusedOrSetErr(_)
        | Check::Retired(_)
        | Check::Method(_)
        | Check::NonNegativeInteger(_)
        | Check::MemberNames(_)
        | Check::OverTls(_)
        | Check::NoSuccess(_)
        | Check::Subprotocol(_)
        | Check::FrameType(_)
        | Check::NoExtensions(_)
        | Check::UpgradeRequested(_)
        | Check::OffersSubprotocol(_)
        | Check::UpgradeAtEndpoint(_)
        | Check::EmptyBody(_)
        | Check::Header(_)
        | Check::ErrIs(_)
        | Check::AuthRejected(_)
        | Check::CompactSet(_)
        | Check::AnsweredWithinMs(_)
        | Check::SetErrsExclude(_)
        | Check::ContentLanguageIfDescribed(_)
        | Check::MspErrorMediaType(_)
        | Check::MspMediaType(_)
        | Check::MoreAvailable(_)
        | Check::KeysAreJtis(_)
        | Check::BearerError(_)
        | Check::TokenFromAuthorizationServer(_)
        | Check::ClientCertificateRegistered(_)
        | Check::Member(_)
        | Check::NoEmptyArrays(_)
        | Check::HttpsEndpoints(_)
        | Check::EventsDelivered(_)
        | Check::ReceiverMembersKept(_) => last(),
        Check::TlsRefused(_) => seen.tls_exchange,
        // Across the scenario's messages, over time, or of a message that may never have come.
        Check::Acked(_)
        | Check::Errored(_)
        | Check::Unanswered(_)
        | Check::SetErrsHave(_)
        | Check::AcksKnown(_)
        | Check::AckErrDisjoint(_)
        | Check::Arrived(_)
        | Check::ArrivedWithin(_)
        | Check::PromptAnswers(_)
        | Check::OverSocketOnly(_)
        | Check::Delay(_)
        | Check::DelayGrows(_)
        | Check::Held(_)
        | Check::AckOnlyImmediate(_)
        | Check::FirstPollBare(_)
        | Check::Reacked(_)
        | Check::SetErrsRegistered(_)
        | Check::JwksRefetched(_)
        | Check::ResourceMetadata(_)
        | Check::DistinctPollEndpoints(_)
        | Check::Verification(_)
        | Check::StreamUpdated(_)
        | Check::PushAuthorization(_) => None,
    }
}
