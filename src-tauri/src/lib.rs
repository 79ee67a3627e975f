//! Vigil's desktop shell: opens the workspace, then serves the UI's commands.
//!
//! Architecture invariant: this crate is thin. A command parses its arguments, makes one call
//! into `vigil-engine` and maps the error to `{code, message}`; no SQL, statistics or business
//! rules live here.

mod commands;

use std::path::PathBuf;

use anyhow::Context;
use vigil_engine::{DemoSeeding, Workspace};

/// Opens the workspace in `data_dir` (or the default one), seeding the demo on first start, and
/// runs the window until it is closed.
pub fn run(data_dir: Option<PathBuf>) -> anyhow::Result<()> {
    let data_dir = vigil_engine::resolve_data_dir(data_dir)?;
    let workspace =
        tauri::async_runtime::block_on(Workspace::open(&data_dir, DemoSeeding::WhenEmpty))
            .with_context(|| format!("cannot open the workspace in {}", data_dir.display()))?
            .with_stream_min_bytes(vigil_engine::dataset_input::stream_min_bytes_from_env())
            .with_device(vigil_engine::OpenedDevice::from_env());
    if let Some(fallback) = workspace.device_fallback() {
        tracing::warn!("{fallback}");
    }
    tracing::info!(data_dir = %data_dir.display(), device = workspace.device().name(), "workspace open");
    tauri::Builder::default()
        .manage(workspace)
        .invoke_handler(commands::handler())
        .run(tauri::generate_context!("../tauri.conf.json"))
        .context("the desktop window failed")
}
