//! Turning an exchange into a transcript record: secrets redacted at capture,
//! bodies capped, SETs decoded for the reader.

use super::client::{Observed, Outgoing, WireError};
use crate::set::decode_for_transcript;
use crate::trigger::ExecOutcome;
use serde_json::Value;
use setconform_reports::{Body, Exchange, FrameRecord, Header, HttpRequest, HttpResponse, ProcessRecord};

/// Replaces secret header values in transcripts.
pub const REDACTED: &str = "[redacted]";
/// Most characters of a body kept in a transcript.
const TRANSCRIPT_BODY_CAP: usize = 64 * 1024;
/// Most SETs decoded per body.
const MAX_DECODED_SETS: usize = 200;
const SECRET_HEADERS: [&str; 4] = ["authorization", "proxy-authorization", "cookie", "set-cookie"];
/// JSON members of control-API bodies that carry credentials.
const SECRET_MEMBERS: [&str; 7] = [
    "token",
    "endpoint_token",
    "access_token",
    "refresh_token",
    "client_secret",
    "password",
    // An SSF push stream's delivery (SSF §6.1.1): the credential the transmitter presents.
    "authorization_header",
];
/// The member of an SSF stream's delivery that holds the push credential (SSF §6.1.1).
const SSF_CREDENTIAL: &[u8] = b"\"authorization_header\"";
/// The transcript channel of the SUT's calls to the harness's SSF transmitter.
pub const TRANSMITTER_CHANNEL: &str = "transmitter";
/// Environment variables of a trigger command that carry a control-API body.
const BODY_VARIABLES: [&str; 1] = ["SETCONFORM_REQUEST"];

/// Builds the transcript entry for one exchange.
pub fn record(
    seq: usize,
    channel: &str,
    step: usize,
    at_ms: u64,
    duration_ms: u64,
    req: &Outgoing,
    result: &Result<Observed, WireError>,
) -> Exchange {
    // Bodies to the SUT carry a credential member only in SSF stream management
    // (`authorization_header`); a protocol body is not parsed again for nothing.
    let scrub = |bytes: &[u8]| -> Vec<u8> {
        let ssf_credential = || bytes.windows(SSF_CREDENTIAL.len()).any(|w| w == SSF_CREDENTIAL);
        match channel {
            // The SUT's calls to the harness's SSF transmitter: token requests
            // (forms), stream configurations and token answers (JSON).
            TRANSMITTER_CHANNEL => redact_form(&redact_members(bytes)),
            "trigger" => redact_members(bytes),
            "sut" if ssf_credential() => redact_members(bytes),
            _ => bytes.to_vec(),
        }
    };
    let (response, error) = match result {
        Ok(obs) => (
            Some(HttpResponse {
                status: obs.status,
                headers: headers(&obs.headers),
                body: body(&scrub(&obs.body), obs.truncated),
            }),
            None,
        ),
        Err(e) => (None, Some(e.to_string())),
    };
    Exchange {
        seq,
        channel: channel.to_owned(),
        step,
        at_ms,
        duration_ms,
        request: HttpRequest {
            method: req.method.clone(),
            url: redact_url(&req.url),
            headers: headers(&req.headers),
            body: body(&scrub(&req.body), false),
        },
        response,
        process: None,
        frame: None,
        error,
    }
}

/// The transcript entry for one WebSocket frame on the socket at `url`.
pub fn record_frame(seq: usize, step: usize, at_ms: u64, url: &str, frame: FrameRecord, payload: &[u8]) -> Exchange {
    Exchange {
        seq,
        channel: "sut".to_owned(),
        step,
        at_ms,
        duration_ms: 0,
        request: HttpRequest {
            method: "WS".to_owned(),
            url: url.to_owned(),
            headers: Vec::new(),
            body: body(payload, false),
        },
        response: None,
        process: None,
        frame: Some(frame),
        error: None,
    }
}

/// The transcript entry for a trigger that is not HTTP: a command the harness
/// ran (`outcome`), or instructions it printed for a person (`outcome` none).
pub struct NonHttpTrigger<'a> {
    pub seq: usize,
    pub step: usize,
    pub at_ms: u64,
    pub duration_ms: u64,
    /// `EXEC` or `MANUAL`.
    pub kind: &'a str,
    pub target: String,
    pub env: &'a [(String, String)],
    pub body: &'a [u8],
    pub outcome: Option<&'a Result<ExecOutcome, String>>,
}

