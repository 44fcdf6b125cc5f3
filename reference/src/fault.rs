//! The fault catalogue: each fault breaks exactly one rule of the specs.

use crate::set_profile::SetProfile;

/// A deliberate deviation from the specs, injected with `--fault NAME`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Fault {
    Success202,
    TextContentType,
    EmptySuccessBody,
    IgnoreMaxResponseEvents,
    AcceptAnyMethod,
    AckInvalidSets,
    RejectRequestOnBadSet,
    OmitErr,
    OmitDescription,
    NoRedelivery,
    ForgetAcks,
    NeverAck,
    ParseAnything,
    ErrorWithoutCode,
    FabricateAck,
    JtiKeyMismatch,
    SignWithUnknownKey,
    SetsWithoutIat,
    SetsIatInMilliseconds,
    SetsWithoutEvents,
    SetsWithExp,
    TypJwt,
    NoAuthCheck,
    RequestTextContentType,
    RequestMethodPut,
    DropAfterErrorResponse,
    ReuseErroredJti,
    MisnamedAck,
    AcceptCleartext,
    InitiateCleartext,
    WsNoSubprotocol,
    WsUpgradeUnoffered,
    WsSeveralObjects,
    WsBinaryFrames,
    WsOfferMissing,
    WsIgnoreSubprotocol,
    WsHttpOnLiveSocket,
    PushSuccess200,
    PushSuccessBody,
    PushErrorNotJson,
    PushUnregisteredErr,
    PushGenericErr,
    PushOmitDescription,
    PushNoContentLanguage,
    PushAcceptBadSignature,
    PushAcceptAlgNone,
    PushAcceptWrongAudience,
    PushDuplicateError,
    PushWrongContentType,
    PushNoAccept,
    PushResendAccepted,
    PushRetryAfter400,
    PushNoRetryDelay,
    PushIgnoreRetryAfter,
    PushGiveUpAfter503,
    PushUnknownErrHalts,
    MspSuccess200,
    MspOmitEmptyAck,
    MspAuthCodeInSetErrs,
    MspNoContentLanguage,
    MspErrorNotProblemJson,
    MspTxJsonMediaType,
    MspTxNoEmptyBatches,
    MspTxOmitEmptySets,
    MspTxHaltOnUnknownAck,
    TrustAnyCertificate,
    Tls13Only,
    PushJsonWrapped,
    PushSlowAnswer,
    PollIgnoreAck,
    PollOmitEmptySets,
    PollIgnoreMaxEvents,
    PollNeverMoreAvailable,
    PollHoldReturnImmediately,
    PollNoLongPoll,
    PollAnswerAtOnce,
    PollNoRedelivery,
    PollAcceptInvalid,
    Poll401NoChallenge,
    PollTextContentType,
    PollKeyNotJti,
    PollRejectSetErrs,
    PollRcvNeverAcks,
    PollRcvAckOnlyBlocking,
    PollRcvNoDescription,
    PollRcvNoContentLanguage,
    PollRcvUnregisteredErr,
    PollRcvNoReack,
    PollRcvHaltOnErrorBody,
    PollRcvMethodPut,
    PollRcvTextContentType,
    HostileMarkup,
    JtiReusedNewContent,
    RejectUnknownClaims,
    RejectLongTyp,
    SetNoTyp,
    SetSubPresent,
    SetNoSubId,
    SetNoTxn,
    SetTwoEvents,
    SetBadSubject,
    SetEs256UnderInterop,
    SetUnlistedSubjectFormat,
    NoJwksRefetch,
    SetSubjectInNewEvent,
    SetSubIdMismatch,
    SetsForeignIss,
    AcceptForeignIssuer,
    NoPushReceiver,
    PollQueryToken,
    IgnoreCertificateName,
    PollChallengeWithoutError,
    SkipResourceMetadata,
    IgnoreAuthorizationServer,
    ResourceMetadataAtOrigin,
    AcceptExpiredAccessToken,
    AcceptAccessTokenForAnyResource,
    RefuseAccessTokens,
    IgnoreClientCertificate,
    InitiateWithoutClientCertificate,
    HostileSilent,
    HostileDrip,
    HostileHugeBody,
    HostileNotUtf8,
    HostileDeepJson,
    HostileWideJson,
    HostileCutBody,
    HostileRedirectLoop,
    HostileManyHeaders,
    HostilePingFlood,
    HostileHugeWsMessage,
}

