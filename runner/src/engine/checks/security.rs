//! Checks of transport security and credentials: TLS, refused credentials,
//! bearer challenges, OAuth metadata and tokens (pushpull §8.2), mutual TLS,
//! and the harness's key rotation (SSF §7.1).

use super::{Outcome, no_response};
use crate::catalogue::MetadataLookup;
use crate::engine::state::{Link, Seen, Session};
use serde_json::Value;
use std::time::Instant;

/// The last exchange with the SUT's endpoint went over TLS and was answered.
pub fn over_tls(seen: &Seen) -> (String, Outcome) {
    let exp = "an answer over TLS (https) from the SUT's endpoint".to_owned();
    match (&seen.last_url, seen.last.as_ref().and_then(|l| l.status)) {
        (Some(url), Some(status)) if url.starts_with("https://") => (exp, Ok(format!("HTTP {status} from {url}"))),
        (Some(url), _) => (exp, Err(format!("{url} is not served over TLS, or did not answer"))),
        (None, _) => (exp, no_response()),
    }
}

/// The last (deliberately cleartext) request was refused: no connection, or no 2xx answer.
pub fn no_success(seen: &Seen) -> (String, Outcome) {
    let exp = "the request refused: no HTTP answer, or a status that is not a success (2xx, or 101 for an upgrade)"
        .to_owned();
    if let Some(why) = &seen.refused {
        return (exp, Ok(format!("no HTTP answer ({why})")));
    }
    match seen.last.as_ref().and_then(|l| l.status) {
        // 101 is a WebSocket handshake's success.
        Some(s) if (200..300).contains(&s) || s == 101 => (exp, Err(format!("HTTP status {s}"))),
        Some(s) => (exp, Ok(format!("HTTP status {s}"))),
        None => (exp, no_response()),
    }
}

/// Credentials refused the RFC 8935 way or the RFC 7235 way (AMB-19: both pass).
pub fn auth_rejected(seen: &Seen) -> (String, Outcome) {
    let exp = "400 with err authentication_failed, or 401 with WWW-Authenticate".to_owned();
    let Some(last) = &seen.last else { return (exp, no_response()) };
    let status = last.status.unwrap_or(0);
    let err = last.json.as_ref().and_then(|j| j.get("err")).and_then(Value::as_str);
    let challenge = last.header("www-authenticate");
    let actual = format!(
        "HTTP {status}, err {}, WWW-Authenticate {}",
        err.map_or("absent".to_owned(), |e| format!("{e:?}")),
        challenge.map_or("absent".to_owned(), |c| format!("{c:?}"))
    );
    let kept = (status == 400 && err == Some("authentication_failed")) || (status == 401 && challenge.is_some());
    (exp, if kept { Ok(actual) } else { Err(actual) })
}

/// The last legacy TLS probe got no ServerHello (RFC 7525).
pub fn tls_refused(seen: &Seen) -> (String, Outcome) {
    use crate::wire::tls_probe::Answer;
    let exp = "no ServerHello: the offered version or cipher suites refused".to_owned();
    match &seen.tls_answer {
        None => (exp, Err("no tls_probe step ran".into())),
        Some(Answer::Refused(why)) => (exp, Ok(format!("refused: {why}"))),
        // The probe step stops the scenario on such an answer; never a PASS.
        Some(Answer::NotTls(start)) => (exp, Err(format!("not TLS: the answer began {start}"))),
        Some(Answer::Agreed { version, suite }) => {
            (exp, Err(format!("ServerHello: version {}.{}, cipher suite 0x{suite:04X}", version[0], version[1])))
        }
    }
}

/// RFC 6750 §3, §3.1: 401 with a Bearer challenge that names the error.
pub fn bearer_error(seen: &Seen, code: &str) -> (String, Outcome) {
    let exp = format!("401 with WWW-Authenticate: Bearer error=\"{code}\"");
    let Some(last) = &seen.last else { return (exp, no_response()) };
    let status = last.status.unwrap_or(0);
    let challenge = last.header("www-authenticate");
    let actual =
        format!("HTTP {status}, WWW-Authenticate {}", challenge.map_or("absent".to_owned(), |c| format!("{c:?}")));
    let names_it = challenge.is_some_and(|c| {
        let bearer = c.trim_start().get(..6).is_some_and(|s| s.eq_ignore_ascii_case("bearer"));
        bearer && c.replace(' ', "").contains(&format!("error=\"{code}\""))
    });
    (exp, if status == 401 && names_it { Ok(actual) } else { Err(actual) })
}

