//! See `setconform::fuzzing::compact_set`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| setconform::fuzzing::compact_set(data));
