//! End-to-end evaluation throughput: reads a model and a CSV, runs the model over every row,
//! scores it and computes fairness per sensitive attribute — the path of `vigil eval` — and
//! prints the seconds of each stage as one JSON line for
//! `benches/compare_evaluation_with_peers.py`, which times pandas + onnxruntime +
//! scikit-learn + Fairlearn on the same files in the same run.
//!
//! `cargo bench -p vigil-engine --bench evaluation -- MODEL.onnx DATA.csv TARGET ATTR[,ATTR…] [RESAMPLES]`
//!
//! RESAMPLES is the bootstrap's resample count (default 1,000 as in the app; 0 for no
//! intervals, which is what the Python stack computes).
#![allow(
    clippy::print_stdout,
    clippy::expect_used,
    reason = "a benchmark binary reports on stdout"
)]

use std::path::PathBuf;

use serde_json::{Value as Json, json};
use vigil_engine::EvaluateRequest;

/// The allocator of Vigil's binaries, so that the benchmark measures what they do.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use vigil_engine::run::JobHandle;

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let [model, data, target, attributes, rest @ ..] = args.as_slice() else {
        panic!("usage: evaluation MODEL.onnx DATA.csv TARGET ATTR[,ATTR…] [RESAMPLES]");
    };
    let resamples: Option<usize> = rest
        .first()
        .map(|r| r.parse().expect("RESAMPLES is a number"));
    let model = PathBuf::from(model);
    let data = PathBuf::from(data);
    // Each attribute its own analysis, as `--sensitive A --sensitive B`.
    let sensitive: Vec<Vec<String>> = attributes
        .split(',')
        .map(|a| vec![a.trim().to_owned()])
        .collect();
    let request = EvaluateRequest {
        model: Some(&model),
        data: &data,
        target,
        pos_label: None,
        inputs: &[],
        sensitive: &sensitive,
        prediction_column: None,
        probability_columns: &[],
        device: &vigil_infer::Device::cpu(),
        bootstrap_resamples: resamples,
        stream_min_bytes: vigil_engine::dataset_input::stream_min_bytes_from_env(),
    };
    let started = std::time::Instant::now();
    let run = vigil_engine::run_evaluation_files(&request, &JobHandle::silent()).expect("evaluate");
    let total_seconds = started.elapsed().as_secs_f64();
    let t = run.timings;
    let metrics = &run.metrics;
    let fairness = run.fairness.clone().unwrap_or(Json::Null);
    // Per attribute and group, the rates the peers compute, to prove the same work was done.
    let rates = |name: &str| -> Json {
        let mut out = serde_json::Map::new();
        for (attribute, analysis) in fairness.as_object().into_iter().flatten() {
            let groups: serde_json::Map<String, Json> = analysis["by_group"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(group, values)| (group.clone(), values[name].clone()))
                .collect();
            out.insert(attribute.clone(), Json::Object(groups));
        }
        Json::Object(out)
    };
    println!(
        "{}",
        json!({
            "read_seconds": t.load_ms / 1000.0,
            "inference_seconds": t.inference_ms / 1000.0,
            "metrics_seconds": t.metrics_ms / 1000.0,
            "fairness_seconds": t.fairness_ms / 1000.0,
            "total_seconds": total_seconds,
            "rows": run.dataset.row_count(),
            "bootstrap_resamples": resamples.unwrap_or(1000),
            "threads": rayon_threads(),
            "accuracy": metrics["accuracy"],
            "roc_auc": metrics["roc_auc"]["binary"],
            "log_loss": metrics["log_loss"],
            "selection_rate": rates("selection_rate"),
            "tpr": rates("tpr"),
            "peak_memory_mib": peak_memory_mib(),
        })
    );
}

/// The most memory this process has held resident (Linux's VmHWM), in MiB; `None` where the
/// system does not say.
fn peak_memory_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// The worker threads the evaluation used (RAYON_NUM_THREADS, else one per core).
fn rayon_threads() -> usize {
    std::env::var("RAYON_NUM_THREADS")
        .ok()
        .and_then(|t| t.parse().ok())
        .filter(|&t| t > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from))
}
