//! Where a workspace lives: `--data-dir`, else `VIGIL_DATA_DIR`, else the platform's app-data folder.

use std::path::PathBuf;

use crate::{EngineError, Result};

/// The environment variable that overrides the data dir.
pub const DATA_DIR_ENV: &str = "VIGIL_DATA_DIR";

/// Picks the data dir: the explicit flag wins over the environment, which wins over the platform
/// default (`~/.local/share/vigil` on Linux, `~/Library/Application Support/dev.vigil.Vigil` on
/// macOS, `%APPDATA%\vigil\Vigil\data` on Windows).
pub fn resolve_data_dir(flag: Option<PathBuf>) -> Result<PathBuf> {
    if let Some(dir) = flag {
        return Ok(dir);
    }
    if let Some(dir) = std::env::var_os(DATA_DIR_ENV).filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("dev", "vigil", "Vigil")
        .map(|dirs| dirs.data_dir().to_owned())
        .ok_or(EngineError::NoDataDir)
}
