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

pub fn read_json(path: &std::path::Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).expect("valid JSON")
}
