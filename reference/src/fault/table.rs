//! The fault table: every fault of the reference, declared once (see the
//! parent module for what each part of a declaration means).

use super::{Entry, Kind};
use crate::set_profile::SetProfile;

faults! {
    Success202: Rule "success-202" breaks ["PP-HTTP-008"]
        "answers a well-formed request with 202 instead of 200";
    TextContentType: Rule "text-content-type" breaks ["PP-HTTP-010"]
        "labels its 200 responses text/plain";
    EmptySuccessBody: Rule "empty-success-body" breaks ["PP-HTTP-011"]
        also ["PP-AUTH-002", "PP-CO-001", "PP-CO-003", "PP-CO-006", "PP-CO-007", "PP-CO-008",
            "PP-CO-011", "PP-CONF-002", "PP-CONF-004", "PP-HTTP-005", "PP-HTTP-006", "PP-HTTP-009",
            "PP-HTTP-015", "PP-REL-001", "PP-REL-007", "PP-REL-012", "SET-020", "SET-021", "SET-022",
            "SET-024"]
        "sends 200 responses with an empty body";
    IgnoreMaxResponseEvents: Rule "ignore-max-response-events" breaks ["PP-HTTP-006"]
        "returns every queued SET whatever maxResponseEvents says";
    AcceptAnyMethod: Rule "accept-any-method" breaks ["PP-EP-006"]
        also ["PP-HTTP-012", "PP-HTTP-013"]
        "treats GET, PUT, PATCH and DELETE like POST";
    AckInvalidSets: Rule "ack-invalid-sets" breaks ["PP-HTTP-009", "POLL-047"]
        also ["MSP-007", "POLL-028", "POLL-070", "PP-CO-003", "PP-CO-006", "PP-CO-007", "PP-CO-008",
            "PP-REL-007", "PP-WS-012", "SET-020", "SET-022", "SSF-DLV-008", "SSF-SET-004",
            "SSF-VER-006"]
        "acknowledges SETs that fail validation instead of reporting them in setErrs (pushpull and poll)";
    RejectRequestOnBadSet: Rule "reject-request-on-bad-set" breaks ["PP-HTTP-009"]
        also ["MSP-006", "MSP-007", "MSP-012", "MSP-015", "PP-CO-003", "PP-CO-006", "PP-CO-007",
            "PP-CO-008", "PP-REL-007", "SET-020", "SET-022"]
        "fails the whole request with 400 when one SET in it is invalid";
    OmitErr: Rule "omit-err" breaks ["PP-CO-007"]
        also ["MSP-012"]
        "leaves out `err` in setErrs entries";
    OmitDescription: Rule "omit-description" breaks ["PP-CO-008"]
        "leaves out `description` in setErrs entries";
    NoRedelivery: Rule "no-redelivery" breaks ["PP-REL-001"]
        also ["MSP-003", "MSP-004", "MSP-005", "MSP-019", "PP-CO-011", "PP-HTTP-014", "PP-REL-008",
            "PP-WS-012"]
        "sends each SET once and drops it even when it is never acknowledged (both roles)";
    SlowRedelivery: Rule "slow-redelivery" breaks ["PP-REL-008"]
        "as HTTP initiator, sends an unanswered SET again only three seconds after it last went out";
    ForgetAcks: Rule "forget-acks" breaks ["PP-REL-002", "PP-REL-010"]
        also ["MSP-008", "MSP-019", "PP-HTTP-015", "PP-HTTP-017", "PP-REL-003", "PP-REL-011",
            "PP-WS-012"]
        "keeps sending SETs the peer has acknowledged (both roles)";
    NeverAck: Rule "never-ack" breaks ["PP-REL-007"]
        also ["MSP-006", "MSP-007", "MSP-017", "PP-AUTH-002", "PP-CONF-002", "PP-CONF-004",
            "PP-HTTP-015", "PP-REL-006", "PP-REL-012", "PP-WS-009", "PP-WS-012", "SET-021",
            "SET-024", "SSF-SET-004", "SSF-SET-009", "SSF-SET-012"] profile Ssf
        "never acknowledges the valid SETs it receives (both roles)";
    LateAcks: Rule "late-acks" breaks ["PP-REL-012"]
        "as responder, acknowledges the SETs of a request carrying ten or more only three responses later";
    ParseAnything: Rule "parse-anything" breaks ["PP-HTTP-012"]
        also ["PP-HTTP-006", "PP-HTTP-013"]
        "answers 200 to bodies it cannot parse";
    ErrorWithoutCode: Rule "error-without-code" breaks ["PP-HTTP-013"]
        "sends error responses without an `err` code";
    FabricateAck: Rule "fabricate-ack" breaks ["PP-CO-005"]
        also ["PP-REL-007", "PP-REL-012", "PP-WS-012"]
        "acknowledges a jti the peer never sent";
    AckAndErr: Rule "ack-and-err" breaks ["PP-CO-010", "PP-HTTP-009", "PP-CO-006"] ambiguity "AMB-12"
        "as pushpull responder, acknowledges every SET of a request that carries valid ones, and reports the broken \
         ones in setErrs as well";
    JtiKeyMismatch: Rule "jti-key-mismatch" breaks ["PP-CO-003"]
        also ["PP-HTTP-015", "PP-HTTP-017", "PP-REL-002", "PP-REL-003", "PP-REL-010", "PP-REL-011",
            "PP-WS-012"]
        "files its SETs in `sets` under a key that is not their jti";
    SignWithUnknownKey: Rule "sign-with-unknown-key" breaks ["SET-001"]
        "signs its SETs with a key that is not in its published JWKS";
    SetsWithoutIat: Rule "sets-without-iat" breaks ["SET-011"]
        "mints SETs with no `iat` claim";
    SetsIatInMilliseconds: Rule "sets-iat-in-milliseconds" breaks ["SET-011"]
        "writes `iat` in milliseconds instead of seconds";
    SetsWithoutEvents: Rule "sets-without-events" breaks ["SET-002"]
        "mints SETs with no `events` claim";
    SetDuplicateEvent: Rule "set-duplicate-event" breaks ["SET-005"]
        "writes its event type twice in `events`, the first time with an empty payload";
    SetsWithExp: Rule "sets-with-exp" breaks ["SET-015", "SSF-SET-003"] profile Ssf
        "puts an `exp` claim in its SETs";
    TypJwt: Rule "typ-jwt" breaks ["SET-021"]
        "labels its SETs `typ: JWT` instead of `secevent+jwt`";
    EventTypeNotUri: Rule "event-type-not-uri" breaks ["SET-003"]
        "names the event type in `events` by a bare word (`session-revoked`), not by its URI";
    EventPayloadNull: Rule "event-payload-null" breaks ["SET-004", "SET-003"]
        "gives its events the payload `null` instead of an object (`{}` when there is nothing to say)";
    SetsWithoutJti: Rule "sets-without-jti" breaks ["SET-012"] also ["POLL-031"]
        "mints SETs with no `jti` claim";
    AudNumber: Rule "aud-number" breaks ["SET-013"]
        "names the SET's recipient in `aud` by a numeric receiver id, not a string";
    TxnNumber: Rule "txn-number" breaks ["SET-017"]
        "puts a `txn` in its SETs that is a sequence number, not a string";
    ToeString: Rule "toe-string" breaks ["SET-018"]
        "puts a `toe` in its SETs written as a quoted string of seconds, not a NumericDate";
    NoAuthCheck: Rule "no-auth-check" breaks ["PP-AUTH-002", "PUSH-041", "POLL-081"]
        also ["PP-HTTP-013"]
        "serves requests without checking the bearer token";
    RequestTextContentType: Rule "request-text-content-type" breaks ["PP-HTTP-002"]
        "as initiator, labels its requests text/plain";
    RequestMethodPut: Rule "request-method-put" breaks ["PP-HTTP-001"]
        also ["PP-WS-008"]
        "as initiator, sends its Communication Objects with PUT";
    NegativeMaxResponseEvents: Rule "negative-max-response-events" breaks ["PP-HTTP-004"] ambiguity "AMB-06"
        "as initiator, sends `maxResponseEvents` -1 in its HTTP requests";
    DropAfterErrorResponse: Rule "drop-after-error-response" breaks ["PP-HTTP-014"]
        also ["PP-REL-001"]
        "as initiator, takes an error response as the end of the SETs it carried";
    ReuseErroredJti: Rule "reuse-errored-jti" breaks ["PP-REL-011", "PP-REL-010"]
        also ["MSP-008", "PP-HTTP-017", "PP-REL-003"]
        "as initiator, re-sends an event the peer reported in setErrs under the same jti";
    MisnamedAck: Rule "misnamed-ack" breaks ["PP-CO-011"]
        also ["MSP-006", "MSP-007", "MSP-017", "PP-AUTH-002", "PP-CONF-002", "PP-HTTP-015",
            "PP-REL-007", "PP-REL-012", "PP-WS-012", "SET-021", "SET-024"]
        "as responder, sends its acknowledgements as `acks`, not `ack`";
    AcceptCleartext: Rule "accept-cleartext" breaks ["PP-EP-004", "PP-WS-011"]
        also ["MSP-001", "PUSH-050", "PUSH-053"]
        "serves requests and upgrades that arrive without TLS";
    InitiateCleartext: Rule "initiate-cleartext" breaks ["PP-SEC-001", "PUSH-050"]
        also ["PP-WS-011", "PUSH-053"]
        "as initiator, push transmitter or poll recipient, talks to a peer endpoint that is not https";
    WsNoSubprotocol: Rule "ws-no-subprotocol" breaks ["PP-WS-004"]
        also ["PP-IANA-001"]
        "upgrades to WebSocket without naming pushpull in its reply";
    WsUpgradeUnoffered: Rule "ws-upgrade-unoffered" breaks ["PP-WS-005"]
        "upgrades to pushpull over WebSocket when pushpull was not offered";
    WsUnofferedExtension: Rule "ws-unoffered-extension" breaks ["PP-WS-010"] ambiguity "AMB-03"
        "as WebSocket responder, names permessage-deflate in its handshake answer though no extension was offered";
    WsSeveralObjects: Rule "ws-several-objects" breaks ["PP-WS-010"]
        also ["PP-CO-001", "PP-CO-003", "PP-CO-006", "PP-CO-007", "PP-CO-008", "PP-CO-011", "PP-CONF-002",
            "PP-CONF-004", "PP-REL-007", "PP-REL-012", "PP-WS-009", "PP-WS-012", "SET-020", "SET-021", "SET-022",
            "SET-024"]
        "puts two Communication Objects into one WebSocket message";
    WsBinaryFrames: Rule "ws-binary-frames" breaks ["PP-WS-010"] ambiguity "AMB-03"
        "sends its WebSocket messages in binary frames, not text (both roles)";
    WsOfferMissing: Rule "ws-offer-missing" breaks ["PP-WS-003"]
        "as initiator, asks for the WebSocket upgrade without listing pushpull";
    WsIgnoreSubprotocol: Rule "ws-ignore-subprotocol" breaks ["PP-WS-006"]
        also ["PP-WS-008"]
        "as initiator, sends Communication Objects on a socket whose handshake reply did not name pushpull";
    WsHttpOnLiveSocket: Rule "ws-http-on-live-socket" breaks ["PP-WS-007"]
        also ["PP-REL-001", "PP-REL-008", "PP-WS-012"]
        "as initiator, delivers new SETs by HTTP POST while its pushpull WebSocket is open";
    PushSuccess200: Rule "push-success-200" breaks ["PUSH-020"]
        "as push receiver, answers a valid SET with 200 instead of 202";
    PushSuccessBody: Rule "push-success-body" breaks ["PUSH-021"]
        "as push receiver, puts a JSON body into its 202 responses";
    PushErrorNotJson: Rule "push-error-not-json" breaks ["PUSH-032", "PUSH-033"]
        also ["PUSH-034", "PUSH-035", "PUSH-036", "PUSH-038", "SSF-VER-006"]
        "as push receiver, sends its 400 errors as text/plain, not a JSON object";
    PushUnregisteredErr: Rule "push-unregistered-err" breaks ["PUSH-034"]
        also ["PUSH-035", "SSF-VER-006"]
        "as push receiver, uses an `err` code that is not registered";
    PushGenericErr: Rule "push-generic-err" breaks ["PUSH-035"]
        also ["SSF-VER-006"] ambiguity "AMB-20"
        "as push receiver, reports every rejected SET as invalid_request, whatever the cause";
    PushOmitDescription: Rule "push-omit-description" breaks ["PUSH-033"]
        "as push receiver, leaves `description` out of its errors";
    PushNoContentLanguage: Rule "push-no-content-language" breaks ["PUSH-036"]
        also ["PUSH-038"]
        "as push receiver, sends errors without Content-Language";
    PushAcceptBadSignature: Rule "push-accept-bad-signature" breaks ["PUSH-031"]
        also ["PUSH-001", "SSF-SET-012"]
        "as push receiver, accepts SETs whose signature fails";
    PushAcceptAlgNone: Rule "push-accept-alg-none" breaks ["PUSH-031"]
        also ["PUSH-001"]
        "as push receiver, accepts unsecured (alg none) SETs";
    PushAcceptWrongAudience: Rule "push-accept-wrong-audience" breaks ["PUSH-031"]
        also ["PUSH-001"]
        "as push receiver, accepts SETs addressed to someone else";
    PushAcceptAnything: Rule "push-accept-anything" breaks ["PUSH-001", "PUSH-031"]
        also ["SSF-SET-004", "SSF-SET-012", "SSF-VER-006"]
        "as push receiver, accepts every SET whatever fails in it: parsing, claims, issuer, key, signature";
    PushRefuseWith500: Rule "push-refuse-with-500" breaks ["PUSH-031"]
        "as push receiver, refuses broken SETs with 500 instead of 400 (the refusal is right, the status is not)";
    PushDuplicateError: Rule "push-duplicate-error" breaks ["PUSH-005"]
        "as push receiver, rejects a SET it has received before instead of accepting it again";
    PushWrongContentType: Rule "push-wrong-content-type" breaks ["PUSH-009"]
        "as push transmitter, labels its SETs application/json";
    PushNoAccept: Rule "push-no-accept" breaks ["PUSH-010"]
        "as push transmitter, sends no Accept: application/json";
    PushResendAccepted: Rule "push-resend-accepted" breaks ["PUSH-006"]
        "as push transmitter, sends a SET again although the receiver answered 202";
    PushRetryAfter400: Rule "push-retry-after-400" breaks ["PUSH-006"]
        "as push transmitter, keeps resending a SET refused with 400";
    PushNoRetryDelay: Rule "push-no-retry-delay" breaks ["PUSH-007"]
        "as push transmitter, retries at once after a 503, without delay";
    PushShrinkingBackoff: Rule "push-shrinking-backoff" breaks ["PUSH-007"]
        "as push transmitter, waits less before each retry than before the last (1000 ms, then 500 ms)";
    PushIgnoreRetryAfter: Rule "push-ignore-retry-after" breaks ["PUSH-007"]
        "as push transmitter, retries before the receiver's Retry-After has passed";
    PushUnknownErrHalts: Rule "push-unknown-err-halts" breaks ["PUSH-039"]
        "as push transmitter, stops delivering after an error code it does not know";
    MspSuccess200: Rule "msp-success-200" breaks ["MSP-015"]
        "as multi-SET push recipient, answers a batch with 200, not 202";
    MspOmitEmptyAck: Rule "msp-omit-empty-ack" breaks ["MSP-011"]
        "as multi-SET push recipient, leaves `ack` out when it has nothing to acknowledge";
    MspAckObject: Rule "msp-ack-object" breaks ["MSP-011"]
        also ["MSP-006", "MSP-007", "MSP-012", "MSP-017", "SET-024"]
        "as multi-SET push recipient, sends `ack` as an object keyed by jti instead of an array";
    MspAuthCodeInSetErrs: Rule "msp-auth-code-in-set-errs" breaks ["MSP-013"]
        "as multi-SET push recipient, reports rejected SETs in setErrs as authentication_failed";
    MspNoContentLanguage: Rule "msp-no-content-language" breaks ["MSP-014"]
        "as multi-SET push recipient, sends error descriptions without Content-Language";
    MspErrorNotProblemJson: Rule "msp-error-not-problem-json" breaks ["MSP-016"]
        "as multi-SET push recipient, labels whole-request failures application/json, not problem+json";
    MspTxJsonMediaType: Rule "msp-tx-json-media-type" breaks ["MSP-002"]
        "as multi-SET push transmitter, labels post -03 batches application/json";
    MspTxNoEmptyBatches: Rule "msp-tx-no-empty-batches" breaks ["MSP-004"]
        "as multi-SET push transmitter, never sends an empty batch to collect late answers";
    MspTxOmitEmptySets: Rule "msp-tx-omit-empty-sets" breaks ["MSP-003"]
        "as multi-SET push transmitter, leaves `sets` out of an empty batch";
    MspTxSetsAsObjects: Rule "msp-tx-sets-as-objects" breaks ["MSP-003"]
        "as multi-SET push transmitter, wraps each SET of a batch in an object instead of sending it in compact form";
    MspTxOneKey: Rule "msp-tx-one-key" breaks ["MSP-003"]
        also ["MSP-008", "MSP-019"]
        "as multi-SET push transmitter, files every SET of a batch under one key, so a batch carries only its last";
    MspTxHaltOnUnknownAck: Rule "msp-tx-halt-on-unknown-ack" breaks ["MSP-005"]
        also ["MSP-019"]
        "as multi-SET push transmitter, stops delivering when an answer names a jti it never sent";
    MspTxHoldBatch: Rule "msp-tx-hold-batch" breaks ["MSP-022"]
        "as multi-SET push transmitter, holds new SETs back three seconds to build a larger batch";
    TrustAnyCertificate: Rule "trust-any-certificate" breaks ["PP-AUTH-001", "PUSH-040", "MSP-018", "POLL-080"]
        "as initiator, transmitter or poll recipient over HTTP, talks to a peer whatever certificate it presents";
    Tls13Only: Rule "tls13-only" breaks ["PUSH-051", "POLL-090"]
        "serves its endpoints with TLS 1.3 only, refusing TLS 1.2 handshakes";
    PushJsonWrapped: Rule "push-json-wrapped" breaks ["PUSH-011"]
        also ["PUSH-008", "PUSH-039", "SET-001"]
        "as push transmitter, wraps each SET in a JSON object";
    PushSlowAnswer: Rule "push-slow-answer" breaks ["PUSH-002"]
        also ["PUSH-003"]
        "as push receiver, takes three seconds to answer a valid SET";
    PollIgnoreAck: Rule "poll-ignore-ack" breaks ["POLL-027"]
        also ["POLL-033"]
        "as poll transmitter, keeps acknowledged SETs and delivers them again";
    PollOmitEmptySets: Rule "poll-omit-empty-sets" breaks ["POLL-030"]
        "as poll transmitter, leaves `sets` out when it has nothing to return";
    PollIgnoreMaxEvents: Rule "poll-ignore-max-events" breaks ["POLL-021"]
        also ["POLL-033"]
        "as poll transmitter, returns every queued SET whatever maxEvents says, 0 included";
    PollNeverMoreAvailable: Rule "poll-never-more-available" breaks ["POLL-033"]
        "as poll transmitter, never sends moreAvailable, even when SETs are left";
    PollHoldReturnImmediately: Rule "poll-hold-return-immediately" breaks ["POLL-025"]
        "as poll transmitter, holds an empty poll even when it asks to return immediately";
    PollNoLongPoll: Rule "poll-no-long-poll" breaks ["POLL-045"]
        also ["POLL-001", "POLL-022", "POLL-023", "POLL-030", "POLL-031", "POLL-032", "POLL-051"]
        "as poll transmitter, answers 404 to any poll without `\"returnImmediately\": true`, `{}` included";
    PollAnswerAtOnce: Rule "poll-answer-at-once" breaks ["POLL-051"]
        "as poll transmitter, never holds a poll: an empty queue is answered at once";
    PollNoRedelivery: Rule "poll-no-redelivery" breaks ["POLL-032"]
        "as poll transmitter, drops each SET once it went out, acknowledged or not";
    PollAcceptInvalid: Rule "poll-accept-invalid" breaks ["POLL-061"]
        "as poll transmitter, answers invalid polls with 200 as if they were empty short polls";
    Poll401NoChallenge: Rule "poll-401-no-challenge" breaks ["POLL-081"]
        "as poll transmitter, refuses unauthenticated polls with 401 but no WWW-Authenticate";
    PollTextContentType: Rule "poll-text-content-type" breaks ["POLL-001"]
        "as poll transmitter, labels its 200 responses text/plain";
    PollKeyNotJti: Rule "poll-key-not-jti" breaks ["POLL-031"]
        also ["POLL-027", "POLL-033", "POLL-040"]
        "as poll transmitter, files SETs in `sets` under a name that is not their jti";
    PollRejectSetErrs: Rule "poll-reject-set-errs" breaks ["POLL-028"]
        also ["POLL-040"]
        "as poll transmitter, answers 400 to any poll that reports setErrs";
    PollRcvNeverAcks: Rule "poll-rcv-never-acks" breaks ["POLL-002"]
        also ["POLL-041", "POLL-062", "SET-024", "SSF-DLV-008", "SSF-IOP-004", "SSF-SET-009",
            "SSF-SET-012", "SSF-VER-006"] profile CaepInterop
        "as poll recipient, never acknowledges the valid SETs it receives (still reports setErrs)";
    PollRcvAckObject: Rule "poll-rcv-ack-object" breaks ["POLL-026"]
        also ["POLL-002", "POLL-028", "POLL-041", "POLL-062", "SET-024", "SSF-DLV-008", "SSF-SET-009",
            "SSF-SET-012", "SSF-VER-006"]
        "as poll recipient, sends `ack` as an object keyed by jti instead of an array";
    PollRcvMaxEventsString: Rule "poll-rcv-max-events-string" breaks ["POLL-020"]
        also ["POLL-026", "POLL-028"]
        "as poll recipient, sends `maxEvents` as a string of digits";
    PollRcvAckOnlyBlocking: Rule "poll-rcv-ack-only-blocking" breaks ["POLL-046"]
        "as poll recipient, sends acknowledge-only polls (maxEvents 0) without returnImmediately";
    PollRcvNoDescription: Rule "poll-rcv-no-description" breaks ["POLL-028"]
        "as poll recipient, leaves `description` out of its setErrs entries";
    PollRcvNoContentLanguage: Rule "poll-rcv-no-content-language" breaks ["POLL-071"]
        "as poll recipient, sends polls carrying setErrs without Content-Language";
    PollRcvUnregisteredErr: Rule "poll-rcv-unregistered-err" breaks ["POLL-070"]
        "as poll recipient, reports rejected SETs with an `err` code that is not registered";
    PollRcvNoReack: Rule "poll-rcv-no-reack" breaks ["POLL-041"]
        "as poll recipient, does not acknowledge again a SET it acknowledged before";
    PollRcvHaltOnErrorBody: Rule "poll-rcv-halt-on-error-body" breaks ["POLL-062"]
        "as poll recipient, stops polling for good after an error answer whose body is not JSON";
    PollRcvMethodPut: Rule "poll-rcv-method-put" breaks ["POLL-010"]
        "as poll recipient, polls with PUT";
    PollRcvTextContentType: Rule "poll-rcv-text-content-type" breaks ["POLL-001"]
        "as poll recipient, labels its polls text/plain";
    PollRcvFirstPollAck: Rule "poll-rcv-first-poll-ack" breaks ["POLL-044"]
        "as poll recipient, acknowledges in its first poll a jti it never received";
    PollRcvSlowAck: Rule "poll-rcv-slow-ack" breaks ["POLL-043"]
        "as poll recipient, waits three seconds before each poll that acknowledges what it received";
    PollAcceptGet: Rule "poll-accept-get" breaks ["POLL-060"]
        "as poll transmitter, answers a GET like a short poll, with 200 and the SETs waiting";
    PollEmptyNoContent: Rule "poll-empty-no-content" breaks ["POLL-030"]
        "as poll transmitter, answers 204 No Content to a poll that hands over nothing and finds no SET";
    PollNullEmptySets: Rule "poll-null-empty-sets" breaks ["POLL-030"]
        "as poll transmitter, answers `\"sets\": null` to a poll that hands over nothing and finds no SET";
    PollZeroMaxEventsUnlimited: Rule "poll-zero-max-events-unlimited" breaks ["POLL-021", "POLL-022"]
        "as poll transmitter, takes `maxEvents` 0 as no limit, so acknowledge-only polls bring back SETs";
    PollRejectZeroMaxEvents: Rule "poll-reject-zero-max-events" breaks ["POLL-022"] also ["POLL-027"]
        "as poll transmitter, refuses polls with `maxEvents` 0 as invalid (400)";
    PollHoldAckOnly: Rule "poll-hold-ack-only" breaks ["POLL-022"] ambiguity "AMB-21"
        "as poll transmitter, holds acknowledge-only polls (maxEvents 0) that do not ask to return immediately";
    PushMethodPut: Rule "push-method-put" breaks ["PUSH-008"]
        "as push transmitter, sends its SETs with PUT";
    PushNoAcceptLanguage: Rule "push-no-accept-language" breaks ["PUSH-012"]
        "as push transmitter, sends no Accept-Language naming the language it wants errors in";
    PushAnyContentType: Rule "push-any-content-type" breaks ["PUSH-030", "PUSH-031"] ambiguity "AMB-31"
        "as push receiver, takes a SET whatever Content-Type the request gives it";
    MspTxMethodPut: Rule "msp-tx-method-put" breaks ["MSP-002"]
        "as multi-SET push transmitter, sends its batches with PUT";
    MspTxNoAccept: Rule "msp-tx-no-accept" breaks ["MSP-002"]
        "as multi-SET push transmitter, sends no Accept: application/json";
    MspAnswerBatchMediaType: Rule "msp-answer-batch-media-type" breaks ["MSP-010"]
        "as multi-SET push recipient, labels its 202 answers application/secevents+json, not application/json";
    MspUnboundedBatch: Rule "msp-unbounded-batch" breaks ["MSP-021"]
        "as multi-SET push recipient, takes batches of any size and spends 5 ms on each SET before it answers, so a \
         huge batch stalls its answer";
    MspParseAnything: Rule "msp-parse-anything" breaks ["MSP-016"]
        "as multi-SET push recipient, answers a body it cannot parse with 202 and an empty `ack`, as if it were an \
         empty batch";
    HostileMarkup: Rule "hostile-markup" breaks ["PUSH-034"]
        also ["PUSH-035", "SSF-VER-006"]
        "as push receiver, answers a broken SET with markup and script in `err` and `description`";
    JtiReusedNewContent: Rule "jti-reused-new-content" breaks ["SET-012"]
        "numbers its jtis afresh for every peer, so one jti names SETs with different claims";
    RejectUnknownClaims: Rule "reject-unknown-claims" breaks ["SET-024"]
        also ["PUSH-020", "SSF-DLV-008", "SSF-SET-009", "SSF-VER-006", "SSF-VER-007", "SSF-VER-008"] profile Ssf
        "as receiver on any binding, refuses SETs with a claim, event type or event member it does not know";
    RejectLongTyp: Rule "reject-long-typ" breaks ["SET-021"] ambiguity "AMB-25"
        "as receiver on any binding, refuses SETs typed application/secevent+jwt, the long form";
    SetNoTyp: Rule "set-no-typ" breaks ["SET-020", "SSF-SET-001"] profile Ssf
        "mints SETs whose JOSE header has no `typ`";
    SetSubPresent: Rule "set-sub-present" breaks ["SSF-SET-002"] profile Ssf
        "puts a `sub` claim, which SSF forbids, in its SETs";
    SetNoSubId: Rule "set-no-sub-id" breaks ["SSF-SET-005"]
        also ["CAEP-013"] profile Ssf
        "mints SSF SETs without the `sub_id` claim";
    SetNoTxn: Rule "set-no-txn" breaks ["SSF-SET-007"] profile Ssf
        "mints SSF SETs without a `txn` claim";
    SetTwoEvents: Rule "set-two-events" breaks ["SSF-SET-008", "SSF-IOP-007"] profile CaepInterop
        "puts a second, unrelated event (session-established) into `events`";
    SetBadSubject: Rule "set-bad-subject" breaks ["SUBID-004"] profile Ssf
        "gives its SETs an email subject identifier without the `email` member";
    SetEs256UnderInterop: Rule "set-es256-under-interop" breaks ["SSF-IOP-006"] profile CaepInterop
        "under the CAEP interop profile, signs its SETs ES256 instead of RS256";
    SetUnlistedSubjectFormat: Rule "set-unlisted-subject-format" breaks ["SSF-IOP-005"] profile CaepInterop
        "under the CAEP interop profile, names subjects in the account format, not email, iss_sub or opaque";
    NoJwksRefetch: Rule "no-jwks-refetch" breaks ["SSF-SET-012"] profile Ssf
        "as receiver on any binding, keeps the keys a peer gave at registration and never fetches its jwks_uri";
    SetSubjectInNewEvent: Rule "set-subject-in-new-event" breaks ["SSF-SET-006"] profile Ssf
        "sends an event type of its own, newer than CAEP and RISC, that names its subject in `subject`";
    SetSubIdMismatch: Rule "set-sub-id-mismatch" breaks ["SSF-SET-002", "SUBID-011"] profile Ssf
        "puts a `sub` claim that names another subject than its iss_sub `sub_id`";
    SetSubjectWithoutFormat: Rule "set-subject-without-format" breaks ["SUBID-001"] profile Ssf
        "gives its SETs a `sub_id` that holds an email address but names no `format`";
    SetSubjectExtraMember: Rule "set-subject-extra-member" breaks ["SUBID-002"] profile Ssf
        "adds a display `name` member, which the email format does not describe, to its email subjects";
    SetAccountNotAcct: Rule "set-account-not-acct" breaks ["SUBID-003"] profile Ssf
        "names its subjects in the account format with a `mailto:` URI instead of an `acct:` URI";
    SetIssSubWithoutSub: Rule "set-iss-sub-without-sub" breaks ["SUBID-005"] profile Ssf
        "names its subjects in the iss_sub format with `iss` but without `sub`";
    SetOpaqueIdNumber: Rule "set-opaque-id-number" breaks ["SUBID-006"] profile Ssf
        "names its subjects in the opaque format with a number as `id`, not a string";
    SetPhoneNotE164: Rule "set-phone-not-e164" breaks ["SUBID-007"] profile Ssf
        "names its subjects in the phone_number format with a national number, not in E.164 form";
    SetDidNotDid: Rule "set-did-not-did" breaks ["SUBID-008"] profile Ssf
        "names its subjects in the did format with an https URL instead of a DID";
    SetUriWithoutScheme: Rule "set-uri-without-scheme" breaks ["SUBID-009"] profile Ssf
        "names its subjects in the uri format with a relative reference that has no scheme";
    SetNestedAliases: Rule "set-nested-aliases" breaks ["SUBID-010"] profile Ssf
        "names its subjects in the aliases format with an aliases identifier nested among the identifiers";
    SetComplexMemberString: Rule "set-complex-member-string" breaks ["SUBID-013"] profile Ssf
        "names its subjects as complex subjects whose `device` member is a bare string, not a subject identifier";
    SetJwtIdWithoutJti: Rule "set-jwt-id-without-jti" breaks ["SUBID-015"] profile Ssf
        "names its subjects in the jwt_id format with `iss` but without `jti`";
    SetSamlIdWithoutIssuer: Rule "set-saml-id-without-issuer" breaks ["SUBID-016"] profile Ssf
        "names its subjects in the saml_assertion_id format with `assertion_id` but without `issuer`";
    SetIpAddressesString: Rule "set-ip-addresses-string" breaks ["SUBID-017"] profile Ssf
        "names its subjects in the ip-addresses format with one address as a string, not an array";
    SetInitiatingEntityUnlisted: Rule "set-initiating-entity-unlisted" breaks ["CAEP-001"] profile Ssf
        "says its session revocations were initiated by a `scheduler`, not admin, user, policy or system";
    SetReasonNotLocalized: Rule "set-reason-not-localized" breaks ["CAEP-002"] profile Ssf
        "gives `reason_admin` in its session revocations as a plain string, not keyed by language tag";
    SetEventTimestampString: Rule "set-event-timestamp-string" breaks ["CAEP-003"] profile Ssf
        "writes the `event_timestamp` of its CAEP events as a string, not a number";
    SetClaimsChangeNamesOnly: Rule "set-claims-change-names-only" breaks ["CAEP-004"] profile Ssf
        "sends token-claims-change events whose `claims` lists the changed claim names without their values";
    SetCredentialChangeUnlisted: Rule "set-credential-change-unlisted" breaks ["CAEP-005"] profile Ssf
        "sends credential-change events with the `change_type` `reset`, which CAEP does not define";
    SetAssuranceLevelNumber: Rule "set-assurance-level-number" breaks ["CAEP-006"] profile Ssf
        "sends assurance-level-change events whose `current_level` is a number, not a string";
    SetChangeDirectionUnlisted: Rule "set-change-direction-unlisted" breaks ["CAEP-007"] profile Ssf
        "sends assurance-level-change events with the `change_direction` `up`, not increase or decrease";
    SetComplianceMisspelled: Rule "set-compliance-misspelled" breaks ["CAEP-009"] profile Ssf
        "sends device-compliance-change events with the status `non-compliant` instead of `not-compliant`";
    SetAmrString: Rule "set-amr-string" breaks ["CAEP-010"] profile Ssf
        "sends session-established events whose `amr` is a single string, not an array";
    SetRiskLevelLowercase: Rule "set-risk-level-lowercase" breaks ["CAEP-011"] profile Ssf
        "sends risk-level-change events with the levels in lower case, not LOW, MEDIUM or HIGH";
    SetsForeignIss: Rule "sets-foreign-iss" breaks ["SET-010", "SSF-SET-004"] profile Ssf
        "puts another issuer than its own in the `iss` of its SETs";
    AcceptForeignIssuer: Rule "accept-foreign-issuer" breaks ["SSF-SET-004"]
        also ["POLL-047", "PP-CO-006", "PP-HTTP-009", "PUSH-001", "PUSH-031", "SSF-DLV-008"] profile Ssf
        "as receiver on any binding, accepts SETs whose `iss` is not the peer's issuer";
    NoPushReceiver: Rule "no-push-receiver" breaks ["SSF-IOP-004"]
        also ["PUSH-001", "PUSH-005", "PUSH-008", "PUSH-020", "PUSH-021", "PUSH-031", "PUSH-041",
            "PUSH-051", "SET-021", "SET-024", "SSF-DLV-008", "SSF-IOP-005", "SSF-SET-009",
            "SSF-SET-012", "SSF-VER-006", "SSF-VER-007", "SSF-VER-008"] profile CaepInterop
        "takes SETs by poll only: its push endpoint answers 404";
    PollQueryToken: Rule "poll-query-token" breaks ["SSF-IOP-008"] profile CaepInterop
        "as poll transmitter, also takes the bearer token as an access_token query parameter";
    IgnoreCertificateName: Rule "ignore-certificate-name" breaks ["PP-AUTH-001", "PUSH-040", "MSP-018", "POLL-080"]
        "takes a peer's certificate from a trusted CA whatever host it names (every binding it initiates on)";
    PollChallengeWithoutError: Rule "poll-challenge-without-error" breaks ["SSF-IOP-008"] profile CaepInterop
        "as poll transmitter, answers an unknown bearer token with a Bearer challenge that names no error";
    SkipResourceMetadata: Rule "skip-resource-metadata" breaks ["PP-AUTH-003", "PP-AUTH-004", "PP-AUTH-005"]
        "as pushpull initiator, never asks for the endpoint's protected-resource metadata and presents the \
         registered token";
    IgnoreAuthorizationServer: Rule "ignore-authorization-server" breaks ["PP-AUTH-004", "PP-AUTH-005"]
        "as pushpull initiator, reads the endpoint's metadata but presents the registered token, not one from the \
         server it names";
    ResourceMetadataAtOrigin: Rule "resource-metadata-at-origin" breaks ["PP-AUTH-003"] ambiguity "AMB-10"
        "as pushpull initiator, asks for protected-resource metadata at the origin, not at the endpoint URL's path";
    AcceptExpiredAccessToken: Rule "accept-expired-access-token" breaks ["PP-AUTH-002"]
        also ["PP-HTTP-013"]
        "as pushpull responder, takes an access token from the peer's authorization server after it expired";
    AcceptAccessTokenForAnyResource: Rule "accept-access-token-for-any-resource" breaks ["PP-AUTH-002"]
        also ["PP-HTTP-013"]
        "as pushpull responder, takes an access token from the peer's authorization server issued for another resource";
    RefuseAccessTokens: Rule "refuse-access-tokens" breaks ["PP-AUTH-002"]
        "as pushpull responder, refuses even a good access token from the authorization server the peer named";
    IgnoreClientCertificate: Rule "ignore-client-certificate" breaks ["PP-AUTH-002"]
        also ["PP-HTTP-013"]
        "as pushpull responder, takes a peer's token without the client certificate the peer registered";
    InitiateWithoutClientCertificate: Rule "initiate-without-client-certificate" breaks ["PP-AUTH-005"]
        "as initiator, presents no client certificate although it named one at registration";
    InitiatorAckAndErr: Rule "initiator-ack-and-err" breaks ["PP-CO-010", "PP-CO-006"]
        also ["PP-REL-007", "PP-WS-012"] ambiguity "AMB-12"
        "as pushpull initiator, acknowledges every SET the peer sends it, and reports the broken ones in setErrs as \
         well (both bindings)";
    InitiatorFabricateAck: Rule "initiator-fabricate-ack" breaks ["PP-CO-005"]
        "as pushpull initiator, acknowledges a jti the peer never sent beside the ones it did (both bindings)";
    WsNoHttpFallback: Rule "ws-no-http-fallback" breaks ["PP-WS-008"]
        "as initiator, keeps its SETs for the next WebSocket attempt when the upgrade fails, never falling back to \
         HTTP";
    OneSetPerRequest: Rule "one-set-per-request" breaks ["PP-CONF-001"]
        "as HTTP initiator, sends one SET per request however many are queued";
    TwoSetsPerResponse: Rule "two-sets-per-response" breaks ["PP-HTTP-005"]
        "as pushpull responder, returns at most two SETs per response, however many the request leaves room for";
    InitiatorIgnoreLateAcks: Rule "initiator-ignore-late-acks" breaks ["PP-HTTP-015"]
        also ["PP-HTTP-017", "PP-REL-002"]
        "as HTTP initiator, takes from a response only the acknowledgements of SETs its request carried for the \
         first time, and sends again a SET acknowledged after it was redelivered";
    AcceptJwtTyp: Rule "accept-jwt-typ" breaks ["SET-020"]
        "as receiver on any binding, accepts SETs typed `JWT`, as an ordinary JWT is";
    RequestMaxResponseEventsString: Rule "request-max-response-events-string" breaks ["PP-HTTP-003", "PP-HTTP-004"]
        "as HTTP initiator, sends `maxResponseEvents` as a string (\"50\"), not a number";
    RequestNullSets: Rule "request-null-sets" breaks ["PP-CO-002", "PP-HTTP-003", "PP-HTTP-016"]
        "as HTTP initiator, with no SET to deliver, sends `sets` as null instead of leaving it out";
    NoWebSocket: Rule "no-websocket" breaks ["PP-WS-001", "PP-WS-002"] also ["PP-WS-003", "PP-WS-004", "PP-IANA-001"]
        "leaves out the WebSocket binding: refuses upgrades at its endpoint and, as initiator, only sends HTTP requests";
    RejectEmptyAck: Rule "reject-empty-ack" breaks ["PP-CO-004"] also ["PP-HTTP-008"]
        "as pushpull responder, answers 400 to a request whose `ack` is an empty array";
    RequestSnakeCaseMember: Rule "request-snake-case-member" breaks ["PP-CO-011"]
        "as HTTP initiator, spells `maxResponseEvents` as `max_response_events`";
    NoRetryByRequest: Rule "no-retry-by-request" breaks ["PP-REL-005"]
        "as initiator, never sends in a request of its own a SET that went out in a response; it waits for the peer \
         to pull it again";
    SsfMetadataAppendedPath: Rule "ssf-metadata-appended-path" breaks ["SSF-DISC-001"] profile Ssf
        "as SSF transmitter, serves its metadata only at `{issuer}/.well-known/ssf-configuration`; the URL with \
         the well-known path inserted after the host answers 404";
    SsfMetadataTextPlain: Rule "ssf-metadata-text-plain" breaks ["SSF-DISC-003"] profile Ssf
        "as SSF transmitter, labels its metadata text/plain";
    SsfMetadataNotObject: Rule "ssf-metadata-not-object" breaks ["SSF-DISC-003"]
        also ["SSF-DISC-004", "SSF-DISC-006", "SSF-DISC-007", "SSF-DISC-009"] profile Ssf
        "as SSF transmitter, serves its metadata object wrapped in a JSON array";
    SsfMetadataIssuerMismatch: Rule "ssf-metadata-issuer-mismatch" breaks ["SSF-DISC-004"]
        also ["SET-010", "SSF-SET-004", "SSF-STRM-003"] profile Ssf
        "as SSF transmitter, adds a trailing `/` to the `issuer` of its metadata";
    SsfMetadataNoJwksUri: Rule "ssf-metadata-no-jwks-uri" breaks ["SSF-DISC-006", "SSF-IOP-002"]
        profile CaepInterop
        "as SSF transmitter, leaves `jwks_uri` out of its metadata while it signs its SETs";
    SsfMetadataCleartextEndpoint: Rule "ssf-metadata-cleartext-endpoint" breaks ["SSF-DISC-008"] profile Ssf
        "as SSF transmitter, names its `remove_subject_endpoint` with `http://` (it is still served over TLS only)";
    SsfMetadataEmptyArray: Rule "ssf-metadata-empty-array" breaks ["SSF-DISC-009"] profile Ssf
        "as SSF transmitter, puts `critical_subject_members: []` in its metadata";
    SsfMetadataNoDeliveryMethods: Rule "ssf-metadata-no-delivery-methods" breaks ["SSF-DISC-007", "SSF-IOP-002"]
        profile CaepInterop
        "as SSF transmitter, leaves `delivery_methods_supported` out of its metadata";
    SsfMetadataBadDefaultSubjects: Rule "ssf-metadata-bad-default-subjects" breaks ["SSF-DISC-010"] profile Ssf
        "as SSF transmitter, gives `default_subjects` as \"SOME\"";
    SsfMetadataNoSpecVersion: Rule "ssf-metadata-no-spec-version" breaks ["SSF-IOP-001"] profile CaepInterop
        "as SSF transmitter, leaves `spec_version` out of its metadata";
    SsfMetadataNoOauthScheme: Rule "ssf-metadata-no-oauth-scheme" breaks ["SSF-IOP-002"] profile CaepInterop
        "as SSF transmitter, lists only `urn:ietf:rfc:6750` in `authorization_schemes`";
    SsfCreate200: Rule "ssf-create-200" breaks ["SSF-STRM-006"] also ["SSF-IOP-003", "SSF-STRM-009"]
        profile CaepInterop
        "as SSF transmitter, answers a stream creation with 200 instead of 201";
    SsfConfigNoAud: Rule "ssf-config-no-aud" breaks ["SSF-STRM-002"] profile Ssf
        "as SSF transmitter, leaves `aud` out of its stream configurations";
    SsfConfigForeignIss: Rule "ssf-config-foreign-iss" breaks ["SSF-STRM-003"] profile Ssf
        "as SSF transmitter, gives `iss` as https://other.example/ in its stream configurations";
    SsfEventsDeliveredUnfiltered: Rule "ssf-events-delivered-unfiltered" breaks ["SSF-STRM-004", "SSF-STRM-005"]
        profile Ssf
        "as SSF transmitter, echoes `events_requested` as `events_delivered`, types it does not support included";
    SsfUnknownEventRejected: Rule "ssf-unknown-event-rejected" breaks ["SSF-STRM-005"] profile Ssf
        "as SSF transmitter, answers 400 to a stream whose `events_requested` holds an event type it does not know";
    SsfDefaultPush: Rule "ssf-default-push" breaks ["SSF-STRM-008"] profile Ssf
        "as SSF transmitter, makes a stream created without `delivery` a push stream with no endpoint";
    SsfCreateReusesStream: Rule "ssf-create-reuses-stream" breaks ["SSF-STRM-009"] profile Ssf
        "as SSF transmitter, answers a receiver's second push stream to the same endpoint with 201 and the first";
    SsfReadAllObject: Rule "ssf-read-all-object" breaks ["SSF-STRM-010"] profile Ssf
        "as SSF transmitter, swaps the shapes of reads: one stream in an array, and without `stream_id` the \
         receiver's first stream as an object (`{}` when it has none)";
    SsfUnknownStream400: Rule "ssf-unknown-stream-400" breaks ["SSF-STRM-010", "SSF-STRM-013", "SSF-STAT-004",
        "SSF-VER-001", "SSF-SUBJ-001"] also ["SSF-STRM-001"] profile Ssf
        "as SSF transmitter, answers 400 instead of 404 for an unknown `stream_id` on every endpoint";
    SsfPatchReplaces: Rule "ssf-patch-replaces" breaks ["SSF-STRM-011"] profile Ssf
        "as SSF transmitter, removes on PATCH the receiver-supplied members the request leaves out";
    SsfPatchAcceptsTransmitterMembers: Rule "ssf-patch-accepts-transmitter-members" breaks ["SSF-STRM-011"]
        profile Ssf
        "as SSF transmitter, answers 200 to a PATCH that changes a transmitter-supplied member, and keeps its value";
    SsfPutMerges: Rule "ssf-put-merges" breaks ["SSF-STRM-012"] profile Ssf
        "as SSF transmitter, keeps on PUT the receiver-supplied members the request leaves out";
    SsfDelete200: Rule "ssf-delete-200" breaks ["SSF-STRM-013"] profile Ssf
        "as SSF transmitter, answers a stream deletion with 200 and the configuration as body";
    SsfDeleteKeeps: Rule "ssf-delete-keeps" breaks ["SSF-STRM-013"] profile Ssf
        "as SSF transmitter, answers a stream deletion with 204 and keeps the stream";
    SsfManagementOpen: Rule "ssf-management-open" breaks ["SSF-STRM-001", "SSF-STAT-004", "SSF-SUBJ-001",
        "SSF-VER-001"] profile Ssf
        "as SSF transmitter, takes a management request with no or an unknown token as coming from receiver-a";
    SsfStreamsShared: Rule "ssf-streams-shared" breaks ["SSF-STRM-001"] profile Ssf
        "as SSF transmitter, lets any known receiver reach any stream";
    SsfLenientBodies: Rule "ssf-lenient-bodies" breaks ["SSF-STRM-006", "SSF-STRM-011", "SSF-VER-001", "SSF-SUBJ-001"]
        profile Ssf
        "as SSF transmitter, takes a management body that is not JSON as `{}`, a missing `stream_id` as the \
         receiver's first stream, and a subject request without a subject as done";
    SsfStatusActive: Rule "ssf-status-active" breaks ["SSF-STAT-002"] profile Ssf
        "as SSF transmitter, reports an enabled stream's status as \"active\"";
    SsfStatusNoStreamId: Rule "ssf-status-no-stream-id" breaks ["SSF-STAT-001"] profile Ssf
        "as SSF transmitter, answers the status endpoint without `stream_id`";
    SsfStatusUpdateIgnored: Rule "ssf-status-update-ignored" breaks ["SSF-STAT-005"] also ["SSF-STAT-003"] profile Ssf
        "as SSF transmitter, answers a status update with 200 and the requested status, and changes nothing";
    SsfStatusUpdate204: Rule "ssf-status-update-204" breaks ["SSF-STAT-005"] profile Ssf
        "as SSF transmitter, answers a status update with 204 and no body instead of 200 and the status";
    SsfPausedDelivers: Rule "ssf-paused-delivers" breaks ["SSF-STAT-003"] profile Ssf
        "as SSF transmitter, keeps delivering SETs on a paused or disabled stream";
    SsfPausedDrops: Rule "ssf-paused-drops" breaks ["SSF-STAT-003"] ambiguity "AMB-36" profile Ssf
        "as SSF transmitter, drops the SETs of a paused stream instead of holding them";
    SsfDisabledHolds: Rule "ssf-disabled-holds" breaks ["SSF-STAT-003"] profile Ssf
        "as SSF transmitter, holds the SETs of a disabled stream and delivers them once it is enabled";
    SsfSilentSuspend: Rule "ssf-silent-suspend" breaks ["SSF-STAT-006"] profile Ssf
        "as SSF transmitter, pauses a stream whose verification was refused without sending a stream-updated event";
    SsfStreamUpdatedNoStatus: Rule "ssf-stream-updated-no-status" breaks ["SSF-STAT-007"] also ["SSF-STAT-006"] profile Ssf
        "as SSF transmitter, leaves `status` out of its stream-updated events";
    SsfAddSubject201: Rule "ssf-add-subject-201" breaks ["SSF-SUBJ-001"] profile Ssf
        "as SSF transmitter, answers an added subject with 201 instead of 200";
    SsfRemoveSubject200: Rule "ssf-remove-subject-200" breaks ["SSF-SUBJ-002"] profile Ssf
        "as SSF transmitter, answers a removed subject with 200 and a JSON body instead of 204";
    SsfVerify200: Rule "ssf-verify-200" breaks ["SSF-VER-001"] profile Ssf
        "as SSF transmitter, answers a verification request with 200 and a JSON body instead of 204";
    SsfStateNotEchoed: Rule "ssf-state-not-echoed" breaks ["SSF-VER-002"] profile Ssf
        "as SSF transmitter, leaves the requested `state` out of its verification events";
    SsfVerificationTypeMisspelt: Rule "ssf-verification-type-misspelt" breaks ["SSF-VER-003"] profile Ssf
        "as SSF transmitter, names its verification events \
         https://schemas.openid.net/secevent/ssf/event-type/verify";
    SsfVerificationSubIdWrong: Rule "ssf-verification-sub-id-wrong" breaks ["SSF-VER-004"] profile Ssf
        "as SSF transmitter, gives its verification events the stream's `aud` as the opaque `sub_id`";
    SsfUnsolicitedWithState: Rule "ssf-unsolicited-with-state" breaks ["SSF-VER-005"] profile Ssf
        "as SSF transmitter, puts `\"state\":\"unsolicited\"` in the verification event it sends on its own";
    SsfVerify429Early: Rule "ssf-verify-429-early" breaks ["SSF-STRM-014"] profile Ssf
        "as SSF transmitter, answers 429 to any verification request within 10 s of the previous one on the stream";
    SsfPushWithoutAuthorization: Rule "ssf-push-without-authorization" breaks ["SSF-DLV-004"] profile Ssf
        "as SSF transmitter, pushes without the stream's `authorization_header`";
    SsfPollOpen: Rule "ssf-poll-open" breaks ["SSF-DLV-007"] profile Ssf
        "as SSF transmitter, serves its poll endpoints without a token";
    SsfSharedPollEndpoint: Rule "ssf-shared-poll-endpoint" breaks ["SSF-DLV-006"] profile Ssf
        "as SSF transmitter, gives every poll stream of a receiver the one URL /ssf/poll, which serves its newest \
         stream";
    SsfSetForeignIss: Rule "ssf-set-foreign-iss" breaks ["SSF-SET-004"] also ["SET-010"] profile Ssf
        "as SSF transmitter, gives `iss` as https://other.example/ in the SETs of its streams";
    SsfLegacyDeliveryUris: Rule "ssf-legacy-delivery-uris" breaks ["SSF-DLV-001", "SSF-DLV-005"] also ["SSF-STRM-008"]
        profile Ssf
        "as SSF transmitter, names the delivery methods with the RISC push and poll URIs in its stream configurations";
    SsfRcvSkipIssuerCheck: Rule "ssf-rcv-skip-issuer-check" breaks ["SSF-DISC-005"] profile Ssf
        "as SSF receiver, uses transmitter metadata whose `issuer` is not the issuer it was given";
    SsfRcvMetadataByPost: Rule "ssf-rcv-metadata-by-post" breaks ["SSF-DISC-002"] profile Ssf
        "as SSF receiver, fetches the transmitter metadata with POST instead of GET";
    SsfRcvAcceptForeignStream: Rule "ssf-rcv-accept-foreign-stream" breaks ["SSF-STRM-007"] profile Ssf
        "as SSF receiver, keeps a stream whose configuration names a foreign `iss` and accepts SETs carrying it";
    SsfRcvLegacyDeliveryMethod: Rule "ssf-rcv-legacy-delivery-method" breaks ["SSF-DLV-001", "SSF-DLV-005"]
        also ["SSF-DLV-008", "SSF-SET-004", "SSF-SET-009", "SSF-SET-012"]
        profile Ssf
        "as SSF receiver, asks for delivery with the RISC push or poll method URI";
    SsfRcvNoEndpointUrl: Rule "ssf-rcv-no-endpoint-url" breaks ["SSF-DLV-002"] profile Ssf
        "as SSF receiver, creates a push stream without `delivery.endpoint_url`";
    SsfRcvNoAuthorizationHeader: Rule "ssf-rcv-no-authorization-header" breaks ["SSF-DLV-004"]
        also ["PUSH-031"] profile Ssf
        "as SSF receiver, creates a push stream without `authorization_header` and takes its pushes without \
         credentials";
    SsfRcvIgnoreState: Rule "ssf-rcv-ignore-state" breaks ["SSF-VER-006"] profile Ssf
        "as SSF receiver, accepts a verification SET whatever its `state`";
    SsfRcvVerificationFirst: Rule "ssf-rcv-verification-first" breaks ["SSF-VER-007"]
        also ["PUSH-005", "PUSH-020", "PUSH-021", "SSF-DLV-008", "SSF-SET-009", "SSF-SET-012"] profile Ssf
        "as SSF receiver, refuses every other SET of a stream until the verification SET it asked for arrived";
    SsfRcvRefuseUnsolicitedVerification: Rule "ssf-rcv-refuse-unsolicited-verification" breaks ["SSF-VER-008"]
        profile Ssf
        "as SSF receiver, refuses a verification SET without `state`";
    SsfRcvRefuseUnknownEvent: Rule "ssf-rcv-refuse-unknown-event" breaks ["SSF-SET-009"] profile Ssf
        "as SSF receiver, refuses SETs whose event type it does not know";
    HostileSilent: Hostile "hostile-silent" breaks []
        "as pushpull responder, accepts each request and never answers";
    HostileDrip: Hostile "hostile-drip" breaks []
        "as pushpull responder, answers one byte a second";
    HostileHugeBody: Hostile "hostile-huge-body" breaks ["PP-HTTP-011"]
        also ["PP-AUTH-002", "PP-CO-001", "PP-CO-003", "PP-CO-006", "PP-CO-007", "PP-CO-008",
            "PP-CO-011", "PP-CONF-002", "PP-CONF-004", "PP-EP-006", "PP-HTTP-005", "PP-HTTP-006",
            "PP-HTTP-009", "PP-HTTP-012", "PP-HTTP-013", "PP-HTTP-015", "PP-REL-001", "PP-REL-002",
            "PP-REL-003", "PP-REL-005", "PP-REL-007", "PP-REL-010", "PP-REL-012", "SET-020",
            "SET-021", "SET-022", "SET-024"]
        "as pushpull responder, answers with a 1 GiB body";
    HostileNotUtf8: Hostile "hostile-not-utf8" breaks ["PP-HTTP-011"]
        also ["PP-AUTH-002", "PP-CO-001", "PP-CO-003", "PP-CO-006", "PP-CO-007", "PP-CO-008",
            "PP-CO-011", "PP-CONF-002", "PP-CONF-004", "PP-EP-006", "PP-HTTP-005", "PP-HTTP-006",
            "PP-HTTP-009", "PP-HTTP-012", "PP-HTTP-013", "PP-HTTP-015", "PP-REL-001", "PP-REL-002",
            "PP-REL-003", "PP-REL-005", "PP-REL-007", "PP-REL-010", "PP-REL-012", "SET-020",
            "SET-021", "SET-022", "SET-024"]
        "as pushpull responder, answers 200 with bytes that are not UTF-8";
    HostileDeepJson: Hostile "hostile-deep-json" breaks ["PP-HTTP-011"]
        also ["PP-AUTH-002", "PP-CO-001", "PP-CO-003", "PP-CO-006", "PP-CO-007", "PP-CO-008",
            "PP-CO-011", "PP-CONF-002", "PP-CONF-004", "PP-EP-006", "PP-HTTP-005", "PP-HTTP-006",
            "PP-HTTP-009", "PP-HTTP-012", "PP-HTTP-013", "PP-HTTP-015", "PP-REL-001", "PP-REL-002",
            "PP-REL-003", "PP-REL-005", "PP-REL-007", "PP-REL-010", "PP-REL-012", "SET-020",
            "SET-021", "SET-022", "SET-024"]
        "as pushpull responder, answers with JSON nested 100,000 levels deep";
    HostileWideJson: Hostile "hostile-wide-json" breaks ["PP-HTTP-011"]
        also ["PP-AUTH-002", "PP-CO-001", "PP-CO-003", "PP-CO-006", "PP-CO-007", "PP-CO-008",
            "PP-CO-011", "PP-CONF-002", "PP-CONF-004", "PP-EP-006", "PP-HTTP-005", "PP-HTTP-006",
            "PP-HTTP-009", "PP-HTTP-012", "PP-HTTP-013", "PP-HTTP-015", "PP-REL-001", "PP-REL-002",
            "PP-REL-003", "PP-REL-005", "PP-REL-007", "PP-REL-010", "PP-REL-012", "SET-020",
            "SET-021", "SET-022", "SET-024"]
        "as pushpull responder, answers with a `sets` object of a million members";
    HostileCutBody: Hostile "hostile-cut-body" breaks []
        "as pushpull responder, closes the connection in the middle of its answer";
    HostileRedirectLoop: Hostile "hostile-redirect-loop" breaks ["PP-HTTP-008"]
        also ["PP-AUTH-002", "PP-CO-001", "PP-CO-002", "PP-CO-003", "PP-CO-004", "PP-CO-006",
            "PP-CO-007", "PP-CO-008", "PP-CO-009", "PP-CO-011", "PP-CONF-002", "PP-CONF-004",
            "PP-EP-001", "PP-EP-005", "PP-HTTP-005", "PP-HTTP-006", "PP-HTTP-009", "PP-HTTP-010",
            "PP-HTTP-011", "PP-HTTP-013", "PP-HTTP-015", "PP-HTTP-016", "PP-REL-001", "PP-REL-002",
            "PP-REL-003", "PP-REL-005", "PP-REL-007", "PP-REL-010", "PP-REL-012", "SET-020",
            "SET-021", "SET-022", "SET-024"]
        "as pushpull responder, redirects every request to itself";
    HostileManyHeaders: Hostile "hostile-many-headers" breaks []
        "as pushpull responder, answers with 10,000 header fields";
    HostilePingFlood: Hostile "hostile-ping-flood" breaks []
        also ["PP-CO-001", "PP-CO-011", "PP-CONF-004", "PP-REL-001", "PP-REL-002", "PP-REL-003", "PP-REL-007",
            "PP-REL-010", "PP-WS-009", "PP-WS-010", "PP-WS-012"]
        "over a pushpull WebSocket, floods pings and never answers";
    HostileHugeWsMessage: Hostile "hostile-huge-ws-message" breaks []
        "over a pushpull WebSocket, answers with a 16 MiB message";
}
