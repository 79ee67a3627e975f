//! The `vigil-desktop` binary: parses its flags and opens the window.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

/// mimalloc keeps freed memory for reuse; with glibc's allocator each model run's buffers went
/// back to the system and page faults took a third of a small CNN's time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Vigil: local-first model operations.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// The workspace folder (default: $VIGIL_DATA_DIR, else the platform's app-data folder).
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// Passed by WebKit's WebDriver when it starts the app for end-to-end tests; has no effect.
    #[arg(long, hide = true)]
    automation: bool,
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("VIGIL_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    match vigil_desktop::run(args.data_dir) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("vigil: {error:#}");
            ExitCode::FAILURE
        }
    }
}
