//! Legacy TLS probes (RFC 7525 / BCP 195): a hand-written ClientHello that
//! offers only an old protocol version or only weak cipher suites, and a look
//! at the first record the SUT answers with. A ServerHello means the SUT agreed
//! to something it should refuse; an alert, a close or silence means it did not.
//! The TLS library the harness uses cannot offer these on purpose, hence bytes.

use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// What a probe offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Offer {
    Tls10,
    Tls11,
    Rc4,
    NullCipher,
}

impl Offer {
    pub fn parse(name: &str) -> Option<Offer> {
        match name {
            "tls1.0" => Some(Offer::Tls10),
            "tls1.1" => Some(Offer::Tls11),
            "rc4" => Some(Offer::Rc4),
            "null-cipher" => Some(Offer::NullCipher),
            _ => None,
        }
    }

    fn version(self) -> [u8; 2] {
        match self {
            Offer::Tls10 => [3, 1],
            Offer::Tls11 => [3, 2],
            Offer::Rc4 | Offer::NullCipher => [3, 3],
        }
    }

    fn suites(self) -> &'static [u16] {
        match self {
            // ECDHE-ECDSA/ECDHE-RSA/RSA with AES-128-CBC-SHA: what TLS 1.0 and 1.1 servers speak.
            Offer::Tls10 | Offer::Tls11 => &[0xC009, 0xC013, 0x002F],
            Offer::Rc4 => &[0xC007, 0xC011, 0x0005],
            Offer::NullCipher => &[0xC006, 0xC010, 0x0002],
        }
    }
}

/// How the SUT answered the ClientHello.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// It chose this version and cipher suite.
    Agreed { version: [u8; 2], suite: u16 },
    /// An alert, a close, a TLS record that is not a ServerHello, or nothing within the time limit.
    Refused(String),
    /// Bytes that are no TLS record at all (an HTTP page, say): whatever
    /// listens there does not speak TLS, so whether it refuses old TLS cannot be told.
    NotTls(String),
}

/// The ClientHello record for `offer`.
pub fn client_hello(offer: Offer, random: [u8; 32]) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(&offer.version());
    body.extend_from_slice(&random);
    body.push(0); // no session id
    let suites = offer.suites();
    body.extend_from_slice(&((suites.len() * 2) as u16).to_be_bytes());
    for s in suites {
        body.extend_from_slice(&s.to_be_bytes());
    }
    body.extend_from_slice(&[1, 0]); // compression: null only
    let mut ext = Vec::new();
    // supported_groups: secp256r1, x25519
    ext.extend_from_slice(&[0x00, 0x0a, 0x00, 0x06, 0x00, 0x04, 0x00, 0x17, 0x00, 0x1d]);
    // ec_point_formats: uncompressed
    ext.extend_from_slice(&[0x00, 0x0b, 0x00, 0x02, 0x01, 0x00]);
    // signature_algorithms: ecdsa_secp256r1_sha256, rsa_pss_rsae_sha256, rsa_pkcs1_sha256
    ext.extend_from_slice(&[0x00, 0x0d, 0x00, 0x08, 0x00, 0x06, 0x04, 0x03, 0x08, 0x04, 0x04, 0x01]);
    body.extend_from_slice(&(ext.len() as u16).to_be_bytes());
    body.extend_from_slice(&ext);

    let mut handshake = vec![1]; // client_hello
    handshake.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
    handshake.extend_from_slice(&body);
    let mut record = vec![0x16, 3, 1];
    record.extend_from_slice(&(handshake.len() as u16).to_be_bytes());
    record.extend_from_slice(&handshake);
    record
}

/// Sends `hello` to `host:port` and reads the first record of the answer.
pub async fn probe(host: &str, port: u16, hello: &[u8], limit: Duration) -> Result<(Answer, Vec<u8>), String> {
    let exchange = async {
        let mut tcp = TcpStream::connect((host, port)).await.map_err(|e| format!("cannot connect: {e}"))?;
        tcp.write_all(hello).await.map_err(|e| format!("cannot send the ClientHello: {e}"))?;
        let mut seen = Vec::new();
        let mut chunk = [0u8; 512];
        // The head of a ServerHello fits in the first few dozen bytes.
        while seen.len() < 64 {
            match tcp.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => seen.extend_from_slice(&chunk[..n]),
            }
            if seen.first().is_some_and(|&t| t != 0x16) && seen.len() >= 7 {
                break;
            }
        }
        Ok::<_, String>(seen)
    };
    let seen = match tokio::time::timeout(limit, exchange).await {
        Ok(r) => r?,
        Err(_) => return Ok((Answer::Refused(format!("no answer within {} ms", limit.as_millis())), Vec::new())),
    };
    Ok((read_answer(&seen), seen))
}

/// Reads the first record: a ServerHello's version and suite, or why there is none.
pub fn read_answer(bytes: &[u8]) -> Answer {
    match bytes {
        [] => Answer::Refused("the connection closed without an answer".into()),
        [0x15, _, _, _, _, level, description, ..] => {
            Answer::Refused(format!("alert: level {level}, description {description}"))
        }
        [0x16, _, _, _, _, 0x02, _, _, _, v0, v1, rest @ ..] => {
            // random (32 bytes), session id (length-prefixed), then the suite.
            let Some(&sid) = rest.get(32) else { return Answer::Refused("a ServerHello cut short".into()) };
            let at = 33 + sid as usize;
            match rest.get(at..at + 2) {
                Some([a, b]) => Answer::Agreed { version: [*v0, *v1], suite: u16::from_be_bytes([*a, *b]) },
                _ => Answer::Refused("a ServerHello cut short".into()),
            }
        }
        // TLS record content types run from 20 (change_cipher_spec) to 24 (heartbeat).
        [t @ 20..=24, ..] => Answer::Refused(format!("a record of type {t}, not a ServerHello")),
        other => Answer::NotTls(format!("{:?}", String::from_utf8_lossy(&other[..other.len().min(40)]))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hellos_are_well_formed_records() {
        let hello = client_hello(Offer::Tls11, [7; 32]);
        assert_eq!(hello[0], 0x16);
        assert_eq!(u16::from_be_bytes([hello[3], hello[4]]) as usize, hello.len() - 5);
        assert_eq!(hello[5], 1);
        assert_eq!(&hello[9..11], &[3, 2]);
    }

    #[test]
    fn answers_are_read() {
        assert!(matches!(read_answer(&[0x15, 3, 3, 0, 2, 2, 70]), Answer::Refused(r) if r.contains("description 70")));
        let mut hello = vec![0x16, 3, 2, 0, 60, 0x02, 0, 0, 56, 3, 2];
        hello.extend_from_slice(&[9; 32]);
        hello.extend_from_slice(&[0, 0xC0, 0x13, 0]);
        assert_eq!(read_answer(&hello), Answer::Agreed { version: [3, 2], suite: 0xC013 });
        assert!(matches!(read_answer(&[]), Answer::Refused(_)));
        assert!(matches!(read_answer(&[0x17, 3, 3, 0, 1, 0]), Answer::Refused(_)));
        assert!(
            matches!(read_answer(b"HTTP/1.1 400 Bad Request\r\n"), Answer::NotTls(t) if t.contains("HTTP/1.1 400"))
        );
    }
}
