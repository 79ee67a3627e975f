//! The commands the UI invokes. Each one calls one engine function and maps its error.

use tauri::ipc::{Channel, Invoke};
use tauri::{Runtime, State};
use vigil_engine::feedback::{
    Annotation, FeedbackPerformance, PredictionFilter, PredictionPage, PredictionView,
};
use vigil_engine::registry::{AliasEvent, AuditCheck, GatePolicy, GateReport, ModelLifecycle};
use vigil_engine::run::JobProgress;
use vigil_engine::stored_monitoring::{
    DriftCellDetail, MonitorFileRequest, MonitoringDetail, MonitoringRunSummary,
};
use vigil_engine::views::{
    AuditEvent, ChartView, DatasetPreview, DatasetSummary, EvaluateFileRequest, EvaluationDetail,
    EvaluationSummary, ModelSummary, WorkspaceInfo,
};
use vigil_engine::{IpcError, Workspace};

/// The handler for every command; keep this list in step with `build.rs` and `capabilities/`.
pub fn handler<R: Runtime>() -> impl Fn(Invoke<R>) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
        list_models,
        list_datasets,
        list_audit_events,
        workspace_info,
        list_evaluations,
        get_evaluation,
        get_evaluation_charts,
        preview_dataset,
        evaluate_model_file,
        cancel_job,
        list_monitoring_runs,
        get_monitoring,
        get_drift_cell,
        save_export,
        monitor_model_file,
        get_lifecycle,
        get_gate_report,
        promote_version,
        rollback_model,
        set_gate_policy,
        verify_audit_log,
        list_predictions,
        annotate_prediction,
        get_feedback_performance,
        compare_evaluations
    ]
}

#[tauri::command]
async fn list_models(workspace: State<'_, Workspace>) -> Result<Vec<ModelSummary>, IpcError> {
    workspace.list_models().await.map_err(IpcError::from)
}

#[tauri::command]
async fn list_datasets(workspace: State<'_, Workspace>) -> Result<Vec<DatasetSummary>, IpcError> {
    workspace.list_datasets().await.map_err(IpcError::from)
}

#[tauri::command]
async fn list_audit_events(workspace: State<'_, Workspace>) -> Result<Vec<AuditEvent>, IpcError> {
    workspace.list_audit_events().await.map_err(IpcError::from)
}

#[tauri::command]
async fn workspace_info(workspace: State<'_, Workspace>) -> Result<WorkspaceInfo, IpcError> {
    workspace.info().await.map_err(IpcError::from)
}

#[tauri::command]
async fn list_evaluations(
    workspace: State<'_, Workspace>,
) -> Result<Vec<EvaluationSummary>, IpcError> {
    workspace.list_evaluations().await.map_err(IpcError::from)
}

#[tauri::command]
async fn get_evaluation(
    workspace: State<'_, Workspace>,
    id: i64,
) -> Result<EvaluationDetail, IpcError> {
    workspace
        .evaluation_detail(id)
        .await
        .map_err(IpcError::from)
}

#[tauri::command]
async fn get_evaluation_charts(
    workspace: State<'_, Workspace>,
    id: i64,
) -> Result<Vec<ChartView>, IpcError> {
    workspace
        .evaluation_charts(id)
        .await
        .map_err(IpcError::from)
}

#[tauri::command]
async fn preview_dataset(
    workspace: State<'_, Workspace>,
    path: String,
) -> Result<DatasetPreview, IpcError> {
    workspace
        .preview_dataset(std::path::Path::new(&path))
        .await
        .map_err(IpcError::from)
}

#[tauri::command]
async fn evaluate_model_file(
    workspace: State<'_, Workspace>,
    request: EvaluateFileRequest,
    job_id: String,
    on_progress: Channel<JobProgress>,
) -> Result<EvaluationSummary, IpcError> {
    workspace
        .evaluate_model_file(
            &request,
            &job_id,
            // A closed window drops the channel; the run goes on and is stored.
            move |progress| drop(on_progress.send(progress)),
            &vigil_engine::current_actor(),
        )
        .await
        .map_err(IpcError::from)
}

#[tauri::command]
async fn cancel_job(workspace: State<'_, Workspace>, job_id: String) -> Result<bool, IpcError> {
    Ok(workspace.cancel_job(&job_id))
}

#[tauri::command]
async fn list_monitoring_runs(
    workspace: State<'_, Workspace>,
) -> Result<Vec<MonitoringRunSummary>, IpcError> {
    workspace
        .list_monitoring_runs()
        .await
        .map_err(IpcError::from)
}

