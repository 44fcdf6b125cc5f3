//! What a receiver remembers between its calls to the transmitter: the
//! metadata it last read, and for each stream it created the spacing the
//! transmitter asks between verification requests (SSF §8.1.1
//! `min_verification_interval`) and when it last asked.

use super::metadata::Metadata;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Debug, Default)]
pub struct Streams {
    inner: Mutex<Known>,
}

#[derive(Debug, Default)]
struct Known {
    metadata: Option<Metadata>,
    streams: HashMap<String, Stream>,
}

/// One stream the receiver created.
#[derive(Debug, Clone, Copy, Default)]
struct Stream {
    min_interval: Option<Duration>,
    last_verification: Option<Instant>,
}

impl Streams {
    fn with<T>(&self, f: impl FnOnce(&mut Known) -> T) -> T {
        f(&mut self.inner.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// The metadata last read, if any.
    pub fn metadata(&self) -> Option<Metadata> {
        self.with(|k| k.metadata.clone())
    }

    pub fn keep_metadata(&self, metadata: Metadata) {
        self.with(|k| k.metadata = Some(metadata));
    }

    /// A stream the receiver created, with its `min_verification_interval`.
    pub fn created(&self, stream_id: &str, min_interval: Option<Duration>) {
        self.with(|k| k.streams.insert(stream_id.to_owned(), Stream { min_interval, last_verification: None }));
    }

    pub fn deleted(&self, stream_id: &str) {
        self.with(|k| k.streams.remove(stream_id));
    }

    /// How long to wait before the next verification request on `stream_id`.
    pub fn verification_wait(&self, stream_id: &str) -> Duration {
        self.with(|k| {
            let Some(s) = k.streams.get(stream_id) else { return Duration::ZERO };
            match (s.min_interval, s.last_verification) {
                (Some(interval), Some(last)) => interval.saturating_sub(last.elapsed()),
                _ => Duration::ZERO,
            }
        })
    }

    /// A verification request went out on `stream_id` now.
    pub fn verified(&self, stream_id: &str) {
        self.with(|k| k.streams.entry(stream_id.to_owned()).or_default().last_verification = Some(Instant::now()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verification_requests_are_spaced_by_the_streams_interval() {
        let streams = Streams::default();
        streams.created("s", Some(Duration::from_secs(5)));
        assert_eq!(streams.verification_wait("s"), Duration::ZERO);
        streams.verified("s");
        assert!(streams.verification_wait("s") > Duration::from_secs(4));
        streams.created("t", None);
        streams.verified("t");
        assert_eq!(streams.verification_wait("t"), Duration::ZERO);
        assert_eq!(streams.verification_wait("unknown"), Duration::ZERO);
    }
}
