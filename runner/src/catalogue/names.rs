//! The closest known name to a misspelt one (a profile, a capability), for
//! errors that say "did you mean ...?".

/// How alike two names must be (Jaro-Winkler, 0 to 1) to be offered as the
/// one meant.
const ALIKE: f64 = 0.8;

/// The known name closest to `name`, when one is alike enough.
pub fn closest<'a>(name: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    known
        .into_iter()
        .map(|k| (strsim::jaro_winkler(name, k), k))
        .filter(|(score, _)| *score >= ALIKE)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}

/// The end of an "unknown name" error: the suggestion, else every known name.
pub fn suggestion<'a>(name: &str, known: impl IntoIterator<Item = &'a str> + Clone) -> String {
    match closest(name, known.clone()) {
        Some(k) => format!("did you mean {k}?"),
        None => format!("known: {}", known.into_iter().collect::<Vec<_>>().join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_near_miss_is_offered_and_a_stranger_is_not() {
        let known = ["pushpull-http-responder", "pushpull-http-initiator", "push-receiver"];
        assert_eq!(closest("pushpull-http-responderr", known), Some("pushpull-http-responder"));
        assert_eq!(closest("push-reciever", known), Some("push-receiver"));
        assert_eq!(closest("zzz", known), None);
        assert_eq!(suggestion("zzz", known), "known: pushpull-http-responder, pushpull-http-initiator, push-receiver");
    }
}
