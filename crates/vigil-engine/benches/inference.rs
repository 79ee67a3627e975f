//! Inference throughput through Vigil's own prediction path (column binding, tensor building,
//! the run, reading outputs), per model and batch size, as JSON lines for the comparison with
//! onnxruntime in `benches/compare_with_onnxruntime.py`.
//!
//! `cargo bench -p vigil-engine --bench inference -- CASES.json [--device gpu]` where CASES.json
//! lists `{"name", "model", "data", "exclude": [..], "batches": [1, 256, 0], "repeat": N}`
//! (0 = the whole table; `repeat`, default 1, tiles a CSV's rows N times in memory, for batches
//! larger than a small dataset). `make bench` writes that file and runs both sides;
//! `make bench-gpu` runs the CPU and the GPU. Each line also gives the first pass's time: on a
//! GPU that is when the shaders are compiled.
#![allow(
    clippy::print_stdout,
    clippy::expect_used,
    reason = "a benchmark binary reports on stdout"
)]

use std::path::PathBuf;
use std::time::{Duration, Instant};

use vigil_engine::predict::{bind_inputs, predict_in_batches};

/// The allocator of Vigil's binaries, so that the benchmark measures what they do.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Each measurement repeats the whole pass until at least this long has elapsed.
const MIN_TIME: Duration = Duration::from_millis(500);

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let cases_path = args
        .iter()
        .find(|a| !a.starts_with('-') && a.ends_with(".json"))
        .expect("usage: inference CASES.json [--device cpu|gpu]");
    let cases: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(cases_path).expect("cases file"))
            .expect("JSON");
    let device = match args
        .iter()
        .position(|a| a == "--device")
        .map(|i| args.get(i + 1).map(String::as_str))
    {
        None | Some(Some("cpu")) => vigil_infer::Device::cpu(),
        Some(Some("gpu")) => vigil_infer::Device::gpu().expect("a usable GPU"),
        Some(other) => panic!("--device takes cpu or gpu, not {other:?}"),
    };
    for case in cases.as_array().expect("a list of cases") {
        let text = |key: &str| case[key].as_str().expect(key).to_owned();
        let model =
            vigil_infer::Model::load(&std::fs::read(PathBuf::from(text("model"))).expect("model"))
                .expect("loads");
        let repeat = case["repeat"].as_u64().unwrap_or(1);
        let dataset = if repeat > 1 {
            let bytes = std::fs::read(PathBuf::from(text("data"))).expect("data");
            let header_end = bytes.iter().position(|&b| b == b'\n').expect("a header") + 1;
            let mut body = bytes[header_end..].to_vec();
            if body.last() != Some(&b'\n') {
                body.push(b'\n');
            }
            let mut tiled = bytes[..header_end].to_vec();
            for _ in 0..repeat {
                tiled.extend_from_slice(&body);
            }
            vigil_data::read_dataset(&tiled, vigil_data::DatasetFormat::Csv).expect("dataset")
        } else {
            vigil_engine::read_dataset(&PathBuf::from(text("data"))).expect("dataset")
        };
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
            // Warm up once (first-touch allocations; shader compilation on a GPU), then time
            // whole passes.
            let first = Instant::now();
            predict_in_batches(&model, &dataset, &bindings, &device, batch_rows).expect("predicts");
            let first_seconds = first.elapsed().as_secs_f64();
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
                serde_json::json!({"name": text("name"), "device": device.name(), "rows": rows, "batch": batch, "seconds": seconds, "rows_per_second": rows_per_second, "first_pass_seconds": first_seconds})
            );
        }
    }
}
