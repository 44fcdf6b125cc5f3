//! Every exchange of a scenario, in order, as the report shows it; WebSocket
//! frames are bounded so that a flood cannot grow it without end.

use crate::wire::{self, NonHttpTrigger, Observed, Outgoing, WireError};
use setconform_reports::{Exchange, FrameRecord};

/// WebSocket frames recorded per scenario.
const MAX_FRAMES: usize = 500;

#[derive(Debug, Default)]
pub struct Transcript {
    entries: Vec<Exchange>,
    /// WebSocket frames seen so far, recorded or not.
    frames: usize,
    /// The seq of the entry appended last; none after a frame that was not recorded.
    latest: Option<usize>,
}

impl Transcript {
    /// The place the next entry takes (1 = first).
    pub fn next_seq(&self) -> usize {
        self.entries.len() + 1
    }

    /// The seq of what was appended last, if it was recorded.
    pub fn latest(&self) -> Option<usize> {
        self.latest
    }

    fn push(&mut self, entry: Exchange) {
        self.latest = Some(entry.seq);
        self.entries.push(entry);
    }

    /// Appends an HTTP exchange on `channel` (`sut`, `harness`, `trigger`).
    pub fn exchange(
        &mut self,
        channel: &str,
        step: usize,
        at_ms: u64,
        took_ms: u64,
        req: &Outgoing,
        result: &Result<Observed, WireError>,
    ) {
        let seq = self.next_seq();
        self.push(wire::record(seq, channel, step, at_ms, took_ms, req, result));
    }

    /// Takes the next place for an entry concluded later (a trigger call under
    /// way), holding what `placeholder` makes of its seq until then; returns the seq.
    pub fn reserve(&mut self, placeholder: impl FnOnce(usize) -> Exchange) -> usize {
        let seq = self.next_seq();
        self.push(placeholder(seq));
        seq
    }

    /// Puts the concluded entry in the place `reserve` took.
    pub fn fill(&mut self, seq: usize, entry: Exchange) {
        if let Some(place) = self.entries.get_mut(seq.wrapping_sub(1)) {
            *place = entry;
        }
    }

    /// Appends a trigger that is not an HTTP request (a command, a person).
    pub fn non_http(&mut self, trigger: NonHttpTrigger<'_>) {
        self.push(wire::record_non_http(trigger));
    }

    /// Appends a WebSocket frame, unless the scenario has recorded its share.
    pub fn frame(&mut self, step: usize, at_ms: u64, url: &str, direction: &str, opcode: &str, payload: &[u8]) {
        self.frames += 1;
        if self.frames > MAX_FRAMES {
            self.latest = None;
            return;
        }
        let frame = FrameRecord { direction: direction.to_owned(), opcode: opcode.to_owned(), size: payload.len() };
        let seq = self.next_seq();
        self.push(wire::record_frame(seq, step, at_ms, url, frame, payload));
    }

    /// The exchanges, the last frame noting how many frames were not recorded.
    pub fn into_exchanges(mut self) -> Vec<Exchange> {
        let unrecorded = self.frames.saturating_sub(MAX_FRAMES);
        if let Some(last) = self.entries.iter_mut().rev().find(|e| e.frame.is_some()).filter(|_| unrecorded > 0) {
            last.error =
                Some(format!("{unrecorded} further WebSocket frames were not recorded (the first {MAX_FRAMES} are)"));
        }
        self.entries
    }
}
