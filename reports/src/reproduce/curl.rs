//! A request the harness sent to the SUT, as the curl command that sends it again.

use super::shell::{Line, Unquotable};
use crate::Exchange;

/// Headers curl sets itself from what it sends; the recorded ones could contradict it.
const CURL_SETS: [&str; 4] = ["content-length", "host", "transfer-encoding", "connection"];

/// A request as a curl command, and whether it sends the request as it went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Curl {
    pub command: String,
    /// The recorded body is not the whole body the harness sent: cut at the
    /// capture limit, bytes that are not UTF-8 text, or a credential blanked.
    pub body_differs: bool,
}

/// `x` as a curl command, when it is an HTTP request the harness sent to the
/// SUT (channel `sut`, an `http(s)` URL, no WebSocket frame or upgrade); `None`
/// otherwise. Headers are as recorded: a credential shows as the record blanked it.
pub fn curl(x: &Exchange) -> Option<Result<Curl, Unquotable>> {
    let req = &x.request;
    let header = |name: &str| req.headers.iter().any(|h| h.name.eq_ignore_ascii_case(name));
    let web = ["http://", "https://"].iter().any(|s| req.url.get(..s.len()).is_some_and(|p| p.eq_ignore_ascii_case(s)));
    if x.channel != "sut" || x.frame.is_some() || x.process.is_some() || !web || header("upgrade") {
        return None;
    }
    Some(
        command(x)
            .map(|command| Curl { command, body_differs: req.body.truncated || req.body.text.len() != req.body.size }),
    )
}

fn command(x: &Exchange) -> Result<String, Unquotable> {
    let req = &x.request;
    let body = &req.body.text;
    let mut line = Line::default();
    let mut breaks = Vec::new();
    line.fixed("curl");
    match (req.method.as_str(), body.is_empty()) {
        ("GET", true) | ("POST", false) => {}
        ("HEAD", true) => {
            line.fixed("--head");
        }
        (method, _) => {
            line.fixed("-X").given("the method", method)?;
        }
    }
    // curl reads `[]` and `{}` in a URL as a pattern of several URLs unless told not to.
    if req.url.contains(['[', ']', '{', '}']) {
        line.fixed("--globoff");
    }
    line.given("the URL", &req.url)?;
    for h in req.headers.iter().filter(|h| !CURL_SETS.iter().any(|n| h.name.eq_ignore_ascii_case(n))) {
        breaks.push(line.len());
        // `Name:` with nothing after it tells curl to leave the header out; `Name;` sends it empty.
        let header = match h.value.is_empty() {
            true => format!("{};", h.name),
            false => format!("{}: {}", h.name, h.value),
        };
        line.fixed("-H").given("a header", &header)?;
    }
    if !body.is_empty() {
        breaks.push(line.len());
        // `--data-binary @name` would send a file's content: a body that starts with `@` goes raw.
        line.fixed(if body.starts_with('@') { "--data-raw" } else { "--data-binary" });
        line.given("the body", body)?;
    }
    Ok(line.into_lines(&breaks))
}
