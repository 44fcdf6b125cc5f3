//! The checks an expectation can name, by family, and the one registry that
//! maps each [`Check`] of the scenario vocabulary to its function.
//!
//! A check reads only the parts of the scenario state it needs
//! ([`super::state`]) and returns what was expected and what was seen, in
//! words, as kept (`Ok`) or broken (`Err`). It knows nothing of requirement
//! levels: [`super::judge`] turns its result into a verdict.
//!
//! | family | judges |
//! |---|---|
//! | [`http`] | one message: status, media type, schema, members, error bodies |
//! | [`ledger`] | SETs across the scenario: acknowledged, reported, redelivered, retired |
//! | [`timing`] | when the SUT came: arrival windows, retry delays, answer times |
//! | [`poll`] | RFC 8936 polls: holding, `moreAvailable`, acknowledge-only polls |
//! | [`websocket`] | the pushpull WebSocket binding: handshake, subprotocol, frames |
//! | [`security`] | TLS, credentials, OAuth metadata and tokens, key rotation |
//! | [`sets`] | the SETs inside the last message, by the RFC 8417 rules |
//! | [`ssf`] | the SSF management API: metadata, stream configurations, verification and stream-updated events |
//!
//! Adding a check: a function in its family, one arm in [`evaluate`], and
//! one in [`evidence`] saying which exchange its judgement points to.

mod evidence;
pub(crate) mod http;
mod ledger;
mod poll;
mod security;
pub(crate) mod sets;
mod ssf;
mod timing;
mod websocket;

use super::context::Context;
use crate::catalogue::{Check, Reqs};
use crate::judge::{Finding, Judgement};
use crate::sut::MspRevision;

/// Error codes registered by RFC 8935 §7.1, plus SSF's `invalid_state` (AMB-24).
const REGISTERED_ERR_CODES: [&str; 7] = [
    "invalid_request",
    "invalid_key",
    "invalid_issuer",
    "invalid_audience",
    "authentication_failed",
    "access_denied",
    "invalid_state",
];
/// Items named in one line of a finding before the rest is counted.
const LIST_LIMIT: usize = 5;

/// What a check saw: `Ok` when the rule was kept, `Err` when broken; either way in words.
type Outcome = Result<String, String>;

/// What a check that may find nothing to look for saw, in words.
pub(crate) enum Look {
    Kept(String),
    Broken(String),
    /// Nothing to look for: never a failure (INFO "not judged").
    NotJudged(String),
}

/// Evaluates `check` for every requirement in `reqs`, in the current step;
/// what it found kept or broken points to the exchange it judged.
pub fn evaluate(ctx: &Context<'_>, check: &Check, reqs: &Reqs) -> Vec<Judgement> {
    let seen_in = evidence::exchange(check, &ctx.seen);
    let judged = evaluate_asked(ctx, check, reqs).into_iter().map(|j| match j.finding {
        Finding::Kept | Finding::Broken | Finding::Noted => Judgement { exchange: seen_in, ..j },
        _ => j,
    });
    // A SUT that cannot be asked to initiate, silent when the harness waited for
    // its own request: silence it was never asked to break shows neither a rule
    // broken nor one kept (a refusal and a SUT that did not try look the same).
    match &ctx.clock.unasked_silence {
        Some(why) => judged
            .map(|j| match j.finding {
                Finding::Kept | Finding::Broken | Finding::Noted => {
                    Judgement::not_judged(j.req, j.step, j.expected, why)
                }
                _ => j,
            })
            .collect(),
        None => judged.collect(),
    }
}

