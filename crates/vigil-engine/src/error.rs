//! The engine's error: each variant is a case a front end treats differently, and each maps to a
//! stable [`ErrorCode`] plus a sentence fit for the user. Database details go to the log, never to
//! the user.

use serde::Serialize;
use ts_rs::TS;
use vigil_data::DataError;
use vigil_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(
        "no data folder could be determined: set {} or pass --data-dir",
        crate::DATA_DIR_ENV
    )]
    NoDataDir,
    #[error("the dataset `{name}` cannot be read: {source}")]
    Dataset { name: String, source: DataError },
    #[error("the model file `{name}` is empty")]
    EmptyModel { name: String },
    #[error("the demo workspace cannot be seeded: {0}")]
    Demo(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot read {path}: {source}")]
    ReadFile {
        path: String,
        source: std::io::Error,
    },
    #[error(transparent)]
    Predict(#[from] crate::predict::PredictError),
    #[error(transparent)]
    Evaluate(#[from] crate::evaluate::EvaluateError),
    #[error("{0}")]
    Usage(String),
    #[error("a background task stopped unexpectedly: {0}")]
    TaskFailed(String),
    #[error("drift of column `{column}` cannot be computed: {source}")]
    Drift {
        column: String,
        source: vigil_stats::drift::DriftError,
    },
    #[error("stored {what} cannot be decoded: {reason}")]
    Decode { what: &'static str, reason: String },
}

/// What kind of failure crossed to a front end; the UI branches on this, never on message text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    NotFound,
    InvalidInput,
    Conflict,
    Storage,
    Internal,
    /// The user cancelled the run; nothing was stored.
    Cancelled,
}

/// An error as it crosses IPC: `{ code, message }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct IpcError {
    pub code: ErrorCode,
    pub message: String,
}

impl EngineError {
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Dataset {
                source: DataError::Cancelled,
                ..
            } => ErrorCode::Cancelled,
            Self::Store(StoreError::SourceChanged { .. }) => ErrorCode::InvalidInput,
            Self::Dataset { .. } | Self::EmptyModel { .. } | Self::ReadFile { .. } => {
                ErrorCode::InvalidInput
            }
            Self::Predict(e) if e.stage_and_kind() == ("run", "cancelled") => ErrorCode::Cancelled,
            Self::Predict(e) if e.stage_and_kind().0 == "run" => ErrorCode::Internal,
            Self::Predict(_) | Self::Evaluate(_) | Self::Usage(_) | Self::Drift { .. } => {
                ErrorCode::InvalidInput
            }
            Self::Store(StoreError::NotFound(_)) => ErrorCode::NotFound,
            Self::Store(StoreError::Conflict(_)) => ErrorCode::Conflict,
            Self::Store(_) | Self::NoDataDir => ErrorCode::Storage,
            Self::Demo(_) | Self::Decode { .. } | Self::TaskFailed(_) => ErrorCode::Internal,
        }
    }

    /// The sentence shown to the user. Database and driver text stays in the log.
    pub fn user_message(&self) -> String {
        match self {
            Self::Store(
                StoreError::Open { .. } | StoreError::Migrate(_) | StoreError::Query(_),
            ) => "The workspace database could not be read or written. The log has the details."
                .to_owned(),
            Self::Decode { .. } => {
                "Stored data could not be decoded. The log has the details.".to_owned()
            }
            other => capitalise(&other.to_string()),
        }
    }
}

impl EngineError {
    /// For machine-readable errors: the stage (`load`, `input`, `run`, `storage`) and the kind.
    pub fn stage_and_kind(&self) -> (&'static str, &'static str) {
        match self {
            Self::Predict(e) => e.stage_and_kind(),
            Self::ReadFile { .. } => ("input", "file"),
            Self::Evaluate(_) => ("input", "labels"),
            Self::Usage(_) => ("input", "usage"),
            Self::Drift { .. } => ("input", "drift"),
            Self::Dataset {
                source: DataError::Cancelled,
                ..
            } => ("run", "cancelled"),
            Self::Dataset { .. } => ("input", "data"),
            Self::EmptyModel { .. } => ("load", "model_parse"),
            Self::Store(_) | Self::NoDataDir => ("storage", "storage"),
            Self::Demo(_) | Self::Decode { .. } | Self::TaskFailed(_) => ("run", "internal"),
        }
    }
}

impl From<&EngineError> for IpcError {
    fn from(error: &EngineError) -> Self {
        tracing::error!(error = %error, "command failed");
        Self {
            code: error.code(),
            message: error.user_message(),
        }
    }
}

impl From<EngineError> for IpcError {
    fn from(error: EngineError) -> Self {
        Self::from(&error)
    }
}

fn capitalise(sentence: &str) -> String {
    let mut chars = sentence.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_text_never_reaches_the_user() {
        let error = EngineError::Store(StoreError::Query(sqlx_like_error()));
        let ipc = IpcError::from(error);
        assert_eq!(ipc.code, ErrorCode::Storage);
        assert!(!ipc.message.contains("SQLITE"), "{}", ipc.message);
        assert!(ipc.message.starts_with("The workspace database"));
    }

    #[test]
    fn input_errors_keep_their_sentence() {
        let error = EngineError::Dataset {
            name: "loans.csv".to_owned(),
            source: DataError::RaggedRow {
                line: 7,
                expected: 3,
                found: 4,
            },
        };
        let ipc = IpcError::from(error);
        assert_eq!(ipc.code, ErrorCode::InvalidInput);
        assert_eq!(
            ipc.message,
            "The dataset `loans.csv` cannot be read: line 7 has 4 fields where the header has 3"
        );
    }

    fn sqlx_like_error() -> vigil_store::SqlxError {
        vigil_store::SqlxError::Protocol("SQLITE_CORRUPT: database disk image is malformed".into())
    }
}