/// The SUT went back to the harness's `jwks_uri` after the harness rotated its key (SSF §7.1).
pub fn jwks_refetched(session: &Session) -> (String, Outcome) {
    let exp = "the SUT fetched the harness's jwks_uri after a SET named a new key".to_owned();
    let Some(server) = &session.key_server else {
        return (exp, Err("the harness served no jwks_uri: there was no registration".into()));
    };
    let Some(before) = session.fetches_at_rotation else {
        return (exp, Err("the harness did not rotate its key (nothing to judge)".into()));
    };
    match server.fetches().saturating_sub(before) {
        0 => (exp, Err(format!("no fetch after the rotation ({before} before it)"))),
        n => (exp, Ok(format!("{n} fetch(es) after the rotation, {before} before it"))),
    }
}

/// The SUT asked for the harness endpoint's protected-resource metadata before
/// its first request to the endpoint (pushpull §8.2; which URL: AMB-10).
pub fn resource_metadata(link: &Link, lookup: MetadataLookup) -> (String, Outcome) {
    let exp = match lookup {
        MetadataLookup::Attempted => "a GET of the endpoint's protected-resource metadata (RFC 9728) before the first request",
        MetadataLookup::AtEndpointPath => {
            "the metadata asked at /.well-known/oauth-protected-resource followed by the endpoint URL's path (RFC 9728 §3.1)"
        }
    }
    .to_owned();
    let Some(endpoint) = &link.endpoint else {
        return (exp, Err("the harness opened no endpoint".into()));
    };
    let (log, first) = (endpoint.auth_log(), endpoint.first_request());
    let before_first = |at: Option<Instant>| at.filter(|t| first.is_none_or(|f| *t <= f));
    let (at_path, at_origin) = (before_first(log.metadata_at_path), before_first(log.metadata_at_origin));
    let first_request = if first.is_some() { "the first request" } else { "the end of the step (no request came)" };
    let outcome = match (lookup, at_path, at_origin) {
        (_, Some(_), _) => Ok(format!("asked at the endpoint's path before {first_request}")),
        (MetadataLookup::Attempted, None, Some(_)) => Ok(format!("asked at the origin before {first_request}")),
        (MetadataLookup::AtEndpointPath, None, Some(_)) => {
            Err(format!("asked only at the origin's /.well-known/oauth-protected-resource before {first_request}"))
        }
        (_, None, None) => match (log.metadata_at_path.or(log.metadata_at_origin), first) {
            (Some(_), Some(_)) => Err("asked only after the first request to the endpoint".into()),
            _ => Err(format!("no request for the metadata before {first_request}")),
        },
    };
    (exp, outcome)
}

/// The SUT's last request to the endpoint carried an access token that the
/// authorization server named in the metadata issued to it (pushpull §8.2).
pub fn token_from_authorization_server(seen: &Seen, link: &Link, session: &Session) -> (String, Outcome) {
    let exp = "Authorization: Bearer with a token the harness's authorization server issued to the SUT".to_owned();
    let Some(endpoint) = &link.endpoint else {
        return (exp, Err("the harness opened no endpoint".into()));
    };
    let Some(last) = seen.last.as_ref().filter(|l| l.method.is_some()) else {
        return (exp, no_response());
    };
    let log = endpoint.auth_log();
    let requests = match (log.token_requests, log.token_refusals) {
        (0, _) => "no token request".to_owned(),
        (n, 0) => format!("{n} token request(s), all granted"),
        (n, r) => format!("{n} token request(s), {r} refused"),
    };
    let bearer = last
        .headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("authorization"))
        .map(|(_, v)| v.trim())
        .and_then(|v| v.split_once(' ').filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer")))
        .map(|(_, token)| token.trim());
    let outcome = match bearer {
        None => Err(format!("no bearer token in the request; {requests}")),
        Some(token) if log.issued.iter().any(|t| t == token) => Ok(format!("an issued token; {requests}")),
        Some(token) if token == session.endpoint_token => {
            Err(format!("the bearer token given at registration, not one from the authorization server; {requests}"))
        }
        Some(_) => Err(format!("a token the authorization server did not issue; {requests}")),
    };
    (exp, outcome)
}

/// The SUT's last request came over a connection on which it presented the
/// client certificate it named at registration (pushpull §8.2: mutual TLS).
pub fn client_certificate_registered(seen: &Seen, session: &Session) -> (String, Outcome) {
    let exp = "the client certificate the SUT named at registration, presented in the TLS handshake".to_owned();
    let Some(registered) = &session.sut_client_certificate else {
        return (exp, Err("the SUT named no client_certificate at registration".into()));
    };
    let outcome = match &seen.last_client_certificate {
        None => no_response(),
        Some(None) => Err("no client certificate".into()),
        Some(Some(presented)) if presented == registered => Ok("the registered certificate".into()),
        Some(Some(_)) => Err("a certificate other than the registered one".into()),
    };
    (exp, outcome)
}
