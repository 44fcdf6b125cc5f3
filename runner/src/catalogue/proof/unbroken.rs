//! The expectations no fault of the embedded reference makes fail, and for
//! each, how it is proven instead or why it cannot fail alone.

/// How an expectation no fault makes fail is proven instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Otherwise {
    /// A fake SUT in this test file makes it fail.
    FakeSut { test: &'static str },
    /// Nothing can break it without breaking other rules with it, or its
    /// breach shows only as a scenario that cannot finish.
    NotAlone,
}

/// One expectation (per requirement it names) that no fault makes fail.
#[derive(Debug, Clone, Copy)]
pub struct Unbroken {
    pub scenario: &'static str,
    /// 1 = first.
    pub step: usize,
    /// Its position in the step's `expect` list, 1 = first.
    pub expectation: usize,
    pub requirement: &'static str,
    pub otherwise: Otherwise,
    pub why: &'static str,
}

const HOSTILE_SUT: Otherwise = Otherwise::FakeSut { test: "tests/hostile_sut.rs" };

const LEGACY_TLS: &str = "a server agreeing to TLS 1.1 fails it (a_server_agreeing_to_legacy_tls_fails_the_rule); \
     the reference's TLS stack speaks nothing below TLS 1.2, so no fault of it can agree to such an offer";

const FINAL_ANSWER: &str = "kept by any final answer: the HTTP client hands over no 1xx as an answer, and a SUT \
     that gives none ends the scenario in TIMEOUT, which is its verdict";

const QUEUED_COMES_BACK: &str = "a precondition of the steps after it: the SET queued in step 1 comes back at \
     all. A transmitter that withholds queued SETs breaks every poll scenario at once, not one rule";

const BATCH_ON_SOCKET: &str = "one-set-per-request proves it on the HTTP twin; the reference's socket keeps whole \
     batches, since one SET per message also changes what the redelivery and socket-only scenarios see";

const NOT_ONE_OBJECT_ON_SOCKET: &str = "a message that is not one JSON object hides every rule on its members with \
     it; ws-several-objects proves PP-WS-010 on the responder's side, and the HTTP twin is listed for the same reason";

const NULL_SETS_ON_SOCKET: &str = "request-null-sets proves it on the HTTP twin; the reference's socket leaves `sets` \
     out of an empty message under every fault, as a `null` there would also fail the handshake scenario's \
     PP-WS-010 check";

const fn entry(
    scenario: &'static str,
    step: usize,
    expectation: usize,
    requirement: &'static str,
    otherwise: Otherwise,
    why: &'static str,
) -> Unbroken {
    Unbroken { scenario, step, expectation, requirement, otherwise, why }
}

/// Every expectation no fault of the reference makes fail.
pub const NOT_BY_A_FAULT: &[Unbroken] = &[
    entry("push.receiver.tls.legacy-refused", 1, 1, "PUSH-052", HOSTILE_SUT, LEGACY_TLS),
    entry("push.receiver.tls.legacy-refused", 2, 1, "PUSH-052", HOSTILE_SUT, LEGACY_TLS),
    entry("push.receiver.tls.legacy-refused", 3, 1, "PUSH-052", HOSTILE_SUT, LEGACY_TLS),
    entry("push.receiver.tls.legacy-refused", 4, 1, "PUSH-052", HOSTILE_SUT, LEGACY_TLS),
    entry("poll.transmitter.tls.legacy-refused", 1, 1, "POLL-090", HOSTILE_SUT, LEGACY_TLS),
    entry("poll.transmitter.tls.legacy-refused", 2, 1, "POLL-090", HOSTILE_SUT, LEGACY_TLS),
    entry("poll.transmitter.tls.legacy-refused", 3, 1, "POLL-090", HOSTILE_SUT, LEGACY_TLS),
    entry("poll.transmitter.tls.legacy-refused", 4, 1, "POLL-090", HOSTILE_SUT, LEGACY_TLS),
    entry(
        "pushpull.http.responder.post.empty-object",
        1,
        2,
        "PP-EP-003",
        HOSTILE_SUT,
        "a responder in the clear fails it (a_responder_in_the_clear_fails_the_tls_rule); the reference always \
         serves TLS",
    ),
    entry("pushpull.http.responder.post.empty-object", 1, 1, "PP-EP-002", Otherwise::NotAlone, FINAL_ANSWER),
    entry("pushpull.http.responder.post.empty-object", 1, 1, "PP-HTTP-007", Otherwise::NotAlone, FINAL_ANSWER),
    entry("poll.transmitter.ack-only", 2, 1, "POLL-022", Otherwise::NotAlone, QUEUED_COMES_BACK),
    entry("poll.transmitter.ack-only.held", 2, 1, "POLL-022", Otherwise::NotAlone, QUEUED_COMES_BACK),
    entry("poll.transmitter.redelivery.unacknowledged", 2, 1, "POLL-032", Otherwise::NotAlone, QUEUED_COMES_BACK),
    entry("poll.transmitter.set-errs.accepted", 2, 1, "POLL-028", Otherwise::NotAlone, QUEUED_COMES_BACK),
    entry(
        "pushpull.http.initiator.request.shape",
        2,
        8,
        "PP-CO-001",
        Otherwise::NotAlone,
        "a request that is not one JSON object hides every rule on its members with it; the responder's side \
         is proven (post.empty-object)",
    ),
    entry(
        "pushpull.ws.initiator.handshake.offers-pushpull",
        3,
        1,
        "PP-WS-010",
        Otherwise::NotAlone,
        "a message that is not one Communication Object hides every rule on its members with it; \
         ws-several-objects and ws-binary-frames prove PP-WS-010 elsewhere",
    ),
    entry(
        "pushpull.ws.initiator.handshake.offers-pushpull",
        3,
        3,
        "PP-WS-012",
        Otherwise::NotAlone,
        "sending SETs one message at a time also changes what the redelivery and socket-only scenarios see; \
         never-ack and forget-acks prove PP-WS-012 elsewhere",
    ),
    entry(
        "pushpull.ws.initiator.reliability.retire-after-ack",
        2,
        1,
        "PP-CONF-001",
        Otherwise::NotAlone,
        BATCH_ON_SOCKET,
    ),
    entry("pushpull.ws.initiator.request.shape", 2, 1, "PP-CONF-001", Otherwise::NotAlone, BATCH_ON_SOCKET),
    entry(
        "pushpull.ws.initiator.request.shape",
        2,
        2,
        "PP-CO-011",
        Otherwise::NotAlone,
        "the one member the reference's requests could misspell is maxResponseEvents, which a socket message \
         does not carry (AMB-03); request-snake-case-member proves the rule on the HTTP twin",
    ),
    entry("pushpull.ws.initiator.request.shape", 2, 4, "PP-CO-001", Otherwise::NotAlone, NOT_ONE_OBJECT_ON_SOCKET),
    entry("pushpull.ws.initiator.request.empty-exchange", 2, 1, "PP-CO-002", Otherwise::NotAlone, NULL_SETS_ON_SOCKET),
    entry("pushpull.ws.initiator.request.empty-exchange", 2, 1, "PP-WS-010", Otherwise::NotAlone, NULL_SETS_ON_SOCKET),
    entry(
        "pushpull.ws.responder.handshake.pushpull",
        1,
        2,
        "PP-WS-001",
        Otherwise::NotAlone,
        "the embedded reference has no WebSocket URL apart from its pushpull endpoint (AMB-01), so it cannot \
         upgrade elsewhere",
    ),
];
