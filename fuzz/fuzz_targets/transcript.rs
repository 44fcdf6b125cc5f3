//! See `setconform::fuzzing::transcript`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| setconform::fuzzing::transcript(data));
