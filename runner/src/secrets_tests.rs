use super::*;
use serde_json::json;

#[test]
fn a_known_value_is_replaced_wherever_it_appears() {
    let secrets = Secrets::default();
    secrets.add("tok-0123456789");
    assert_eq!(
        secrets.redact("curl -H 'Authorization: Bearer tok-0123456789' failed"),
        "curl -H 'Authorization: Bearer [redacted]' failed"
    );
    assert_eq!(secrets.redact("nothing here"), "nothing here");
}

#[test]
fn values_too_short_to_be_secrets_are_not_taken() {
    let secrets = Secrets::default();
    for short in ["s", "secret", "  token1  ", "1234567"] {
        secrets.add(short);
    }
    secrets.add_client("client", "s3cret");
    let text = "a secret token1 1234567 s3cret";
    assert_eq!(secrets.redact(text), text);
    secrets.add("12345678");
    assert_eq!(secrets.redact("id 12345678"), "id [redacted]", "eight bytes are enough");
}

#[test]
fn overlapping_and_nested_secrets_become_one_replacement() {
    let secrets = Secrets::default();
    secrets.add("abcdefgh12");
    secrets.add("gh12345678");
    secrets.add("cdefgh");
    secrets.add("xyzxyzxyz-long");
    secrets.add("xyzxyzxyz");
    assert_eq!(secrets.redact("<abcdefgh12345678>"), "<[redacted]>");
    assert_eq!(secrets.redact("xyzxyzxyz-long and xyzxyzxyz"), "[redacted] and [redacted]");
}

#[test]
fn encoded_forms_of_a_secret_are_replaced() {
    let secrets = Secrets::default();
    let secret = "p@ss word/+=\"x";
    secrets.add(secret);
    let form: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
    let percent = percent_encoding::utf8_percent_encode(secret, UNRESERVED).to_string();
    let json = serde_json::to_string(secret).unwrap();
    let base64 = STANDARD.encode(secret);
    let json = &json[1..json.len() - 1];
    for (what, encoded) in [("form", form), ("percent", percent), ("json", json.to_owned()), ("base64", base64)] {
        assert_ne!(encoded, secret, "{what} is a form of its own");
        assert_eq!(secrets.redact(&format!("<{encoded}>")), "<[redacted]>", "{what}");
    }
}

#[test]
fn a_client_basic_credential_is_replaced() {
    let secrets = Secrets::default();
    secrets.add_client("setconform rx", "client-secret-42");
    let plain = STANDARD.encode("setconform rx:client-secret-42");
    let encoded = STANDARD.encode("setconform+rx:client-secret-42");
    assert_eq!(secrets.redact(&format!("Basic {plain}")), "Basic [redacted]");
    assert_eq!(secrets.redact(&format!("Basic {encoded}")), "Basic [redacted]");
}

#[test]
fn credential_members_are_learnt_at_any_depth() {
    let secrets = Secrets::default();
    let answer = json!({"peer": "p-123456789", "token": "issued-token-1", "oauth": {"client_secret": "nested-secret"}});
    secrets.add_members(&answer, |name| ["token", "client_secret"].contains(&name));
    assert_eq!(secrets.redact("issued-token-1 nested-secret p-123456789"), "[redacted] [redacted] p-123456789");
}

#[test]
fn every_string_of_a_document_is_redacted_member_names_too() {
    let secrets = Secrets::default();
    secrets.add("tok-0123456789");
    let mut doc = json!({"a": ["x tok-0123456789", {"tok-0123456789": "tok-0123456789"}], "n": 1});
    assert!(secrets.redact_value(&mut doc));
    assert_eq!(doc, json!({"a": ["x [redacted]", {"[redacted]": "[redacted]"}], "n": 1}));
    assert!(!secrets.redact_value(&mut doc), "nothing left");
}
