//! The `ssf` member of a registration: where the harness's SSF transmitter is
//! and how the reference, as its receiver, authenticates to it. Read field by
//! field so that a malformed one is refused with its name.

use serde_json::Value;

/// How the SETs of the stream are to reach the reference (SSF §6.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryChoice {
    /// The transmitter pushes to the reference's push endpoint (RFC 8935).
    Push,
    /// The reference polls the transmitter's endpoint (RFC 8936).
    Poll,
}

/// The transmitter the reference is to configure a stream at.
#[derive(Debug, Clone)]
pub struct Registration {
    /// Where its metadata is (SSF §7.2).
    pub configuration_url: String,
    /// The issuer its metadata must name (SSF §7.2.1).
    pub issuer: String,
    /// Its OAuth 2.0 token endpoint (client credentials, RFC 6749 §4.4).
    pub token_endpoint: String,
    pub client_id: String,
    pub client_secret: String,
    pub delivery: DeliveryChoice,
}

/// Why an `ssf` member is refused: the field, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed {
    pub field: &'static str,
    pub problem: &'static str,
}

impl std::fmt::Display for Malformed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ssf.{}: {}", self.field, self.problem)
    }
}

impl Registration {
    /// Reads the `ssf` member of a registration.
    pub fn parse(value: &Value) -> Result<Registration, Malformed> {
        let object = value.as_object().ok_or(Malformed { field: "", problem: "is not an object" })?;
        let text = |field: &'static str| -> Result<String, Malformed> {
            match object.get(field) {
                Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
                Some(_) => Err(Malformed { field, problem: "is not a non-empty string" }),
                None => Err(Malformed { field, problem: "is missing" }),
            }
        };
        // The metadata and the credentials travel over TLS only (SSF §7.2, RFC 6749 §2.3.1).
        let https = |field: &'static str| -> Result<String, Malformed> {
            let url = text(field)?;
            match url.get(..8).is_some_and(|s| s.eq_ignore_ascii_case("https://")) {
                true => Ok(url),
                false => Err(Malformed { field, problem: "is not an https URL" }),
            }
        };
        let delivery = match object.get("delivery").and_then(Value::as_str) {
            Some("push") => DeliveryChoice::Push,
            Some("poll") => DeliveryChoice::Poll,
            _ => return Err(Malformed { field: "delivery", problem: "is neither \"push\" nor \"poll\"" }),
        };
        // The subjects are checked but not added: the stream is created without them.
        match object.get("subjects") {
            None => {}
            Some(Value::Array(list)) if list.iter().all(Value::is_object) => {}
            Some(_) => return Err(Malformed { field: "subjects", problem: "is not an array of objects" }),
        }
        Ok(Registration {
            configuration_url: https("configuration_url")?,
            issuer: text("issuer")?,
            token_endpoint: https("token_endpoint")?,
            client_id: text("client_id")?,
            client_secret: text("client_secret")?,
            delivery,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn good() -> Value {
        json!({
            "configuration_url": "https://127.0.0.1:1/.well-known/ssf-configuration/ssf/a",
            "issuer": "https://127.0.0.1:1/ssf/a",
            "token_endpoint": "https://127.0.0.1:1/ssf/a/token",
            "client_id": "c",
            "client_secret": "s",
            "delivery": "poll",
        })
    }

    #[test]
    fn a_malformed_member_is_refused_by_its_name() {
        assert_eq!(Registration::parse(&good()).map(|r| r.delivery), Ok(DeliveryChoice::Poll));
        let mut bad = good();
        bad["delivery"] = json!("carrier-pigeon");
        assert_eq!(Registration::parse(&bad).err().map(|m| m.field), Some("delivery"));
        let mut bad = good();
        bad["configuration_url"] = json!("http://127.0.0.1:1/x");
        assert_eq!(Registration::parse(&bad).err().map(|m| m.field), Some("configuration_url"));
        let mut bad = good();
        bad.as_object_mut().unwrap().remove("client_secret");
        assert_eq!(Registration::parse(&bad).err().map(|m| m.field), Some("client_secret"));
    }
}