pub fn record_non_http(t: NonHttpTrigger<'_>) -> Exchange {
    let (process, error) = match t.outcome {
        None => (None, None),
        Some(Err(e)) => (None, Some(e.clone())),
        Some(Ok(o)) => (
            Some(ProcessRecord {
                exit_code: o.exit_code,
                timed_out: o.timed_out,
                stdout: body(&redact_members(&o.stdout), false),
                stderr: body(&o.stderr, false),
            }),
            None,
        ),
    };
    Exchange {
        seq: t.seq,
        channel: "trigger".to_owned(),
        step: t.step,
        at_ms: t.at_ms,
        duration_ms: t.duration_ms,
        request: HttpRequest {
            method: t.kind.to_owned(),
            url: t.target,
            headers: environment(t.env),
            body: body(&redact_members(t.body), false),
        },
        response: None,
        process,
        frame: None,
        error,
    }
}

fn headers(list: &[(String, String)]) -> Vec<Header> {
    list.iter().map(|(name, value)| Header { name: name.clone(), value: redact(name, value) }).collect()
}

/// A trigger command's environment, with the credentials in its request body blanked.
fn environment(env: &[(String, String)]) -> Vec<Header> {
    env.iter()
        .map(|(name, value)| {
            let value = match BODY_VARIABLES.contains(&name.as_str()) {
                true => String::from_utf8_lossy(&redact_members(value.as_bytes())).into_owned(),
                false => redact(name, value),
            };
            Header { name: name.clone(), value }
        })
        .collect()
}

/// A URL with the value of every credential query parameter (RFC 6750 §2.3
/// `access_token`, and the other secret member names) blanked.
pub fn redact_url(url: &str) -> String {
    let Some((base, query)) = url.split_once('?') else { return url.to_owned() };
    let (query, fragment) = match query.split_once('#') {
        Some((q, f)) => (q, Some(f)),
        None => (query, None),
    };
    let mut out = format!("{base}?{}", redact_params(query));
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    out
}

/// Whether a JSON member or form parameter of this name carries a credential.
pub fn is_secret_member(name: &str) -> bool {
    SECRET_MEMBERS.contains(&name)
}

/// `a=b&c=d` with the value of every credential parameter blanked.
fn redact_params(query: &str) -> String {
    let params: Vec<String> = query
        .split('&')
        .map(|param| match param.split_once('=') {
            Some((name, _)) if SECRET_MEMBERS.contains(&name) => format!("{name}={REDACTED}"),
            _ => param.to_owned(),
        })
        .collect();
    params.join("&")
}

/// A form body (RFC 6749 §2.3.1: `client_secret` may travel in one) with its
/// credential parameters blanked; any other body as it is.
fn redact_form(bytes: &[u8]) -> Vec<u8> {
    match std::str::from_utf8(bytes) {
        Ok(text) if !text.starts_with('{') && text.contains('=') => redact_params(text).into_bytes(),
        _ => bytes.to_vec(),
    }
}

/// Keeps the auth scheme (useful when debugging) and drops the credential.
fn redact(name: &str, value: &str) -> String {
    if !SECRET_HEADERS.contains(&name.to_ascii_lowercase().as_str()) {
        return value.to_owned();
    }
    match value.split_once(' ') {
        Some((scheme, _)) if name.eq_ignore_ascii_case("authorization") => format!("{scheme} {REDACTED}"),
        _ => REDACTED.to_owned(),
    }
}

/// Blanks credential members of a JSON object body; other bodies pass as they are.
fn redact_members(bytes: &[u8]) -> Vec<u8> {
    let Ok(mut doc @ Value::Object(_)) = serde_json::from_slice::<Value>(bytes) else {
        return bytes.to_vec();
    };
    if redact_tree(&mut doc) { doc.to_string().into_bytes() } else { bytes.to_vec() }
}

/// Redacts credential members at any depth (`oauth_client.client_secret` as
/// much as a top-level `token`); whether any was found.
fn redact_tree(value: &mut Value) -> bool {
    match value {
        Value::Object(members) => {
            let mut touched = false;
            for (name, member) in members.iter_mut() {
                if SECRET_MEMBERS.contains(&name.as_str()) {
                    *member = Value::String(REDACTED.to_owned());
                    touched = true;
                } else {
                    touched |= redact_tree(member);
                }
            }
            touched
        }
        Value::Array(items) => items.iter_mut().fold(false, |touched, item| redact_tree(item) | touched),
        _ => false,
    }
}

