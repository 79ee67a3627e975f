//! The runtime against onnxruntime's outputs on the fixture kit: every classification and
//! regression model on its case's dataset, and the kit's broken models.
#![allow(
    clippy::expect_used,
    reason = "a test fails loudly on the first unexpected error"
)]

mod conformance;
mod errors;
mod parity;

use std::path::PathBuf;

pub fn kit() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/kit")
}

/// The GPU for the GPU tests: `make test-gpu` is asked for on a machine with one, so its absence
/// fails the test with the reason (set `VIGIL_ALLOW_SOFTWARE_GPU=1` to run the GPU code path on
/// Mesa's software renderer instead).
pub fn gpu_for_tests() -> vigil_infer::Device {
    let device = vigil_infer::Device::gpu().unwrap_or_else(|e| panic!("no GPU to test on: {e}"));
    eprintln!("GPU tests run on {}", device.name());
    device
}

pub fn read_json(path: &std::path::Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).expect("valid JSON")
}
