//! Deterministic randomness: the same `--seed` mints the same jtis and claims,
//! whatever order scenarios run in.

/// SplitMix64, seeded per scenario from the run seed and the scenario id.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn for_scenario(seed: u64, scenario_id: &str) -> Rng {
        // FNV-1a of the id keeps scenarios' streams apart.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in scenario_id.bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
        Rng(seed ^ h)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A random (version 4 layout) UUID string, used as `jti`.
    pub fn uuid(&mut self) -> String {
        let (a, b) = (self.next_u64(), self.next_u64());
        let a = (a & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000;
        let b = (b & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000;
        format!(
            "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xFFFF,
            a & 0xFFFF,
            b >> 48,
            b & 0xFFFF_FFFF_FFFF
        )
    }
}

/// A seed for runs that were not given one.
pub fn fresh_seed() -> u64 {
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(0);
    Rng(nanos ^ u64::from(std::process::id())).next_u64() >> 11
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream_other_scenario_other_stream() {
        let a: Vec<String> = (0..3)
            .map({
                let mut r = Rng::for_scenario(7, "x");
                move |_| r.uuid()
            })
            .collect();
        let b: Vec<String> = (0..3)
            .map({
                let mut r = Rng::for_scenario(7, "x");
                move |_| r.uuid()
            })
            .collect();
        let c = Rng::for_scenario(7, "y").uuid();
        assert_eq!(a, b);
        assert_ne!(a[0], c);
        assert_eq!(a[0].len(), 36);
        assert_eq!(&a[0][14..15], "4");
    }
}
