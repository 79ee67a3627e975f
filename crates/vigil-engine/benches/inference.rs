//! Inference throughput through Vigil's own prediction path (column binding, tensor building,
//! the run, reading outputs), per model and batch size, as JSON lines for the comparison with
//! onnxruntime in `benches/compare_with_onnxruntime.py`.
//!
//! `cargo bench -p vigil-engine --bench inference -- CASES.json` where CASES.json lists
//! `{"name", "model", "data", "exclude": [..], "batches": [1, 256, 0]}` (0 = the whole table);
//! `make bench` writes that file and runs both sides.
#![allow(
    clippy::print_stdout,
    clippy::expect_used,
    reason = "a benchmark binary reports on stdout"
)]

use std::path::PathBuf;
use std::time::{Duration, Instant};

use vigil_engine::predict::{bind_inputs, predict_in_batches};

/// Each measurement repeats the whole pass until at least this long has elapsed.
const MIN_TIME: Duration = Duration::from_millis(500);

fn main() {
    let cases_path = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .expect("usage: inference CASES.json");
    let cases: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&cases_path).expect("cases file"))
            .expect("JSON");
    let device = vigil_infer::Device::cpu();
    for case in cases.as_array().expect("a list of cases") {
        let text = |key: &str| case[key].as_str().expect(key).to_owned();
        let model =
            vigil_infer::Model::load(&std::fs::read(PathBuf::from(text("model"))).expect("model"))
                .expect("loads");
        let dataset = vigil_engine::read_dataset(&PathBuf::from(text("data"))).expect("dataset");
        let exclude: Vec<String> = case["exclude"]
            .as_array()
            .map(|v| {
                v.iter()
                    .filter_map(|s| s.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        let bindings =
            bind_inputs(&model, &dataset.profile.columns, &[], &exclude).expect("binding");
        let rows = dataset.row_count();
        for batch in case["batches"]
            .as_array()
            .expect("batches")
            .iter()
            .map(|b| usize::try_from(b.as_u64().expect("batch")).expect("batch"))
        {
            let batch_rows = if batch == 0 { rows } else { batch };
            // Warm up once (first-touch allocations), then time whole passes.
            predict_in_batches(&model, &dataset, &bindings, &device, batch_rows).expect("predicts");
            let start = Instant::now();
            let mut passes = 0_u32;
            while passes == 0 || start.elapsed() < MIN_TIME {
                predict_in_batches(&model, &dataset, &bindings, &device, batch_rows)
                    .expect("predicts");
                passes += 1;
            }
            let seconds = start.elapsed().as_secs_f64() / f64::from(passes);
            #[expect(clippy::cast_precision_loss, reason = "row counts are far below 2^52")]
            let rows_per_second = rows as f64 / seconds;
            println!(
                "{}",
                serde_json::json!({"name": text("name"), "rows": rows, "batch": batch, "seconds": seconds, "rows_per_second": rows_per_second})
            );
        }
    }
}