/// The judgements of one check, as if the SUT had been asked for what it sent.
fn evaluate_asked(ctx: &Context<'_>, check: &Check, reqs: &Reqs) -> Vec<Judgement> {
    let step = ctx.clock.step;
    if let Check::SetsValid(_) = check {
        return sets::sets_valid(&ctx.seen, &ctx.session.sut_trust, reqs, step);
    }
    let look = match check {
        Check::Redelivered(s) => Some(ledger::redelivered(&ctx.seen, &ctx.ledger, *s)),
        Check::Retired(s) => Some(ledger::retired(&ctx.seen, &ctx.ledger, &ctx.clock, *s)),
        Check::Member(spec) => {
            let issuer = ctx.env.sut.ssf.as_ref().map(|s| s.issuer.as_str());
            Some(ssf::member(&ctx.ssf, &ctx.seen, issuer, spec))
        }
        Check::NoEmptyArrays(_) => Some(ssf::no_empty_arrays(&ctx.seen)),
        Check::HttpsEndpoints(_) => Some(ssf::https_endpoints(&ctx.seen)),
        Check::EventsDelivered(c) => Some(ssf::events_delivered(&ctx.ssf, &ctx.seen, *c)),
        Check::ReceiverMembersKept(_) => Some(ssf::receiver_members_kept(&ctx.ssf, &ctx.seen)),
        Check::DistinctPollEndpoints(_) => Some(ssf::distinct_poll_endpoints(&ctx.ssf)),
        Check::Verification(c) => Some(ssf::verification(&ctx.ssf, &ctx.ledger, *c)),
        Check::StreamUpdated(c) => Some(ssf::stream_updated(&ctx.ssf, &ctx.seen, &ctx.ledger, *c)),
        Check::PushAuthorization(_) => Some(ssf::push_authorization(&ctx.ssf)),
        _ => None,
    };
    if let Some((expected, look)) = look {
        return reqs
            .ids()
            .map(|req| match &look {
                Look::Kept(a) => Judgement::of(req.clone(), step, expected.clone(), Ok(a.clone())),
                Look::Broken(a) => Judgement::of(req.clone(), step, expected.clone(), Err(a.clone())),
                Look::NotJudged(why) => Judgement::not_judged(req.clone(), step, expected.clone(), why),
            })
            .collect();
    }
    let (expected, outcome) = evaluate_one(ctx, check);
    if let Some(why) = timing::no_retry(check, &ctx.clock) {
        return reqs.ids().map(|req| Judgement::not_judged(req.clone(), step, expected.clone(), &why)).collect();
    }
    reqs.ids().map(|req| Judgement::of(req.clone(), step, expected.clone(), outcome.clone())).collect()
}