#[tauri::command]
async fn get_monitoring(
    workspace: State<'_, Workspace>,
    id: i64,
) -> Result<MonitoringDetail, IpcError> {
    workspace
        .monitoring_detail(id)
        .await
        .map_err(IpcError::from)
}

#[tauri::command]
async fn get_drift_cell(
    workspace: State<'_, Workspace>,
    id: i64,
    window: usize,
    column: String,
) -> Result<DriftCellDetail, IpcError> {
    workspace
        .drift_cell(id, window, &column)
        .await
        .map_err(IpcError::from)
}

/// Writes a chart the user exported (the webview cannot save downloads itself).
#[tauri::command]
async fn save_export(
    workspace: State<'_, Workspace>,
    file_name: String,
    bytes: Vec<u8>,
) -> Result<String, IpcError> {
    workspace
        .save_export(&file_name, &bytes)
        .map_err(IpcError::from)
}

#[tauri::command]
async fn monitor_model_file(
    workspace: State<'_, Workspace>,
    request: MonitorFileRequest,
) -> Result<MonitoringRunSummary, IpcError> {
    workspace
        .monitor_model_file(&request, &vigil_engine::current_actor())
        .await
        .map_err(IpcError::from)
}

#[tauri::command]
async fn get_lifecycle(
    workspace: State<'_, Workspace>,
    model_name: String,
) -> Result<ModelLifecycle, IpcError> {
    workspace
        .lifecycle(&model_name)
        .await
        .map_err(IpcError::from)
}

#[tauri::command]
async fn get_gate_report(
    workspace: State<'_, Workspace>,
    model_name: String,
    version: String,
) -> Result<GateReport, IpcError> {
    workspace
        .gate_report_for(&model_name, &version)
        .await
        .map_err(IpcError::from)
}

#[tauri::command]
async fn promote_version(
    workspace: State<'_, Workspace>,
    model_name: String,
    version: String,
    alias: String,
    comment: String,
    override_reason: Option<String>,
) -> Result<AliasEvent, IpcError> {
    workspace
        .promote(
            &model_name,
            &version,
            &alias,
            &comment,
            override_reason.as_deref(),
            &vigil_engine::current_actor(),
        )
        .await
        .map_err(IpcError::from)
}

#[tauri::command]
async fn rollback_model(
    workspace: State<'_, Workspace>,
    model_name: String,
    reason: String,
) -> Result<AliasEvent, IpcError> {
    workspace
        .rollback(&model_name, &reason, &vigil_engine::current_actor())
        .await
        .map_err(IpcError::from)
}

#[tauri::command]
async fn set_gate_policy(
    workspace: State<'_, Workspace>,
    model_name: String,
    policy: GatePolicy,
) -> Result<(), IpcError> {
    workspace
        .set_gate_policy(&model_name, &policy, &vigil_engine::current_actor())
        .await
        .map_err(IpcError::from)
}

#[tauri::command]
async fn verify_audit_log(workspace: State<'_, Workspace>) -> Result<AuditCheck, IpcError> {
    workspace.verify_audit_log().await.map_err(IpcError::from)
}

#[tauri::command]
async fn list_predictions(
    workspace: State<'_, Workspace>,
    evaluation_id: i64,
    filter: PredictionFilter,
) -> Result<PredictionPage, IpcError> {
    workspace
        .predictions(evaluation_id, &filter)
        .await
        .map_err(IpcError::from)
}

#[tauri::command]
async fn annotate_prediction(
    workspace: State<'_, Workspace>,
    annotation: Annotation,
) -> Result<PredictionView, IpcError> {
    workspace
        .annotate(&annotation, &vigil_engine::current_actor())
        .await
        .map_err(IpcError::from)
}

#[tauri::command]
async fn get_feedback_performance(
    workspace: State<'_, Workspace>,
    evaluation_id: i64,
) -> Result<FeedbackPerformance, IpcError> {
    workspace
        .feedback_performance(evaluation_id)
        .await
        .map_err(IpcError::from)
}

#[tauri::command]
async fn compare_evaluations(
    workspace: State<'_, Workspace>,
    first_id: i64,
    second_id: i64,
) -> Result<vigil_engine::compare::ComparisonView, IpcError> {
    workspace
        .compare_evaluations(first_id, second_id)
        .await
        .map(|json| vigil_engine::compare::comparison_view(&json["comparison"]))
        .map_err(IpcError::from)
}
