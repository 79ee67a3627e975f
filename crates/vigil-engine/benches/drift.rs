//! Drift throughput: reads a reference and a current CSV, then times `drift_between` over every
//! shared column (Vigil's automatic column choice), one thread. Prints one JSON line for
//! `benches/compare_drift_with_peers.py`, which times scipy and Evidently on the same files.
//!
//! `cargo bench -p vigil-engine --bench drift -- REFERENCE.csv CURRENT.csv [REPEAT]`
#![allow(
    clippy::print_stdout,
    clippy::expect_used,
    reason = "a benchmark binary reports on stdout"
)]

use std::path::PathBuf;
use std::time::Instant;

use vigil_engine::drift::{DriftColumns, drift_between};

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let [reference, current, rest @ ..] = args.as_slice() else {
        panic!("usage: drift REFERENCE.csv CURRENT.csv [REPEAT]");
    };
    let repeat: usize = rest
        .first()
        .map_or(3, |r| r.parse().expect("REPEAT is a number"));
    let started = Instant::now();
    let reference = vigil_engine::read_dataset(&PathBuf::from(reference)).expect("reference");
    let current = vigil_engine::read_dataset(&PathBuf::from(current)).expect("current");
    let read_seconds = started.elapsed().as_secs_f64();
    let mut best = f64::INFINITY;
    let mut report = None;
    for _ in 0..repeat.max(1) {
        let started = Instant::now();
        let result = drift_between(&reference, &current, &DriftColumns::default()).expect("drift");
        best = best.min(started.elapsed().as_secs_f64());
        report = Some(result);
    }
    let report = report.expect("at least one run");
    println!(
        "{}",
        serde_json::json!({
            "read_seconds": read_seconds,
            "drift_seconds": best,
            "columns": report.columns.len(),
            "rows_reference": reference.row_count(),
            "rows_current": current.row_count(),
            "drifted_default": report.verdict().n_drifted,
        })
    );
}
