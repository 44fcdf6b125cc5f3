//! `setconform bench`: the flags become a [`BenchPlan`], the bench runs, and
//! its record is written (`bench.json`) and summed up on stdout; the exit code
//! says whether every SET was accounted for.

use super::Error;
use super::args::BenchArgs;
use setconform::bench::{self, BenchError, BenchPlan};
use setconform::run::exit;
use setconform_reports::bench::{BenchRecord, BenchVerdict, Binding, Direction, Shape};
use std::sync::Arc;

pub fn bench(args: BenchArgs) -> Result<i32, Error> {
    let plan = plan(&args).map_err(Error::Bench)?;
    let stop = Arc::new(bench::stop::Stop::default());
    let record = bench::run(&plan, stop.clone(), true).map_err(Error::Bench)?;
    let written =
        setconform::output::bench::write_bench_reports(&record, Some(&args.out.join("bench.json")), &args.out);
    print!("{}", summary(&record));
    for file in &written.files {
        println!("wrote {}", file.display());
    }
    // A signal ends the bench with its own code (130, 143), as it ends a run.
    let code = stop.signal().map_or_else(|| code(&record), |s| s.exit_code());
    if let Some(failed) = written.failed.into_iter().next() {
        return Err(Error::NotWritten(failed));
    }
    println!("exit code {code}");
    Ok(code)
}

fn plan(args: &BenchArgs) -> Result<BenchPlan, BenchError> {
    let binding = Binding::ALL.into_iter().find(|b| b.name() == args.binding).expect("clap allows only these names");
    let direction = if args.direction == "drain" { Direction::Drain } else { Direction::Send };
    let shape = match args.max_p99 {
        Some(bound) => Shape::Ramp {
            max_p99_us: bound.as_micros() as u64,
            start_rate: args.start_rate.0,
            step_ms: args.step.as_millis() as u64,
        },
        None => Shape::Fixed { rate: args.rate.0, duration_ms: args.duration.as_millis() as u64 },
    };
    let shard = args.shard.map(|s| s.0);
    let copies = shard.map_or(1, |s| s.count);
    // Connections are split like the rate: shard i of n takes its share, at least one.
    let connections =
        (args.connections / copies + u32::from(shard.is_some_and(|s| s.index <= args.connections % copies))).max(1);
    Ok(BenchPlan {
        binding,
        direction,
        shape,
        batch: args.batch,
        connections,
        verify_one_in: args.verify.0,
        shard,
        sut_file: args.sut.clone(),
        grace: args.grace,
    })
}

/// What a bench record comes to: 0 every SET accounted for; 1 SETs lost; 3
/// nothing acknowledged, or a bench cut short (its numbers cover part of the load).
pub fn code(record: &BenchRecord) -> i32 {
    if record.interrupted.is_some() {
        return exit::INCOMPLETE;
    }
    match record.result.verdict {
        BenchVerdict::Accounted => exit::CONFORMANT,
        BenchVerdict::Lost => exit::FAILED,
        BenchVerdict::NothingMeasured => exit::INCOMPLETE,
    }
}

fn ms(us: u64) -> String {
    format!("{:.1} ms", us as f64 / 1000.0)
}

/// The record in a few lines, for a person and a CI log.
pub fn summary(r: &BenchRecord) -> String {
    let mut out =
        format!("bench {} ({}) against {} ({})\n", r.binding.name(), r.direction.name(), r.sut.name, r.sut.kind);
    for (i, s) in r.steps.iter().enumerate() {
        out.push_str(&format!(
            "  step {}: offered {:.0}/s, achieved {:.0}/s, p99 {}, {}; harness CPU {:.0}%{}\n",
            i + 1,
            s.offered_rate,
            s.achieved_rate,
            ms(s.latency.p99_us),
            if s.sustained { "kept up" } else { "did not keep up" },
            s.cpu.harness_share() * 100.0,
            s.cpu.sut_share().map_or(String::new(), |share| format!(", SUT CPU {:.0}%", share * 100.0)),
        ));
    }
    let l = &r.result.latency;
    out.push_str(&format!(
        "sustained: {:.0} SETs/s; latency p50 {}, p90 {}, p99 {}, p99.9 {}, max {}\n",
        r.result.sustained_rate,
        ms(l.p50_us),
        ms(l.p90_us),
        ms(l.p99_us),
        ms(l.p999_us),
        ms(l.max_us)
    ));
    let g = &r.ledger;
    let refused: u64 = g.refused.values().sum();
    out.push_str(&format!(
        "ledger: {} sent, {} acknowledged, {} refused, {} lost, {} duplicated, {} unknown\n",
        g.sent, g.acked, refused, g.lost, g.duplicated, g.unknown
    ));
    for (code, n) in &g.refused {
        out.push_str(&format!("  refused {code}: {n}\n"));
    }
    for (kind, n) in &r.errors {
        out.push_str(&match kind.as_str() {
            "not-sent" => {
                format!("  batches never sent (the SUT still held every connection when the grace ended): {n}\n")
            }
            _ => format!("  requests without a usable answer, {kind}: {n}\n"),
        });
    }
    if !g.lost_sample.is_empty() {
        out.push_str(&format!(
            "  lost, for example: {}\n",
            g.lost_sample.iter().take(5).cloned().collect::<Vec<_>>().join(", ")
        ));
    }
    if let Some(judged) = &r.judged {
        let broken: u64 = judged.broken.values().sum();
        out.push_str(&format!("judged: {} of the SUT's SETs, {broken} rule(s) broken\n", judged.sets));
        for (req, n) in &judged.broken {
            out.push_str(&format!("  {req} broken by {n} SET(s)\n"));
        }
    }
    out.push_str(match r.result.verdict {
        BenchVerdict::Accounted => "Every SET accounted for\n",
        BenchVerdict::Lost => "SETs LOST: sent, and neither acknowledged nor refused\n",
        BenchVerdict::NothingMeasured => "Nothing measured: no SET was acknowledged\n",
    });
    out
}