fn body(bytes: &[u8], truncated_on_wire: bool) -> Body {
    let text = String::from_utf8_lossy(bytes);
    let (text, cut) = if text.len() > TRANSCRIPT_BODY_CAP {
        let mut end = TRANSCRIPT_BODY_CAP;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        (text[..end].to_owned(), true)
    } else {
        (text.into_owned(), false)
    };
    // A body cut on the wire is no JSON document: not parsed (a million members cost hundreds of MiB).
    let parsed = if truncated_on_wire { None } else { serde_json::from_slice::<Value>(bytes).ok() };
    let sets = match parsed {
        Some(Value::Object(obj)) => match obj.get("sets") {
            Some(Value::Object(sets)) => sets
                .iter()
                .take(MAX_DECODED_SETS)
                .filter_map(|(k, v)| v.as_str().map(|t| decode_for_transcript(k, t)))
                .collect(),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    };
    Body { size: bytes.len(), text, truncated: truncated_on_wire || cut, sets }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_never_reach_the_transcript() {
        let req = Outgoing {
            method: "POST".into(),
            url: "http://127.0.0.1:1/pushpull".into(),
            headers: vec![
                ("Authorization".into(), "Bearer s3cr3t-token".into()),
                ("Cookie".into(), "session=s3cr3t".into()),
                ("Content-Type".into(), "application/json".into()),
            ],
            body: b"{}".to_vec(),
        };
        let ex = record(1, "sut", 1, 0, 0, &req, &Err(WireError::Timeout(5)));
        let text = serde_json::to_string(&ex).unwrap();
        assert!(!text.contains("s3cr3t"), "{text}");
        assert!(text.contains("Bearer [redacted]"));
        assert!(text.contains("application/json"));
    }

    #[test]
    fn credential_query_parameters_and_command_bodies_are_blanked() {
        let url = "https://127.0.0.1:1/poll?a=1&access_token=s3cr3t&b=2#f";
        assert_eq!(redact_url(url), "https://127.0.0.1:1/poll?a=1&access_token=[redacted]&b=2#f");
        assert_eq!(redact_url("https://127.0.0.1:1/poll"), "https://127.0.0.1:1/poll");
        let env = [
            ("SETCONFORM_ACTION".to_owned(), "register".to_owned()),
            ("SETCONFORM_REQUEST".to_owned(), r#"{"issuer":"i","endpoint_token":"s3cr3t"}"#.to_owned()),
        ];
        let text = serde_json::to_string(&environment(&env)).unwrap();
        assert!(!text.contains("s3cr3t") && text.contains("register") && text.contains("issuer"), "{text}");
    }

    #[test]
    fn control_api_tokens_are_blanked_in_trigger_bodies() {
        let req = Outgoing {
            method: "POST".into(),
            url: "http://127.0.0.1:1/control/peers".into(),
            headers: vec![],
            body: b"{}".to_vec(),
        };
        let obs = Observed {
            status: 201,
            headers: vec![],
            body: br#"{"peer":"p1","token":"s3cr3t"}"#.to_vec(),
            truncated: false,
        };
        let ex = record(1, "trigger", 0, 0, 0, &req, &Ok(obs));
        let text = serde_json::to_string(&ex).unwrap();
        assert!(!text.contains("s3cr3t") && text.contains("p1"), "{text}");
    }

    #[test]
    fn nested_credentials_are_blanked_too() {
        let body = br#"{"issuer":"i","oauth_client":{"client_id":"c1","client_secret":"s3cr3t"},"list":[{"password":"s3cr3t"}]}"#;
        let form = redact_form(b"grant_type=client_credentials&client_id=rx&client_secret=s3cr3t");
        assert_eq!(form, b"grant_type=client_credentials&client_id=rx&client_secret=[redacted]");
        let text = String::from_utf8(redact_members(body)).unwrap();
        assert!(!text.contains("s3cr3t") && text.contains("c1") && text.contains("issuer"), "{text}");
    }

    #[test]
    fn long_bodies_are_capped_on_a_char_boundary() {
        let long = "é".repeat(TRANSCRIPT_BODY_CAP);
        let b = body(long.as_bytes(), false);
        assert!(b.truncated);
        assert!(b.text.len() <= TRANSCRIPT_BODY_CAP);
        assert_eq!(b.size, long.len());
    }
}
