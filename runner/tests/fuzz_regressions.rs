//! What the fuzz targets (`fuzz/`, see docs/fuzzing.md) found, replayed on
//! every test run: each input under `fuzz/regressions/<target>/`, and a few
//! hostile messages made here, goes through the target's entry point and
//! returns without a panic.

use std::path::Path;
use std::time::{Duration, Instant};

type Target = fn(&[u8]);

const TARGETS: [(&str, Target); 3] = [
    ("sut_message", setconform::fuzzing::sut_message),
    ("compact_set", setconform::fuzzing::compact_set),
    ("transcript", setconform::fuzzing::transcript),
];

#[test]
fn every_kept_fuzz_input_is_handled() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/regressions");
    let mut replayed = 0;
    for (name, target) in TARGETS {
        let Ok(entries) = std::fs::read_dir(root.join(name)) else { continue };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_file() {
                target(&std::fs::read(&path).unwrap());
                replayed += 1;
            }
        }
    }
    assert!(replayed > 0, "no regression inputs under {}", root.display());
}

/// Messages built to hurt a parser: deep nesting, a huge number of members,
/// bytes that are not UTF-8, a compact form with huge parts.
#[test]
fn hostile_messages_are_handled_in_bounded_time() {
    let deep = "[".repeat(100_000).into_bytes();
    let deep_object = format!("{}1{}", r#"{"sets":"#.repeat(50_000), "}".repeat(50_000)).into_bytes();
    // Each key checked against every other once cost minutes at 100,000 members (fixed).
    let members: Vec<String> = (0..20_000).map(|i| format!(r#""j{i}":"a.b.c""#)).collect();
    let wide = format!(r#"{{"sets":{{{}}},"ack":[]}}"#, members.join(",")).into_bytes();
    let not_utf8: Vec<u8> = (0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8 | 0x80).collect();
    let dots = ".".repeat(200_000).into_bytes();
    for (what, input) in
        [("deep", deep), ("deep object", deep_object), ("wide", wide), ("not UTF-8", not_utf8), ("dots", dots)]
    {
        for (name, target) in TARGETS {
            let began = Instant::now();
            target(&input);
            // Generous for an unoptimised build on a busy machine; the point is that it ends.
            assert!(began.elapsed() < Duration::from_secs(60), "{name} on {what}: {:?}", began.elapsed());
        }
    }
}
