//! See `setconform::fuzzing::sut_message`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| setconform::fuzzing::sut_message(data));