/// The registry: each check with the parts of the state it reads.
fn evaluate_one(ctx: &Context<'_>, check: &Check) -> (String, Outcome) {
    let (seen, ledger, clock, link, session, sut) =
        (&ctx.seen, &ctx.ledger, &ctx.clock, &ctx.link, &ctx.session, &ctx.env.sut);
    match check {
        Check::Status(spec) => http::status(seen, spec),
        Check::ContentType(expected) => http::content_type(seen, expected),
        Check::Schema(name) => http::schema(seen, name),
        Check::Count(spec) => http::count(seen, spec),
        Check::ErrorCode(spec) => http::error_code(seen, *spec),
        Check::Method(m) => http::method(seen, m),
        Check::NonNegativeInteger(pointer) => http::non_negative_integer(seen, pointer),
        Check::MemberNames(_) => http::member_names(seen),
        Check::EmptyBody(_) => http::empty_body(seen),
        Check::Header(spec) => http::header(seen, spec),
        Check::ErrIs(codes) => http::err_is(seen, codes),
        Check::CompactSet(_) => http::compact_set(seen),
        Check::SetErrsExclude(codes) => http::set_errs_exclude(seen, codes),
        Check::RefusedOrSetErr(key) => http::refused_or_set_err(seen, key),
        Check::ContentLanguageIfDescribed(_) => http::content_language_if_described(seen),
        Check::MspMediaType(_) => http::content_type(seen, sut.msp_revision.request_media_type()),
        Check::MspErrorMediaType(_) => {
            let expected = match sut.msp_revision {
                MspRevision::Post03 => "application/problem+json",
                MspRevision::Draft02 => "application/json",
            };
            http::content_type(seen, expected)
        }
        Check::SetsValid(_) => unreachable!("judged per requirement in `evaluate`"),
        Check::Acked(sel) => ledger::answered(ledger, *sel, ledger::Answer::Ack),
        Check::Errored(sel) => ledger::answered(ledger, *sel, ledger::Answer::Err),
        Check::Unanswered(sel) => ledger::answered(ledger, *sel, ledger::Answer::Neither),
        Check::SetErrsHave(member) => ledger::set_errs_have(ledger, member),
        Check::AcksKnown(_) => ledger::acks_known(ledger),
        Check::AckErrDisjoint(_) => ledger::ack_err_disjoint(ledger),
        Check::Redelivered(_) | Check::Retired(_) => unreachable!("judged with `Look` in `evaluate`"),
        Check::PromptAnswers(n) => ledger::prompt_answers(ledger, *n),
        Check::Reacked(_) => ledger::reacked(ledger),
        Check::SetErrsRegistered(_) => ledger::set_errs_registered(ledger),
        Check::Arrived(true) => timing::arrived(clock, link, false),
        Check::Arrived(false) => timing::nothing_arrived(clock),
        Check::ArrivedWithin(_) => timing::arrived(clock, link, true),
        Check::Delay(spec) => timing::delay(clock, spec),
        Check::DelayGrows(_) => timing::delay_grows(clock),
        Check::AnsweredWithinMs(ms) => timing::answered_within(seen, *ms),
        Check::Held(want) => poll::held(seen, clock, *want),
        Check::MoreAvailable(want) => poll::more_available(seen, *want),
        Check::KeysAreJtis(_) => poll::keys_are_jtis(seen),
        Check::AckOnlyImmediate(_) => poll::ack_only_immediate(ledger),
        Check::FirstPollBare(_) => poll::first_poll_bare(ledger),
        Check::Subprotocol(want) => websocket::subprotocol(seen, want),
        Check::FrameType(want) => websocket::frame_type(seen, want),
        Check::NoExtensions(_) => websocket::no_extensions(seen),
        Check::UpgradeRequested(_) => websocket::upgrade_requested(seen),
        Check::OffersSubprotocol(token) => websocket::offers_subprotocol(seen, token),
        Check::OverSocketOnly(_) => websocket::over_socket_only(link),
        Check::UpgradeAtEndpoint(_) => websocket::upgrade_at_endpoint(seen, sut),
        Check::OverTls(_) => security::over_tls(seen),
        Check::NoSuccess(_) => security::no_success(seen),
        Check::AuthRejected(_) => security::auth_rejected(seen),
        Check::TlsRefused(_) => security::tls_refused(seen),
        Check::BearerError(code) => security::bearer_error(seen, code),
        Check::JwksRefetched(_) => security::jwks_refetched(session),
        Check::ResourceMetadata(lookup) => security::resource_metadata(link, *lookup),
        Check::TokenFromAuthorizationServer(_) => security::token_from_authorization_server(seen, link, session),
        Check::ClientCertificateRegistered(_) => security::client_certificate_registered(seen, session),
        Check::Member(_)
        | Check::NoEmptyArrays(_)
        | Check::HttpsEndpoints(_)
        | Check::EventsDelivered(_)
        | Check::ReceiverMembersKept(_)
        | Check::DistinctPollEndpoints(_)
        | Check::Verification(_)
        | Check::StreamUpdated(_)
        | Check::PushAuthorization(_) => unreachable!("judged with `Look` in `evaluate`"),
    }
}

fn no_response() -> Outcome {
    Err("no message from the SUT to look at (no response yet, or no request arrived)".into())
}

/// Joins the first few items and counts the rest.
pub(super) fn list(items: impl Iterator<Item = String>) -> String {
    let items: Vec<String> = items.collect();
    let shown = items.iter().take(LIST_LIMIT).cloned().collect::<Vec<_>>().join("; ");
    match items.len().saturating_sub(LIST_LIMIT) {
        0 => shown,
        more => format!("{shown}; and {more} more"),
    }
}
