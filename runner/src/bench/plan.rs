//! What a bench is asked to do, from the command line: the binding, the way the
//! SETs go, the load shape, and this copy's share of a split load.

use setconform_reports::bench::{Binding, Direction, Shape, Shard};
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

/// A bench, fully decided.
#[derive(Debug, Clone)]
pub struct BenchPlan {
    pub binding: Binding,
    pub direction: Direction,
    pub shape: Shape,
    /// SETs per request (1 for push).
    pub batch: u32,
    /// Connections of this copy (a shard's share of `--connections`).
    pub connections: u32,
    /// Judge 1 in this many of the SETs a drained SUT sends (0: none).
    pub verify_one_in: u32,
    pub shard: Option<Shard>,
    /// sut.yaml; `None`: the embedded reference.
    pub sut_file: Option<PathBuf>,
    /// How long after the last send unanswered SETs are waited for before they count as lost.
    pub grace: Duration,
}

impl BenchPlan {
    /// The part of an offered rate this copy sends.
    pub fn share(&self, rate: f64) -> f64 {
        rate / f64::from(self.shard.map_or(1, |s| s.count))
    }
}

/// `--rate 5000/s` (or `5000`): SETs per second.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate(pub f64);

impl FromStr for Rate {
    type Err = String;
    fn from_str(s: &str) -> Result<Rate, String> {
        let number = s.trim().strip_suffix("/s").unwrap_or(s.trim());
        match number.parse::<f64>() {
            Ok(r) if r.is_finite() && r > 0.0 => Ok(Rate(r)),
            _ => Err(format!("{s:?} is not a rate: write SETs per second, e.g. 5000/s")),
        }
    }
}

/// `--verify 1/100` (one SET in a hundred), `all` or `none`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sampling(pub u32);

impl FromStr for Sampling {
    type Err = String;
    fn from_str(s: &str) -> Result<Sampling, String> {
        match s {
            "all" => return Ok(Sampling(1)),
            "none" => return Ok(Sampling(0)),
            _ => {}
        }
        let wrong = || format!("{s:?}: write 1/N (judge one SET in N), all or none");
        let (one, n) = s.split_once('/').ok_or_else(wrong)?;
        match (one.trim(), n.trim().parse::<u32>()) {
            ("1", Ok(n)) if n >= 1 => Ok(Sampling(n)),
            _ => Err(wrong()),
        }
    }
}

/// `--shard 2/4`: this copy is the second of four (from 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShardArg(pub Shard);

impl FromStr for ShardArg {
    type Err = String;
    fn from_str(s: &str) -> Result<ShardArg, String> {
        let wrong = || format!("{s:?}: write i/n, this copy's number i from 1 to n");
        let (i, n) = s.split_once('/').ok_or_else(wrong)?;
        match (i.trim().parse::<u32>(), n.trim().parse::<u32>()) {
            (Ok(index), Ok(count)) if index >= 1 && index <= count => Ok(ShardArg(Shard { index, count })),
            _ => Err(wrong()),
        }
    }
}

/// A duration as people write it: `10s`, `250ms`, `2m`.
pub fn duration(s: &str) -> Result<Duration, String> {
    humantime::parse_duration(s).map_err(|e| format!("{s:?}: {e} (e.g. 10s, 250ms, 2m)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_and_shards_read_as_written_and_nonsense_is_refused() {
        assert_eq!("5000/s".parse::<Rate>(), Ok(Rate(5000.0)));
        assert_eq!("250".parse::<Rate>(), Ok(Rate(250.0)));
        assert!("0/s".parse::<Rate>().is_err());
        assert!("fast".parse::<Rate>().is_err());
        assert_eq!("1/100".parse::<Sampling>(), Ok(Sampling(100)));
        assert_eq!("all".parse::<Sampling>(), Ok(Sampling(1)));
        assert_eq!("none".parse::<Sampling>(), Ok(Sampling(0)));
        assert!("2/100".parse::<Sampling>().is_err());
        assert!("1/0".parse::<Sampling>().is_err());
        assert_eq!("2/4".parse::<ShardArg>().map(|s| s.0), Ok(Shard { index: 2, count: 4 }));
        assert!("0/4".parse::<ShardArg>().is_err());
        assert!("5/4".parse::<ShardArg>().is_err());
        assert_eq!(duration("250ms"), Ok(Duration::from_millis(250)));
        assert!(duration("soon").is_err());
    }
}
