//! Builds the shell against the one `tauri.conf.json` at the repository root, and declares the
//! app's commands so that each must be granted in `capabilities/` before the UI can call it.
fn main() {
    let commands = tauri_build::AppManifest::new().commands(&[
        "list_models",
        "list_datasets",
        "list_audit_events",
        "workspace_info",
        "list_evaluations",
        "get_evaluation",
        "get_evaluation_charts",
        "preview_dataset",
        "evaluate_model_file",
        "cancel_job",
        "list_monitoring_runs",
        "get_monitoring",
        "get_drift_cell",
        "save_export",
        "monitor_model_file",
        "get_lifecycle",
        "get_gate_report",
        "promote_version",
        "rollback_model",
        "set_gate_policy",
        "verify_audit_log",
        "list_predictions",
        "annotate_prediction",
        "get_feedback_performance",
        "compare_evaluations",
    ]);
    let attributes = tauri_build::Attributes::new()
        .config_path("../tauri.conf.json")
        .app_manifest(commands);
    if let Err(error) = tauri_build::try_build(attributes) {
        panic!("tauri build step failed: {error:#}");
    }
}