impl Fault {
    pub const ALL: [Fault; 131] = [
        Fault::Success202,
        Fault::TextContentType,
        Fault::EmptySuccessBody,
        Fault::IgnoreMaxResponseEvents,
        Fault::AcceptAnyMethod,
        Fault::AckInvalidSets,
        Fault::RejectRequestOnBadSet,
        Fault::OmitErr,
        Fault::OmitDescription,
        Fault::NoRedelivery,
        Fault::ForgetAcks,
        Fault::NeverAck,
        Fault::ParseAnything,
        Fault::ErrorWithoutCode,
        Fault::FabricateAck,
        Fault::JtiKeyMismatch,
        Fault::SignWithUnknownKey,
        Fault::SetsWithoutIat,
        Fault::SetsIatInMilliseconds,
        Fault::SetsWithoutEvents,
        Fault::SetsWithExp,
        Fault::TypJwt,
        Fault::NoAuthCheck,
        Fault::RequestTextContentType,
        Fault::RequestMethodPut,
        Fault::DropAfterErrorResponse,
        Fault::ReuseErroredJti,
        Fault::MisnamedAck,
        Fault::AcceptCleartext,
        Fault::InitiateCleartext,
        Fault::WsNoSubprotocol,
        Fault::WsUpgradeUnoffered,
        Fault::WsSeveralObjects,
        Fault::WsBinaryFrames,
        Fault::WsOfferMissing,
        Fault::WsIgnoreSubprotocol,
        Fault::WsHttpOnLiveSocket,
        Fault::PushSuccess200,
        Fault::PushSuccessBody,
        Fault::PushErrorNotJson,
        Fault::PushUnregisteredErr,
        Fault::PushGenericErr,
        Fault::PushOmitDescription,
        Fault::PushNoContentLanguage,
        Fault::PushAcceptBadSignature,
        Fault::PushAcceptAlgNone,
        Fault::PushAcceptWrongAudience,
        Fault::PushDuplicateError,
        Fault::PushWrongContentType,
        Fault::PushNoAccept,
        Fault::PushResendAccepted,
        Fault::PushRetryAfter400,
        Fault::PushNoRetryDelay,
        Fault::PushIgnoreRetryAfter,
        Fault::PushGiveUpAfter503,
        Fault::PushUnknownErrHalts,
        Fault::MspSuccess200,
        Fault::MspOmitEmptyAck,
        Fault::MspAuthCodeInSetErrs,
        Fault::MspNoContentLanguage,
        Fault::MspErrorNotProblemJson,
        Fault::MspTxJsonMediaType,
        Fault::MspTxNoEmptyBatches,
        Fault::MspTxOmitEmptySets,
        Fault::MspTxHaltOnUnknownAck,
        Fault::TrustAnyCertificate,
        Fault::Tls13Only,
        Fault::PushJsonWrapped,
        Fault::PushSlowAnswer,
        Fault::PollIgnoreAck,
        Fault::PollOmitEmptySets,
        Fault::PollIgnoreMaxEvents,
        Fault::PollNeverMoreAvailable,
        Fault::PollHoldReturnImmediately,
        Fault::PollNoLongPoll,
        Fault::PollAnswerAtOnce,
        Fault::PollNoRedelivery,
        Fault::PollAcceptInvalid,
        Fault::Poll401NoChallenge,
        Fault::PollTextContentType,
        Fault::PollKeyNotJti,
        Fault::PollRejectSetErrs,
        Fault::PollRcvNeverAcks,
        Fault::PollRcvAckOnlyBlocking,
        Fault::PollRcvNoDescription,
        Fault::PollRcvNoContentLanguage,
        Fault::PollRcvUnregisteredErr,
        Fault::PollRcvNoReack,
        Fault::PollRcvHaltOnErrorBody,
        Fault::PollRcvMethodPut,
        Fault::PollRcvTextContentType,
        Fault::HostileMarkup,
        Fault::JtiReusedNewContent,
        Fault::RejectUnknownClaims,
        Fault::RejectLongTyp,
        Fault::SetNoTyp,
        Fault::SetSubPresent,
        Fault::SetNoSubId,
        Fault::SetNoTxn,
        Fault::SetTwoEvents,
        Fault::SetBadSubject,
        Fault::SetEs256UnderInterop,
        Fault::SetUnlistedSubjectFormat,
        Fault::NoJwksRefetch,
        Fault::SetSubjectInNewEvent,
        Fault::SetSubIdMismatch,
        Fault::SetsForeignIss,
        Fault::AcceptForeignIssuer,
        Fault::NoPushReceiver,
        Fault::PollQueryToken,
        Fault::IgnoreCertificateName,
        Fault::PollChallengeWithoutError,
        Fault::SkipResourceMetadata,
        Fault::IgnoreAuthorizationServer,
        Fault::ResourceMetadataAtOrigin,
        Fault::AcceptExpiredAccessToken,
        Fault::AcceptAccessTokenForAnyResource,
        Fault::RefuseAccessTokens,
        Fault::IgnoreClientCertificate,
        Fault::InitiateWithoutClientCertificate,
        Fault::HostileSilent,
        Fault::HostileDrip,
        Fault::HostileHugeBody,
        Fault::HostileNotUtf8,
        Fault::HostileDeepJson,
        Fault::HostileWideJson,
        Fault::HostileCutBody,
        Fault::HostileRedirectLoop,
        Fault::HostileManyHeaders,
        Fault::HostilePingFlood,
        Fault::HostileHugeWsMessage,
    ];

    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        self.entry().0
    }

    /// Requirement IDs (suite/requirements.yaml) this fault breaks.
    pub fn breaks(self) -> &'static [&'static str] {
        self.entry().1
    }

    /// What the reference does wrong under this fault.
    pub fn description(self) -> &'static str {
        self.entry().2
    }

    /// The ambiguity (AMB-nn) under which the specs' reading of this
    /// deviation is open: the suite reports it as INFO, not as a violation.
    pub fn ambiguity(self) -> Option<&'static str> {
        match self {
            Fault::WsBinaryFrames => Some("AMB-03"),
            Fault::PushGenericErr => Some("AMB-20"),
            Fault::RejectLongTyp => Some("AMB-25"),
            Fault::ResourceMetadataAtOrigin => Some("AMB-10"),
            _ => None,
        }
    }

    /// Whether the fault makes the reference hostile (`hostile-*`): it then
    /// tests that the harness survives, with ERROR and TIMEOUT among the
    /// verdicts, rather than that one rule is caught.
    pub fn is_hostile(self) -> bool {
        self.name().starts_with("hostile-") && self != Fault::HostileMarkup
    }

    /// The SET profile the suite runs this fault under, so that the rules it
    /// breaks are judged: the SSF and interop content rules only bind SETs
    /// minted under those profiles.
    pub fn set_profile(self) -> SetProfile {
        match self {
            Fault::SetNoTyp
            | Fault::SetSubPresent
            | Fault::SetNoSubId
            | Fault::SetNoTxn
            | Fault::SetBadSubject
            | Fault::SetsWithExp
            | Fault::NoJwksRefetch
            | Fault::SetSubjectInNewEvent
            | Fault::SetSubIdMismatch
            | Fault::SetsForeignIss
            | Fault::AcceptForeignIssuer => SetProfile::Ssf,
            Fault::SetTwoEvents
            | Fault::SetEs256UnderInterop
            | Fault::SetUnlistedSubjectFormat
            | Fault::NoPushReceiver
            | Fault::PollQueryToken
            | Fault::PollChallengeWithoutError => SetProfile::CaepInterop,
            _ => SetProfile::Rfc8417,
        }
    }

    pub fn from_name(name: &str) -> Option<Fault> {
        Fault::ALL.into_iter().find(|f| f.name() == name)
    }

    fn entry(self) -> (&'static str, &'static [&'static str], &'static str) {
        match self {
            Fault::Success202 => {
                ("success-202", &["PP-HTTP-008"], "answers a well-formed request with 202 instead of 200")
            }
            Fault::TextContentType => ("text-content-type", &["PP-HTTP-010"], "labels its 200 responses text/plain"),
            Fault::EmptySuccessBody => {
                ("empty-success-body", &["PP-HTTP-011"], "sends 200 responses with an empty body")
            }
            Fault::IgnoreMaxResponseEvents => (
                "ignore-max-response-events",
                &["PP-HTTP-006"],
                "returns every queued SET whatever maxResponseEvents says",
            ),
            Fault::AcceptAnyMethod => {
                ("accept-any-method", &["PP-EP-006"], "treats GET, PUT, PATCH and DELETE like POST")
            }
            Fault::AckInvalidSets => (
                "ack-invalid-sets",
                &["PP-HTTP-009", "POLL-047"],
                "acknowledges SETs that fail validation instead of reporting them in setErrs (pushpull and poll)",
            ),
            Fault::RejectRequestOnBadSet => (
                "reject-request-on-bad-set",
                &["PP-HTTP-009"],
                "fails the whole request with 400 when one SET in it is invalid",
            ),
            Fault::OmitErr => ("omit-err", &["PP-CO-007"], "leaves out `err` in setErrs entries"),
            Fault::OmitDescription => {
                ("omit-description", &["PP-CO-008"], "leaves out `description` in setErrs entries")
            }
            Fault::NoRedelivery => (
                "no-redelivery",
                &["PP-REL-001"],
                "sends each SET once and drops it even when it is never acknowledged (both roles)",
            ),
            Fault::ForgetAcks => (
                "forget-acks",
                &["PP-REL-002", "PP-REL-010"],
                "keeps sending SETs the peer has acknowledged (both roles)",
            ),
            Fault::NeverAck => {
                ("never-ack", &["PP-REL-007"], "never acknowledges the valid SETs it receives (both roles)")
            }
            Fault::ParseAnything => ("parse-anything", &["PP-HTTP-012"], "answers 200 to bodies it cannot parse"),
            Fault::ErrorWithoutCode => {
                ("error-without-code", &["PP-HTTP-013"], "sends error responses without an `err` code")
            }
            Fault::FabricateAck => ("fabricate-ack", &["PP-CO-005"], "acknowledges a jti the peer never sent"),
            Fault::JtiKeyMismatch => {
                ("jti-key-mismatch", &["PP-CO-003"], "files its SETs in `sets` under a key that is not their jti")
            }
            Fault::SignWithUnknownKey => {
                ("sign-with-unknown-key", &["SET-001"], "signs its SETs with a key that is not in its published JWKS")
            }
            Fault::SetsWithoutIat => ("sets-without-iat", &["SET-011"], "mints SETs with no `iat` claim"),
            Fault::SetsIatInMilliseconds => {
                ("sets-iat-in-milliseconds", &["SET-011"], "writes `iat` in milliseconds instead of seconds")
            }
            Fault::SetsWithoutEvents => ("sets-without-events", &["SET-002"], "mints SETs with no `events` claim"),
            Fault::SetsWithExp => ("sets-with-exp", &["SET-015", "SSF-SET-003"], "puts an `exp` claim in its SETs"),
            Fault::TypJwt => ("typ-jwt", &["SET-021"], "labels its SETs `typ: JWT` instead of `secevent+jwt`"),
            Fault::NoAuthCheck => (
                "no-auth-check",
                &["PP-AUTH-002", "PUSH-041", "POLL-081"],
                "serves requests without checking the bearer token",
            ),
            Fault::RequestTextContentType => {
                ("request-text-content-type", &["PP-HTTP-002"], "as initiator, labels its requests text/plain")
            }
            Fault::RequestMethodPut => {
                ("request-method-put", &["PP-HTTP-001"], "as initiator, sends its Communication Objects with PUT")
            }
            Fault::DropAfterErrorResponse => (
                "drop-after-error-response",
                &["PP-HTTP-014"],
                "as initiator, takes an error response as the end of the SETs it carried",
            ),
            Fault::WsNoSubprotocol => {
                ("ws-no-subprotocol", &["PP-WS-004"], "upgrades to WebSocket without naming pushpull in its reply")
            }
            Fault::WsUpgradeUnoffered => (
                "ws-upgrade-unoffered",
                &["PP-WS-005"],
                "upgrades to pushpull over WebSocket when pushpull was not offered",
            ),
            Fault::WsSeveralObjects => {
                ("ws-several-objects", &["PP-WS-010"], "puts two Communication Objects into one WebSocket message")
            }
            Fault::WsBinaryFrames => (
                "ws-binary-frames",
                &["PP-WS-010"],
                "sends its WebSocket messages in binary frames, not text (both roles)",
            ),
            Fault::WsOfferMissing => (
                "ws-offer-missing",
                &["PP-WS-003"],
                "as initiator, asks for the WebSocket upgrade without listing pushpull",
            ),
            Fault::WsIgnoreSubprotocol => (
                "ws-ignore-subprotocol",
                &["PP-WS-006"],
                "as initiator, sends Communication Objects on a socket whose handshake reply did not name pushpull",
            ),
            Fault::WsHttpOnLiveSocket => (
                "ws-http-on-live-socket",
                &["PP-WS-007"],
                "as initiator, delivers new SETs by HTTP POST while its pushpull WebSocket is open",
            ),
            Fault::PushSuccess200 => {
                ("push-success-200", &["PUSH-020"], "as push receiver, answers a valid SET with 200 instead of 202")
            }
            Fault::PushSuccessBody => {
                ("push-success-body", &["PUSH-021"], "as push receiver, puts a JSON body into its 202 responses")
            }
            Fault::PushErrorNotJson => (
                "push-error-not-json",
                &["PUSH-032", "PUSH-033"],
                "as push receiver, sends its 400 errors as text/plain, not a JSON object",
            ),
            Fault::PushUnregisteredErr => {
                ("push-unregistered-err", &["PUSH-034"], "as push receiver, uses an `err` code that is not registered")
            }
            Fault::PushGenericErr => (
                "push-generic-err",
                &["PUSH-035"],
                "as push receiver, reports every rejected SET as invalid_request, whatever the cause",
            ),
            Fault::PushOmitDescription => {
                ("push-omit-description", &["PUSH-033"], "as push receiver, leaves `description` out of its errors")
            }
            Fault::PushNoContentLanguage => {
                ("push-no-content-language", &["PUSH-036"], "as push receiver, sends errors without Content-Language")
            }
            Fault::PushAcceptBadSignature => {
                ("push-accept-bad-signature", &["PUSH-031"], "as push receiver, accepts SETs whose signature fails")
            }
            Fault::PushAcceptAlgNone => {
                ("push-accept-alg-none", &["PUSH-031"], "as push receiver, accepts unsecured (alg none) SETs")
            }
            Fault::PushAcceptWrongAudience => (
                "push-accept-wrong-audience",
                &["PUSH-031"],
                "as push receiver, accepts SETs addressed to someone else",
            ),
            Fault::PushDuplicateError => (
                "push-duplicate-error",
                &["PUSH-005"],
                "as push receiver, rejects a SET it has received before instead of accepting it again",
            ),
            Fault::PushWrongContentType => {
                ("push-wrong-content-type", &["PUSH-009"], "as push transmitter, labels its SETs application/json")
            }
            Fault::PushNoAccept => {
                ("push-no-accept", &["PUSH-010"], "as push transmitter, sends no Accept: application/json")
            }
            Fault::PushResendAccepted => (
                "push-resend-accepted",
                &["PUSH-006"],
                "as push transmitter, sends a SET again although the receiver answered 202",
            ),
            Fault::PushRetryAfter400 => {
                ("push-retry-after-400", &["PUSH-006"], "as push transmitter, keeps resending a SET refused with 400")
            }
            Fault::PushNoRetryDelay => (
                "push-no-retry-delay",
                &["PUSH-007"],
                "as push transmitter, retries at once after a 503, without delay",
            ),
            Fault::PushIgnoreRetryAfter => (
                "push-ignore-retry-after",
                &["PUSH-007"],
                "as push transmitter, retries before the receiver's Retry-After has passed",
            ),
            Fault::PushGiveUpAfter503 => {
                ("push-give-up-after-503", &["PUSH-007"], "as push transmitter, drops a SET after the first 503")
            }
            Fault::PushUnknownErrHalts => (
                "push-unknown-err-halts",
                &["PUSH-039"],
                "as push transmitter, stops delivering after an error code it does not know",
            ),
            Fault::MspSuccess200 => {
                ("msp-success-200", &["MSP-015"], "as multi-SET push recipient, answers a batch with 200, not 202")
            }
            Fault::MspOmitEmptyAck => (
                "msp-omit-empty-ack",
                &["MSP-011"],
                "as multi-SET push recipient, leaves `ack` out when it has nothing to acknowledge",
            ),
            Fault::MspAuthCodeInSetErrs => (
                "msp-auth-code-in-set-errs",
                &["MSP-013"],
                "as multi-SET push recipient, reports rejected SETs in setErrs as authentication_failed",
            ),
            Fault::MspNoContentLanguage => (
                "msp-no-content-language",
                &["MSP-014"],
                "as multi-SET push recipient, sends error descriptions without Content-Language",
            ),
            Fault::MspErrorNotProblemJson => (
                "msp-error-not-problem-json",
                &["MSP-016"],
                "as multi-SET push recipient, labels whole-request failures application/json, not problem+json",
            ),
            Fault::MspTxJsonMediaType => (
                "msp-tx-json-media-type",
                &["MSP-002"],
                "as multi-SET push transmitter, labels post -03 batches application/json",
            ),
            Fault::MspTxNoEmptyBatches => (
                "msp-tx-no-empty-batches",
                &["MSP-004"],
                "as multi-SET push transmitter, never sends an empty batch to collect late answers",
            ),
            Fault::MspTxOmitEmptySets => (
                "msp-tx-omit-empty-sets",
                &["MSP-003"],
                "as multi-SET push transmitter, leaves `sets` out of an empty batch",
            ),
            Fault::MspTxHaltOnUnknownAck => (
                "msp-tx-halt-on-unknown-ack",
                &["MSP-005"],
                "as multi-SET push transmitter, stops delivering when an answer names a jti it never sent",
            ),
            Fault::TrustAnyCertificate => (
                "trust-any-certificate",
                &["PP-AUTH-001", "PUSH-040", "MSP-018", "POLL-080"],
                "as initiator, transmitter or poll recipient over HTTP, talks to a peer whatever certificate it presents",
            ),
            Fault::Tls13Only => (
                "tls13-only",
                &["PUSH-051", "POLL-090"],
                "serves its endpoints with TLS 1.3 only, refusing TLS 1.2 handshakes",
            ),
            Fault::PushJsonWrapped => {
                ("push-json-wrapped", &["PUSH-011"], "as push transmitter, wraps each SET in a JSON object")
            }
            Fault::PushSlowAnswer => {
                ("push-slow-answer", &["PUSH-002"], "as push receiver, takes three seconds to answer a valid SET")
            }
            Fault::AcceptCleartext => (
                "accept-cleartext",
                &["PP-EP-004", "PP-WS-011"],
                "serves requests and upgrades that arrive without TLS",
            ),
            Fault::InitiateCleartext => (
                "initiate-cleartext",
                &["PP-SEC-001", "PUSH-050"],
                "as initiator, push transmitter or poll recipient, talks to a peer endpoint that is not https",
            ),
            Fault::MisnamedAck => {
                ("misnamed-ack", &["PP-CO-011"], "as responder, sends its acknowledgements as `acks`, not `ack`")
            }
            Fault::ReuseErroredJti => (
                "reuse-errored-jti",
                &["PP-REL-011", "PP-REL-010"],
                "as initiator, re-sends an event the peer reported in setErrs under the same jti",
            ),
            Fault::PollIgnoreAck => (
                "poll-ignore-ack",
                &["POLL-027"],
                "as poll transmitter, keeps acknowledged SETs and delivers them again",
            ),
            Fault::PollOmitEmptySets => (
                "poll-omit-empty-sets",
                &["POLL-030"],
                "as poll transmitter, leaves `sets` out when it has nothing to return",
            ),
            Fault::PollIgnoreMaxEvents => (
                "poll-ignore-max-events",
                &["POLL-021"],
                "as poll transmitter, returns every queued SET whatever maxEvents says, 0 included",
            ),
            Fault::PollNeverMoreAvailable => (
                "poll-never-more-available",
                &["POLL-033"],
                "as poll transmitter, never sends moreAvailable, even when SETs are left",
            ),
            Fault::PollHoldReturnImmediately => (
                "poll-hold-return-immediately",
                &["POLL-025"],
                "as poll transmitter, holds an empty poll even when it asks to return immediately",
            ),
            Fault::PollNoLongPoll => (
                "poll-no-long-poll",
                &["POLL-045"],
                "as poll transmitter, answers 404 to any poll without `\"returnImmediately\": true`, `{}` included",
            ),
            Fault::PollAnswerAtOnce => (
                "poll-answer-at-once",
                &["POLL-051"],
                "as poll transmitter, never holds a poll: an empty queue is answered at once",
            ),
            Fault::PollNoRedelivery => (
                "poll-no-redelivery",
                &["POLL-032"],
                "as poll transmitter, drops each SET once it went out, acknowledged or not",
            ),
            Fault::PollAcceptInvalid => (
                "poll-accept-invalid",
                &["POLL-061"],
                "as poll transmitter, answers invalid polls with 200 as if they were empty short polls",
            ),
            Fault::Poll401NoChallenge => (
                "poll-401-no-challenge",
                &["POLL-081"],
                "as poll transmitter, refuses unauthenticated polls with 401 but no WWW-Authenticate",
            ),
            Fault::PollTextContentType => {
                ("poll-text-content-type", &["POLL-001"], "as poll transmitter, labels its 200 responses text/plain")
            }
            Fault::PollKeyNotJti => (
                "poll-key-not-jti",
                &["POLL-031"],
                "as poll transmitter, files SETs in `sets` under a name that is not their jti",
            ),
            Fault::PollRejectSetErrs => (
                "poll-reject-set-errs",
                &["POLL-028"],
                "as poll transmitter, answers 400 to any poll that reports setErrs",
            ),
            Fault::PollRcvNeverAcks => (
                "poll-rcv-never-acks",
                &["POLL-002"],
                "as poll recipient, never acknowledges the valid SETs it receives (still reports setErrs)",
            ),
            Fault::PollRcvAckOnlyBlocking => (
                "poll-rcv-ack-only-blocking",
                &["POLL-046"],
                "as poll recipient, sends acknowledge-only polls (maxEvents 0) without returnImmediately",
            ),
            Fault::PollRcvNoDescription => (
                "poll-rcv-no-description",
                &["POLL-028"],
                "as poll recipient, leaves `description` out of its setErrs entries",
            ),
            Fault::PollRcvNoContentLanguage => (
                "poll-rcv-no-content-language",
                &["POLL-071"],
                "as poll recipient, sends polls carrying setErrs without Content-Language",
            ),
            Fault::PollRcvUnregisteredErr => (
                "poll-rcv-unregistered-err",
                &["POLL-070"],
                "as poll recipient, reports rejected SETs with an `err` code that is not registered",
            ),
            Fault::PollRcvNoReack => (
                "poll-rcv-no-reack",
                &["POLL-041"],
                "as poll recipient, does not acknowledge again a SET it acknowledged before",
            ),
            Fault::PollRcvHaltOnErrorBody => (
                "poll-rcv-halt-on-error-body",
                &["POLL-062"],
                "as poll recipient, stops polling for good after an error answer whose body is not JSON",
            ),
            Fault::PollRcvMethodPut => ("poll-rcv-method-put", &["POLL-010"], "as poll recipient, polls with PUT"),
            Fault::PollRcvTextContentType => {
                ("poll-rcv-text-content-type", &["POLL-001"], "as poll recipient, labels its polls text/plain")
            }
            Fault::HostileMarkup => (
                "hostile-markup",
                &["PUSH-034"],
                "as push receiver, answers a broken SET with markup and script in `err` and `description`",
            ),
            Fault::RejectLongTyp => (
                "reject-long-typ",
                &["SET-021"],
                "as receiver on any binding, refuses SETs typed application/secevent+jwt, the long form",
            ),
            Fault::RejectUnknownClaims => (
                "reject-unknown-claims",
                &["SET-024"],
                "as receiver on any binding, refuses SETs with a claim, event type or event member it does not know",
            ),
            Fault::JtiReusedNewContent => (
                "jti-reused-new-content",
                &["SET-012"],
                "numbers its jtis afresh for every peer, so one jti names SETs with different claims",
            ),
            Fault::SetNoTyp => ("set-no-typ", &["SET-020", "SSF-SET-001"], "mints SETs whose JOSE header has no `typ`"),
            Fault::SetSubPresent => {
                ("set-sub-present", &["SSF-SET-002"], "puts a `sub` claim, which SSF forbids, in its SETs")
            }
            Fault::SetNoSubId => ("set-no-sub-id", &["SSF-SET-005"], "mints SSF SETs without the `sub_id` claim"),
            Fault::SetNoTxn => ("set-no-txn", &["SSF-SET-007"], "mints SSF SETs without a `txn` claim"),
            Fault::SetTwoEvents => (
                "set-two-events",
                &["SSF-SET-008", "SSF-IOP-007"],
                "puts a second, unrelated event (session-established) into `events`",
            ),
            Fault::SetBadSubject => (
                "set-bad-subject",
                &["SUBID-004"],
                "gives its SETs an email subject identifier without the `email` member",
            ),
            Fault::SetEs256UnderInterop => (
                "set-es256-under-interop",
                &["SSF-IOP-006"],
                "under the CAEP interop profile, signs its SETs ES256 instead of RS256",
            ),
            Fault::SetUnlistedSubjectFormat => (
                "set-unlisted-subject-format",
                &["SSF-IOP-005"],
                "under the CAEP interop profile, names subjects in the account format, not email, iss_sub or opaque",
            ),
            Fault::NoJwksRefetch => (
                "no-jwks-refetch",
                &["SSF-SET-012"],
                "as receiver on any binding, keeps the keys a peer gave at registration and never fetches its jwks_uri",
            ),
            Fault::SetSubjectInNewEvent => (
                "set-subject-in-new-event",
                &["SSF-SET-006"],
                "sends an event type of its own, newer than CAEP and RISC, that names its subject in `subject`",
            ),
            Fault::SetSubIdMismatch => (
                "set-sub-id-mismatch",
                &["SSF-SET-002", "SUBID-011"],
                "puts a `sub` claim that names another subject than its iss_sub `sub_id`",
            ),
            Fault::SetsForeignIss => (
                "sets-foreign-iss",
                &["SET-010", "SSF-SET-004"],
                "puts another issuer than its own in the `iss` of its SETs",
            ),
            Fault::HostileSilent => {
                ("hostile-silent", &["PP-HTTP-008"], "as pushpull responder, accepts each request and never answers")
            }
            Fault::HostileDrip => {
                ("hostile-drip", &["PP-HTTP-008"], "as pushpull responder, answers one byte a second")
            }
            Fault::HostileHugeBody => {
                ("hostile-huge-body", &["PP-HTTP-011"], "as pushpull responder, answers with a 1 GiB body")
            }
            Fault::HostileNotUtf8 => (
                "hostile-not-utf8",
                &["PP-HTTP-011"],
                "as pushpull responder, answers 200 with bytes that are not UTF-8",
            ),
            Fault::HostileDeepJson => (
                "hostile-deep-json",
                &["PP-HTTP-011"],
                "as pushpull responder, answers with JSON nested 100,000 levels deep",
            ),
            Fault::HostileWideJson => (
                "hostile-wide-json",
                &["PP-HTTP-011"],
                "as pushpull responder, answers with a `sets` object of a million members",
            ),
            Fault::HostileCutBody => (
                "hostile-cut-body",
                &["PP-HTTP-011"],
                "as pushpull responder, closes the connection in the middle of its answer",
            ),
            Fault::HostileRedirectLoop => {
                ("hostile-redirect-loop", &["PP-HTTP-008"], "as pushpull responder, redirects every request to itself")
            }
            Fault::HostileManyHeaders => {
                ("hostile-many-headers", &["PP-HTTP-008"], "as pushpull responder, answers with 10,000 header fields")
            }
            Fault::HostilePingFlood => {
                ("hostile-ping-flood", &["PP-WS-010"], "over a pushpull WebSocket, floods pings and never answers")
            }
            Fault::HostileHugeWsMessage => {
                ("hostile-huge-ws-message", &["PP-WS-010"], "over a pushpull WebSocket, answers with a 16 MiB message")
            }
            Fault::SkipResourceMetadata => (
                "skip-resource-metadata",
                &["PP-AUTH-003", "PP-AUTH-004", "PP-AUTH-005"],
                "as pushpull initiator, never asks for the endpoint's protected-resource metadata and presents the registered token",
            ),
            Fault::IgnoreAuthorizationServer => (
                "ignore-authorization-server",
                &["PP-AUTH-004", "PP-AUTH-005"],
                "as pushpull initiator, reads the endpoint's metadata but presents the registered token, not one from the server it names",
            ),
            Fault::ResourceMetadataAtOrigin => (
                "resource-metadata-at-origin",
                &["PP-AUTH-003"],
                "as pushpull initiator, asks for protected-resource metadata at the origin, not at the endpoint URL's path",
            ),
            Fault::AcceptExpiredAccessToken => (
                "accept-expired-access-token",
                &["PP-AUTH-002"],
                "as pushpull responder, takes an access token from the peer's authorization server after it expired",
            ),
            Fault::AcceptAccessTokenForAnyResource => (
                "accept-access-token-for-any-resource",
                &["PP-AUTH-002"],
                "as pushpull responder, takes an access token from the peer's authorization server issued for another resource",
            ),
            Fault::RefuseAccessTokens => (
                "refuse-access-tokens",
                &["PP-AUTH-002"],
                "as pushpull responder, refuses even a good access token from the authorization server the peer named",
            ),
            Fault::IgnoreClientCertificate => (
                "ignore-client-certificate",
                &["PP-AUTH-002"],
                "as pushpull responder, takes a peer's token without the client certificate the peer registered",
            ),
            Fault::InitiateWithoutClientCertificate => (
                "initiate-without-client-certificate",
                &["PP-AUTH-005"],
                "as initiator, presents no client certificate although it named one at registration",
            ),
            Fault::PollChallengeWithoutError => (
                "poll-challenge-without-error",
                &["SSF-IOP-008"],
                "as poll transmitter, answers an unknown bearer token with a Bearer challenge that names no error",
            ),
            Fault::IgnoreCertificateName => (
                "ignore-certificate-name",
                &["PP-AUTH-001", "PUSH-040", "MSP-018", "POLL-080"],
                "takes a peer's certificate from a trusted CA whatever host it names (every binding it initiates on)",
            ),
            Fault::PollQueryToken => (
                "poll-query-token",
                &["SSF-IOP-008"],
                "as poll transmitter, also takes the bearer token as an access_token query parameter",
            ),
            Fault::NoPushReceiver => {
                ("no-push-receiver", &["SSF-IOP-004"], "takes SETs by poll only: its push endpoint answers 404")
            }
            Fault::AcceptForeignIssuer => (
                "accept-foreign-issuer",
                &["SSF-SET-004"],
                "as receiver on any binding, accepts SETs whose `iss` is not the peer's issuer",
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn names_are_unique_and_round_trip() {
        let names: HashSet<_> = Fault::ALL.iter().map(|f| f.name()).collect();
        assert_eq!(names.len(), Fault::ALL.len());
        for f in Fault::ALL {
            assert_eq!(Fault::from_name(f.name()), Some(f));
            assert!(!f.breaks().is_empty());
        }
    }

    #[test]
    fn ssf_and_subject_rules_are_judged_under_an_ssf_profile() {
        for f in Fault::ALL {
            let ssf_rule = f.breaks().iter().any(|id| id.starts_with("SSF-") || id.starts_with("SUBID-"));
            if ssf_rule {
                assert_ne!(f.set_profile(), SetProfile::Rfc8417, "{f:?}");
            }
            if f.breaks().iter().any(|id| id.starts_with("SSF-IOP-")) {
                assert_eq!(f.set_profile(), SetProfile::CaepInterop, "{f:?}");
            }
        }
        assert_eq!(Fault::SetsWithExp.set_profile(), SetProfile::Ssf);
        assert_eq!(Fault::TypJwt.set_profile(), SetProfile::Rfc8417);
    }
}
