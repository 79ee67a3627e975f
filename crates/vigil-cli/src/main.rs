//! The `vigil` command line. Each subcommand parses its flags, makes one call into
//! `vigil-engine`, and prints the result — as text, or as JSON with `--json FILE` (`-` for
//! standard output). A failure exits with status 1; with `--json` the error is written there too,
//! as `{"error": {"message", "stage", "kind"}}`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use serde_json::json;
use vigil_engine::predict::{InputBinding, ModelInspection, Predictions};
use vigil_engine::{DeviceChoice, EngineError};

/// mimalloc keeps freed memory for reuse; with glibc's allocator each model run's buffers went
/// back to the system and page faults took a third of a small CNN's time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Debug, Parser)]
#[command(name = "vigil", version, about = "Vigil: local-first model operations")]
struct Cli {
    /// The workspace folder for commands that store results (default: $VIGIL_DATA_DIR, else the
    /// platform's app-data folder).
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Describe a model: inputs, outputs, opsets, operators, and whether Vigil can run it.
    Inspect {
        model: PathBuf,
        /// Write the description as JSON to FILE (`-` for standard output).
        #[arg(long, value_name = "FILE")]
        json: Option<String>,
    },
    /// Run a model over every row of a dataset.
    Predict {
        #[arg(long, value_name = "MODEL")]
        model: PathBuf,
        #[arg(long, value_name = "DATA")]
        data: PathBuf,
        /// Bind dataset columns to a model input: NAME=COL[,COL…] (repeatable).
        #[arg(long = "input", value_name = "NAME=COLS", value_parser = parse_binding)]
        inputs: Vec<InputBinding>,
        /// Columns that must never feed the model by position (a label, a sensitive column).
        #[arg(long, value_name = "COL", value_delimiter = ',')]
        exclude: Vec<String>,
        #[arg(long, value_enum, default_value_t = DeviceArg::Cpu)]
        device: DeviceArg,
        /// Write `{"predictions": …}` as JSON to FILE (`-` for standard output).
        #[arg(long, value_name = "FILE")]
        json: Option<String>,
    },
    /// Run a model over a labelled dataset (or read logged predictions) and score it.
    Eval(EvalArgs),
    /// Compare a current dataset with a reference, column by column (KS, Wasserstein, PSI,
    /// Jensen–Shannon, chi-square; Evidently's default choice of method and thresholds).
    Drift(DriftArgs),
    /// Follow a model over time: split the data into windows and report, per window, drift
    /// against a reference, realised performance (with labels), fairness gaps, and an estimate
    /// of accuracy from the model's confidence.
    Monitor(MonitorArgs),
    /// Compare two classifiers on the same labelled data: metric differences with paired
    /// bootstrap intervals, McNemar's exact test, DeLong's test, per-group accuracy, disagreements.
    Compare {
        /// The champion (first) model.
        #[arg(long, value_name = "MODEL")]
        first: PathBuf,
        /// The challenger (second) model; differences are second minus first.
        #[arg(long, value_name = "MODEL")]
        second: PathBuf,
        #[arg(long, value_name = "DATA")]
        data: PathBuf,
        #[arg(long, value_name = "COL")]
        target: String,
        #[arg(long, value_name = "LABEL")]
        pos_label: Option<String>,
        /// Sensitive columns: accuracy is compared per group of each.
        #[arg(long, value_name = "COL", value_delimiter = ',')]
        sensitive: Vec<String>,
        #[arg(long, value_name = "FILE")]
        json: Option<String>,
    },
    /// The model registry: import versions, gate policies, promote, roll back, history.
    #[command(subcommand)]
    Registry(RegistryCommand),
    /// The tamper-evident audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Feedback on stored predictions: annotate, score, export.
    #[command(subcommand)]
    Feedback(FeedbackCommand),
}

#[derive(Debug, Subcommand)]
enum FeedbackCommand {
    /// Annotate row ROW (1-based) of evaluation ID.
    Add {
        #[arg(long, value_name = "ID")]
        evaluation: i64,
        #[arg(long, value_name = "ROW")]
        row: i64,
        /// correct or incorrect.
        #[arg(long, value_name = "VERDICT")]
        verdict: Option<String>,
        /// The true label.
        #[arg(long, value_name = "LABEL")]
        label: Option<String>,
        #[arg(long, value_name = "TEXT", default_value = "")]
        note: String,
        #[arg(long, value_name = "FILE")]
        json: Option<String>,
    },
    /// The version's accuracy on the rows feedback labels.
    Score {
        #[arg(long, value_name = "ID")]
        evaluation: i64,
        #[arg(long, value_name = "FILE")]
        json: Option<String>,
    },
    /// Every annotation (of one evaluation with --evaluation), oldest first, as JSON Lines.
    Export {
        #[arg(long, value_name = "ID")]
        evaluation: Option<i64>,
        #[arg(long, alias = "json", value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
enum RegistryCommand {
    /// Store a model file as a version of NAME (the same bytes are the same version).
    Import {
        file: PathBuf,
        #[arg(long, value_name = "NAME")]
        name: String,
        /// What the model is for (kept when this import creates the model).
        #[arg(long, value_name = "TEXT", default_value = "")]
        description: String,
        #[arg(long, value_name = "TEXT", default_value = "")]
        notes: String,
        /// Tags for the version (repeatable or comma-separated).
        #[arg(long = "tag", value_name = "TAG", value_delimiter = ',')]
        tags: Vec<String>,
        #[arg(long, value_name = "FILE")]
        json: Option<String>,
    },
    /// Every model with its versions and aliases.
    List {
        #[arg(long, value_name = "FILE")]
        json: Option<String>,
    },
    /// Set NAME's quality gates (unset flags are not checked).
    Gates {
        name: String,
        #[arg(long, value_name = "X")]
        min_accuracy: Option<f64>,
        #[arg(long, value_name = "X")]
        min_roc_auc: Option<f64>,
        #[arg(long = "max-eo-difference", value_name = "X")]
        max_equalized_odds_difference: Option<f64>,
        #[arg(long, value_name = "X")]
        max_drift_share: Option<f64>,
        /// How far accuracy may fall below production's on the same dataset.
        #[arg(long, value_name = "X")]
        max_accuracy_drop: Option<f64>,
        /// The approver must not be the person who registered the version.
        #[arg(long)]
        four_eyes: bool,
        #[arg(long, value_name = "FILE")]
        json: Option<String>,
    },
    /// Check VERSION of NAME against its gates, without changing anything.
    Check {
        name: String,
        version: String,
        #[arg(long, value_name = "FILE")]
        json: Option<String>,
    },
    /// Point ALIAS at VERSION (a number or a hash prefix); production is gated.
    Promote {
        name: String,
        version: String,
        #[arg(long, value_name = "ALIAS")]
        alias: String,
        #[arg(long, value_name = "TEXT")]
        comment: String,
        /// Approve although a gate fails, saying why.
        #[arg(long, value_name = "TEXT")]
        override_reason: Option<String>,
        #[arg(long, value_name = "FILE")]
        json: Option<String>,
    },
    /// Move production back to the version it pointed at before.
    Rollback {
        name: String,
        #[arg(long, value_name = "TEXT")]
        reason: String,
        #[arg(long, value_name = "FILE")]
        json: Option<String>,
    },
    /// Aliases, gate policy and every alias move; with --at, what each alias pointed at then.
    History {
        name: String,
        /// A time (RFC 3339, e.g. 2026-03-01T12:00:00Z) or a date.
        #[arg(long, value_name = "TIME")]
        at: Option<String>,
        #[arg(long, value_name = "FILE")]
        json: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// Re-compute the hash chain; name the first event that was edited, inserted or removed.
    Verify {
        #[arg(long, value_name = "FILE")]
        json: Option<String>,
    },
    /// Write every event, oldest first, as JSON Lines.
    Export {
        /// Output file, also accepted as --json (default: standard output).
        #[arg(long, alias = "json", value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

/// `vigil monitor`'s flags.
#[derive(Debug, clap::Args)]
struct MonitorArgs {
    /// The model; without it, only drift is monitored.
    #[arg(long, value_name = "MODEL")]
    model: Option<PathBuf>,
    #[arg(long, value_name = "DATA")]
    data: PathBuf,
    /// The column that orders rows in time (default: the dataset's timestamp column).
    #[arg(long, value_name = "COL")]
    timestamp: Option<String>,
    /// day, week (ISO, Monday first), month, or rows:N.
    #[arg(long, value_name = "WINDOW", default_value = "week")]
    window: String,
    /// The reference data to compare each window with.
    #[arg(long, value_name = "DATA", conflicts_with = "reference_windows")]
    reference: Option<PathBuf>,
    /// Or: the first N windows of the data are the reference.
    #[arg(long, value_name = "N")]
    reference_windows: Option<usize>,
    /// The label column, for realised performance and fairness.
    #[arg(long, value_name = "COL")]
    target: Option<String>,
    #[arg(long, value_name = "LABEL")]
    pos_label: Option<String>,
    /// Sensitive columns (repeatable; `a,b` is the intersection of a and b).
    #[arg(long, value_name = "COL[,COL…]")]
    sensitive: Vec<String>,
    /// Numeric columns to check for drift (default: every feature column).
    #[arg(long, value_name = "COL", value_delimiter = ',')]
    numerical: Vec<String>,
    #[arg(long, value_name = "COL", value_delimiter = ',')]
    categorical: Vec<String>,
    /// Columns never checked for drift (an id, a label, a logged prediction).
    #[arg(long, value_name = "COL", value_delimiter = ',')]
    exclude: Vec<String>,
    /// Bind dataset columns to a model input: NAME=COL[,COL…] (repeatable).
    #[arg(long = "input", value_name = "NAME=COLS", value_parser = parse_binding)]
    inputs: Vec<InputBinding>,
    /// Write `{"monitoring": …}` as JSON to FILE (`-` for standard output).
    #[arg(long, value_name = "FILE")]
    json: Option<String>,
    /// Also store the run in the workspace (see --data-dir), with the model as a version of
    /// NAME and the data (and reference file) as datasets; the desktop app then shows it.
    #[arg(long, value_name = "NAME", requires = "model")]
    register: Option<String>,
}

fn sensitive_lists(flags: &[String]) -> Vec<Vec<String>> {
    flags
        .iter()
        .map(|s| {
            s.split(',')
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .collect()
}

/// `vigil drift`'s flags.
#[derive(Debug, clap::Args)]
struct DriftArgs {
    #[arg(long, value_name = "DATA")]
    reference: PathBuf,
    #[arg(long, value_name = "DATA")]
    current: PathBuf,
    /// Numeric columns to compare (comma-separated or repeated). With neither this nor
    /// --categorical, every shared column is compared except timestamps and identifiers.
    #[arg(long, value_name = "COL", value_delimiter = ',')]
    numerical: Vec<String>,
    /// Columns to compare as categories.
    #[arg(long, value_name = "COL", value_delimiter = ',')]
    categorical: Vec<String>,
    /// Columns to leave out of the automatic choice (a label, a row id).
    #[arg(long, value_name = "COL", value_delimiter = ',')]
    exclude: Vec<String>,
    /// Write `{"drift": …}` as JSON to FILE (`-` for standard output).
    #[arg(long, value_name = "FILE")]
    json: Option<String>,
}

/// `vigil eval`'s flags.
#[derive(Debug, clap::Args)]
struct EvalArgs {
    /// The model; leave out to score predictions already in the data (--prediction-column).
    #[arg(long, value_name = "MODEL")]
    model: Option<PathBuf>,
    #[arg(long, value_name = "DATA")]
    data: PathBuf,
    /// The column with the true labels (or values, for a regressor).
    #[arg(long, value_name = "COL")]
    target: String,
    /// The positive class for binary averages (default: 1, else the second class).
    #[arg(long, value_name = "LABEL")]
    pos_label: Option<String>,
    /// Sensitive columns (repeatable; `a,b` is the intersection of a and b). They never feed the
    /// model by position.
    #[arg(long, value_name = "COL[,COL…]")]
    sensitive: Vec<String>,
    /// Bind dataset columns to a model input: NAME=COL[,COL…] (repeatable).
    #[arg(long = "input", value_name = "NAME=COLS", value_parser = parse_binding)]
    inputs: Vec<InputBinding>,
    /// Without a model: the column holding the predicted labels.
    #[arg(long, value_name = "COL", conflicts_with = "model")]
    prediction_column: Option<String>,
    /// Without a model: the class-probability columns, in class order.
    #[arg(
        long,
        value_name = "C1,C2,…",
        value_delimiter = ',',
        requires = "prediction_column"
    )]
    probability_columns: Vec<String>,
    /// Bootstrap resamples for the 95 % intervals of the headline metrics (0: no intervals).
    #[arg(long, value_name = "N", default_value_t = 1000)]
    bootstrap: usize,
    #[arg(long, value_enum, default_value_t = DeviceArg::Cpu)]
    device: DeviceArg,
    /// Write `{"predictions": …, "metrics": …}` as JSON to FILE (`-` for standard output).
    #[arg(long, value_name = "FILE")]
    json: Option<String>,
    /// Also store the model as a version of NAME, the dataset, and this evaluation in the
    /// workspace (see --data-dir); the JSON then says which version and evaluation. Without
    /// --model, NAME is the system that logged the predictions.
    #[arg(long, value_name = "NAME")]
    register: Option<String>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum DeviceArg {
    Cpu,
    Gpu,
}

/// Opens the device asked for; when the GPU cannot be used, says why on standard error and
/// runs on the CPU.
fn open_device(choice: DeviceArg) -> vigil_engine::OpenedDevice {
    let opened = vigil_engine::OpenedDevice::open(match choice {
        DeviceArg::Cpu => DeviceChoice::Cpu,
        DeviceArg::Gpu => DeviceChoice::Gpu,
    });
    if let Some(fallback) = &opened.fallback {
        eprintln!("vigil: warning: {fallback}");
    }
    opened
}

fn parse_binding(text: &str) -> Result<InputBinding, String> {
    let (input, columns) = text.split_once('=').ok_or("expected NAME=COL[,COL…]")?;
    let columns: Vec<String> = columns
        .split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
        .collect();
    if input.trim().is_empty() || columns.is_empty() {
        return Err("expected NAME=COL[,COL…]".to_owned());
    }
    Ok(InputBinding {
        input: input.trim().to_owned(),
        columns,
    })
}

/// Writes JSON to a file, or to standard output for `-`.
/// What `vigil eval --json` writes: the run's result, and what `--register` stored.
#[derive(serde::Serialize)]
struct EvalOutput<'a> {
    #[serde(flatten)]
    result: vigil_engine::run::EvaluationResult<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    registered: Option<serde_json::Value>,
}

/// Writes `value` as pretty JSON to `destination` (`-`: standard output), as it is serialised.
fn write_json(destination: &str, value: &impl serde::Serialize) -> anyhow::Result<()> {
    let mut out: Box<dyn Write> = if destination == "-" {
        Box::new(std::io::BufWriter::new(std::io::stdout().lock()))
    } else {
        Box::new(std::io::BufWriter::new(std::fs::File::create(Path::new(
            destination,
        ))?))
    };
    serde_json::to_writer_pretty(&mut out, value)?;
    out.write_all(b"\n")?;
    out.flush()?;
    Ok(())
}

fn print_inspection(out: &mut impl Write, inspection: &ModelInspection) -> std::io::Result<()> {
    writeln!(
        out,
        "producer: {}  (IR version {})",
        inspection.producer, inspection.ir_version
    )?;
    let opsets: Vec<String> = inspection
        .opsets
        .iter()
        .map(|(d, v)| format!("{d} {v}"))
        .collect();
    writeln!(out, "opsets:   {}", opsets.join(", "))?;
    writeln!(out, "inputs:")?;
    for input in &inspection.inputs {
        writeln!(out, "  {:<24} {}", input.name, input.ty.notation())?;
    }
    writeln!(out, "outputs:")?;
    for output in &inspection.outputs {
        writeln!(out, "  {:<24} {}", output.name, output.ty.notation())?;
    }
    writeln!(out, "operators:")?;
    for op in &inspection.operators {
        let status = if op.supported {
            "supported"
        } else {
            "NOT SUPPORTED"
        };
        writeln!(
            out,
            "  {:<12} {:<24} {:>3} node(s)  {status}",
            op.domain, op.op_type, op.nodes
        )?;
    }
    match &inspection.problem {
        None => writeln!(out, "runnable: yes"),
        Some(problem) => writeln!(out, "runnable: no — {problem}"),
    }
}

fn print_metrics(out: &mut impl Write, result: &serde_json::Value) -> std::io::Result<()> {
    let metrics = &result["metrics"];
    writeln!(out, "{} rows", metrics["n_samples"])?;
    for key in [
        "accuracy",
        "balanced_accuracy",
        "log_loss",
        "mae",
        "rmse",
        "r2",
    ] {
        if let Some(v) = metrics[key].as_f64() {
            writeln!(out, "  {key:<18} {v:.6}")?;
        }
    }
    for key in ["precision", "recall", "f1"] {
        if let Some(v) = metrics[key]["macro"].as_f64() {
            writeln!(out, "  {:<18} {v:.6}", format!("{key} (macro)"))?;
        }
    }
    if let Some(auc) = metrics["roc_auc"].as_object() {
        for (k, v) in auc {
            if let Some(v) = v.as_f64() {
                writeln!(out, "  {:<18} {v:.6}", format!("roc_auc ({k})"))?;
            }
        }
    }
    Ok(())
}

fn print_predictions(out: &mut impl Write, predictions: &Predictions) -> std::io::Result<()> {
    writeln!(out, "{} rows", predictions.n_rows)?;
    if let (Some(classes), Some(labels)) = (&predictions.classes, &predictions.label) {
        for class in classes {
            let count = labels.iter().filter(|l| *l == class).count();
            writeln!(
                out,
                "  predicted {}: {count}",
                serde_json::to_string(class).unwrap_or_default()
            )?;
        }
    }
    if let Some(values) = &predictions.value {
        let mean = values.iter().map(|&v| f64::from(v)).sum::<f64>() / values.len().max(1) as f64;
        writeln!(out, "  mean predicted value: {mean}")?;
    }
    Ok(())
}

/// Runs one command; `Ok(false)` when its output could not be written.
fn run(command: Command, data_dir: Option<PathBuf>) -> Result<bool, (EngineError, Option<String>)> {
    match command {
        Command::Inspect { model, json } => {
            let inspection =
                vigil_engine::inspect_model_file(&model).map_err(|e| (e, json.clone()))?;
            Ok(emit(json.as_deref(), &json!(inspection), |out| {
                print_inspection(out, &inspection)
            }))
        }
        Command::Predict {
            model,
            data,
            inputs,
            exclude,
            device,
            json,
        } => {
            let device = open_device(device);
            let predictions =
                vigil_engine::predict_files(&model, &data, &inputs, &exclude, &device.device)
                    .map_err(|e| (e, json.clone()))?;
            Ok(emit(
                json.as_deref(),
                &json!({ "predictions": predictions, "device": device.device.name() }),
                |out| print_predictions(out, &predictions),
            ))
        }
        Command::Eval(args) => {
            let sensitive: Vec<Vec<String>> = args
                .sensitive
                .iter()
                .map(|s| {
                    s.split(',')
                        .map(str::trim)
                        .filter(|c| !c.is_empty())
                        .map(str::to_owned)
                        .collect()
                })
                .collect();
            let device = open_device(args.device);
            let request = vigil_engine::EvaluateRequest {
                model: args.model.as_deref(),
                data: &args.data,
                target: &args.target,
                pos_label: args.pos_label.as_deref(),
                inputs: &args.inputs,
                sensitive: &sensitive,
                prediction_column: args.prediction_column.as_deref(),
                probability_columns: &args.probability_columns,
                // The default stays out of the stored settings, so earlier results still match.
                bootstrap_resamples: (args.bootstrap != 1000).then_some(args.bootstrap),
                stream_min_bytes: vigil_engine::dataset_input::stream_min_bytes_from_env(),
                device: &device.device,
            };
            // A progress bar on a terminal; none when standard error is redirected.
            let bar = std::sync::Arc::new(ProgressBar::new(std::io::IsTerminal::is_terminal(
                &std::io::stderr(),
            )));
            let drawing = bar.clone();
            let job = vigil_engine::run::JobHandle::new(move |p| {
                if p.stage == "inference" || p.stage == "reading" {
                    drawing.show(&p.stage, p.done, p.total);
                }
            });
            let evaluated = vigil_engine::run_evaluation_files(&request, &job);
            bar.finish();
            let run = evaluated.map_err(|e| (e, args.json.clone()))?;
            let mut registered = None;
            if let Some(name) = &args.register {
                // The run above is what gets stored: nothing is computed twice.
                let files = vigil_engine::EvaluationFiles {
                    model: args.model.as_deref(),
                    name,
                    data: &args.data,
                };
                registered = Some(
                    register(data_dir, &files, &run, &request.settings())
                        .map_err(|e| (e, args.json.clone()))?,
                );
            }
            // Written straight from the run: every row's prediction is not copied into a JSON
            // tree first.
            let output = EvalOutput {
                result: run.result(),
                registered,
            };
            let summary = json!({ "metrics": run.metrics });
            Ok(emit(args.json.as_deref(), &output, |out| {
                print_metrics(out, &summary)
            }))
        }
        Command::Monitor(args) => {
            let window = vigil_engine::monitor::WindowSpec::parse(&args.window)
                .map_err(|e| (e, args.json.clone()))?;
            let sensitive = sensitive_lists(&args.sensitive);
            let files = vigil_engine::monitor::MonitorFiles {
                model: args.model.as_deref(),
                data: &args.data,
                reference: args.reference.as_deref(),
                reference_windows: args.reference_windows,
                timestamp: args.timestamp.as_deref(),
                window,
                columns: vigil_engine::drift::DriftColumns {
                    numerical: args.numerical,
                    categorical: args.categorical,
                    exclude: args.exclude,
                },
                target: args.target.as_deref(),
                pos_label: args.pos_label.as_deref(),
                sensitive: &sensitive,
                inputs: &args.inputs,
            };
            let mut result =
                vigil_engine::monitor::monitor_files(&files).map_err(|e| (e, args.json.clone()))?;
            if let Some(name) = &args.register {
                let request = vigil_engine::stored_monitoring::MonitorFileRequest {
                    model_path: args.model.as_ref().map(|p| p.display().to_string()),
                    model_name: Some(name.clone()),
                    data_path: args.data.display().to_string(),
                    reference_path: args.reference.as_ref().map(|p| p.display().to_string()),
                    reference_windows: args.reference_windows,
                    window: args.window.clone(),
                    timestamp: args.timestamp.clone(),
                    target: args.target.clone(),
                    pos_label: args.pos_label.clone(),
                    sensitive: sensitive.clone(),
                    exclude: files.columns.exclude.clone(),
                };
                let stored =
                    register_monitoring(data_dir, &request).map_err(|e| (e, args.json.clone()))?;
                result["registered"] = stored;
            }
            Ok(emit(args.json.as_deref(), &result, |out| {
                print_monitoring(out, &result["monitoring"])
            }))
        }
        Command::Compare {
            first,
            second,
            data,
            target,
            pos_label,
            sensitive,
            json,
        } => {
            let value =
                vigil_engine::compare::compare_files(&vigil_engine::compare::CompareFiles {
                    first: &first,
                    second: &second,
                    data: &data,
                    target: &target,
                    pos_label: pos_label.as_deref(),
                    sensitive: &sensitive,
                })
                .map_err(|e| (e, json.clone()))?;
            Ok(emit(json.as_deref(), &value, |out| {
                print_comparison(out, &value["comparison"])
            }))
        }
        Command::Registry(command) => registry(command, data_dir),
        Command::Feedback(command) => feedback(command, data_dir),
        Command::Audit(command) => audit(command, data_dir),
        Command::Drift(args) => {
            let selection = vigil_engine::drift::DriftColumns {
                numerical: args.numerical,
                categorical: args.categorical,
                exclude: args.exclude,
            };
            let result =
                vigil_engine::drift::drift_files(&args.reference, &args.current, &selection)
                    .map_err(|e| (e, args.json.clone()))?;
            Ok(emit(args.json.as_deref(), &result, |out| {
                print_drift(out, &result["drift"])
            }))
        }
    }
}

/// One line per window: rows, drifted columns, realised and estimated accuracy, fairness gaps.
fn print_monitoring(out: &mut impl Write, monitoring: &serde_json::Value) -> std::io::Result<()> {
    writeln!(
        out,
        "reference: {} ({} rows)",
        monitoring["reference"].as_str().unwrap_or(""),
        monitoring["reference_rows"]
    )?;
    writeln!(
        out,
        "{:<22} {:>7} {:>8} {:>9} {:>10}  notes",
        "window", "rows", "drifted", "accuracy", "estimated"
    )?;
    let number = |v: &serde_json::Value| v.as_f64().map_or("—".to_owned(), |x| format!("{x:.4}"));
    for window in monitoring["windows"].as_array().into_iter().flatten() {
        let accuracy = window["performance"]
            .as_array()
            .and_then(|p| p.iter().find(|m| m["name"] == "accuracy"))
            .map_or(serde_json::Value::Null, |m| m["value"].clone());
        let mut notes: Vec<String> = window["warnings"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|w| w.as_str().map(str::to_owned))
            .collect();
        if window["in_reference"] == true {
            notes.insert(0, "reference".to_owned());
        }
        writeln!(
            out,
            "{:<22} {:>7} {:>4}/{:<3} {:>9} {:>10}  {}",
            window["label"].as_str().unwrap_or(""),
            window["rows"],
            window["drifted_columns"],
            window["drift"].as_array().map_or(0, Vec::len),
            number(&accuracy),
            number(&window["estimated_accuracy"]),
            notes.join("; ")
        )?;
    }
    Ok(())
}

/// The drift table: one line per column with Evidently's default method, score and verdict.
fn print_drift(out: &mut impl Write, drift: &serde_json::Value) -> std::io::Result<()> {
    let default = &drift["evidently"]["default"];
    writeln!(
        out,
        "{} of {} columns drifted (Evidently's default methods); dataset drift: {}",
        default["n_drifted"],
        default["n_columns"],
        if default["dataset_drift"].as_bool() == Some(true) {
            "yes"
        } else {
            "no"
        }
    )?;
    writeln!(
        out,
        "{:<28} {:<12} {:<30} {:>12}  drifted",
        "column", "type", "method", "score"
    )?;
    if let Some(columns) = drift["columns"].as_object() {
        for (name, column) in columns {
            let test = &column["evidently"]["default"];
            writeln!(
                out,
                "{:<28} {:<12} {:<30} {:>12.6}  {}",
                name,
                column["type"].as_str().unwrap_or(""),
                test["method"].as_str().unwrap_or(""),
                test["score"].as_f64().unwrap_or(f64::NAN),
                if test["drifted"].as_bool() == Some(true) {
                    "yes"
                } else {
                    "no"
                }
            )?;
        }
    }
    Ok(())
}

/// A one-line progress bar on standard error, redrawn in place.
struct ProgressBar {
    enabled: bool,
    drawn: std::sync::atomic::AtomicBool,
}

impl ProgressBar {
    fn new(enabled: bool) -> Self {
        Self {
            enabled,
            drawn: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// Draws the bar of a counted stage: `reading` counts bytes (a large file is scanned
    /// before its rows run), `inference` counts rows.
    fn show(&self, stage: &str, done: u64, total: u64) {
        if !self.enabled || total == 0 {
            return;
        }
        const WIDTH: u64 = 30;
        const MIB: u64 = 1 << 20;
        let filled = usize::try_from(done.min(total) * WIDTH / total).unwrap_or(0);
        let count = if stage == "reading" {
            format!("{}/{} MiB", done / MIB, total.div_ceil(MIB))
        } else {
            format!("{done}/{total} rows")
        };
        eprint!(
            "\r{stage:<9} [{}{}] {:>3}% {count}   ",
            "#".repeat(filled),
            ".".repeat(usize::try_from(WIDTH).unwrap_or(30).saturating_sub(filled)),
            done.min(total) * 100 / total
        );
        self.drawn.store(true, std::sync::atomic::Ordering::Relaxed);
    }

    fn finish(&self) {
        if self.drawn.load(std::sync::atomic::Ordering::Relaxed) {
            eprintln!();
        }
    }
}

/// Stores the evaluation that was just computed — with its model version (or, for logged
/// predictions, the name of the system that logged them) and its dataset — in the workspace.
fn register(
    data_dir: Option<PathBuf>,
    files: &vigil_engine::EvaluationFiles<'_>,
    run: &vigil_engine::run::EvaluationRun,
    settings: &vigil_engine::EvaluationSettings,
) -> Result<serde_json::Value, EngineError> {
    let dir = vigil_engine::resolve_data_dir(data_dir)?;
    let stored = in_workspace(Some(dir.clone()), async |workspace| {
        workspace
            .store_evaluation_run(files, run, settings, &vigil_engine::current_actor())
            .await
    })?;
    let mut out = json!({
        "evaluation": stored.summary.id,
        "cached": stored.summary.cached,
        "data_dir": dir.display().to_string(),
    });
    match &stored.version {
        Some(version) => {
            out["model"] = json!(files.name);
            out["version"] = json!(version.version);
            out["sha256"] = json!(version.sha256);
        }
        None => out["logged_source"] = json!(files.name),
    }
    Ok(out)
}

/// Opens the workspace named by --data-dir (else the default) and runs `work` in it.
fn in_workspace<T>(
    data_dir: Option<PathBuf>,
    work: impl AsyncFnOnce(&vigil_engine::Workspace) -> Result<T, EngineError>,
) -> Result<T, EngineError> {
    let dir = vigil_engine::resolve_data_dir(data_dir)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| EngineError::TaskFailed(e.to_string()))?;
    runtime.block_on(async {
        let workspace = vigil_engine::Workspace::open(&dir, vigil_engine::DemoSeeding::Never)
            .await?
            .with_stream_min_bytes(vigil_engine::dataset_input::stream_min_bytes_from_env());
        let result = work(&workspace).await;
        workspace.close().await;
        result
    })
}

fn registry(
    command: RegistryCommand,
    data_dir: Option<PathBuf>,
) -> Result<bool, (EngineError, Option<String>)> {
    let actor = vigil_engine::current_actor();
    match command {
        RegistryCommand::Import {
            file,
            name,
            description,
            notes,
            tags,
            json,
        } => {
            let value = in_workspace(data_dir, async |ws| {
                let imported = ws
                    .register_model_file(&file, &name, &description, &notes, &actor)
                    .await?;
                if !tags.is_empty() {
                    ws.set_version_tags(&name, &imported.item.version.to_string(), &tags, &actor)
                        .await?;
                }
                Ok(json!({
                    "model": name,
                    "version": imported.item.version,
                    "sha256": imported.item.sha256,
                    "created": imported.created,
                }))
            })
            .map_err(|e| (e, json.clone()))?;
            Ok(emit(json.as_deref(), &value, |out| {
                writeln!(
                    out,
                    "{} v{} ({}){}",
                    value["model"].as_str().unwrap_or(""),
                    value["version"],
                    value["sha256"]
                        .as_str()
                        .unwrap_or("")
                        .get(..12)
                        .unwrap_or(""),
                    if value["created"] == true {
                        ""
                    } else {
                        " — already registered"
                    }
                )
            }))
        }
        RegistryCommand::List { json } => {
            let value = in_workspace(data_dir, async |ws| {
                let mut models = Vec::new();
                for model in ws.list_models().await? {
                    let lifecycle = ws.lifecycle(&model.name).await?;
                    models.push(json!({
                        "name": model.name,
                        "description": model.description,
                        "versions": model.versions.iter().map(|v| json!({
                            "version": v.version, "sha256": v.sha256, "source": v.source,
                            "created_at": v.created_at, "created_by": v.created_by,
                            "tags": v.tags, "signature": v.signature,
                        })).collect::<Vec<_>>(),
                        "aliases": lifecycle.aliases.iter().map(|(a, v)| (a.clone(), json!(v))).collect::<serde_json::Map<_, _>>(),
                    }));
                }
                Ok(json!({ "models": models }))
            })
            .map_err(|e| (e, json.clone()))?;
            Ok(emit(json.as_deref(), &value, |out| {
                for model in value["models"].as_array().into_iter().flatten() {
                    writeln!(out, "{}", model["name"].as_str().unwrap_or(""))?;
                    for v in model["versions"].as_array().into_iter().flatten() {
                        let aliases: Vec<&str> = model["aliases"]
                            .as_object()
                            .into_iter()
                            .flatten()
                            .filter(|(_, n)| **n == v["version"])
                            .map(|(a, _)| a.as_str())
                            .collect();
                        writeln!(
                            out,
                            "  v{} {} {} {}",
                            v["version"],
                            v["sha256"].as_str().unwrap_or("").get(..12).unwrap_or(""),
                            v["source"].as_str().unwrap_or(""),
                            if aliases.is_empty() {
                                String::new()
                            } else {
                                format!("[{}]", aliases.join(", "))
                            }
                        )?;
                    }
                }
                Ok(())
            }))
        }
        RegistryCommand::Gates {
            name,
            min_accuracy,
            min_roc_auc,
            max_equalized_odds_difference,
            max_drift_share,
            max_accuracy_drop,
            four_eyes,
            json,
        } => {
            let policy = vigil_engine::registry::GatePolicy {
                min_accuracy,
                min_roc_auc,
                max_equalized_odds_difference,
                max_drift_share,
                max_accuracy_drop,
                four_eyes,
            };
            in_workspace(data_dir, async |ws| {
                ws.set_gate_policy(&name, &policy, &actor).await
            })
            .map_err(|e| (e, json.clone()))?;
            let value = json!({ "model": name, "policy": policy });
            Ok(emit(json.as_deref(), &value, |out| {
                writeln!(
                    out,
                    "gates of {name} set: {}",
                    serde_json::to_string(&policy).unwrap_or_default()
                )
            }))
        }
        RegistryCommand::Check {
            name,
            version,
            json,
        } => {
            let report = in_workspace(data_dir, async |ws| {
                let model = ws.model_named(&name).await?;
                let version = ws.find_version(&model, &version).await?;
                ws.gate_report(&model, &version).await
            })
            .map_err(|e| (e, json.clone()))?;
            let value = json!({ "gates": report });
            Ok(emit(json.as_deref(), &value, |out| {
                print_gates(out, &report)
            }))
        }
        RegistryCommand::Promote {
            name,
            version,
            alias,
            comment,
            override_reason,
            json,
        } => {
            let event = in_workspace(data_dir, async |ws| {
                ws.promote(
                    &name,
                    &version,
                    &alias,
                    &comment,
                    override_reason.as_deref(),
                    &actor,
                )
                .await
            })
            .map_err(|e| (e, json.clone()))?;
            let value = json!({ "event": event });
            Ok(emit(json.as_deref(), &value, |out| {
                writeln!(
                    out,
                    "{alias} of {name}: {} → v{}",
                    event
                        .from_version
                        .map_or("none".to_owned(), |v| format!("v{v}")),
                    event.to_version
                )?;
                if let Some(report) = &event.gate_report {
                    print_gates(out, report)?;
                }
                Ok(())
            }))
        }
        RegistryCommand::Rollback { name, reason, json } => {
            let event = in_workspace(data_dir, async |ws| {
                ws.rollback(&name, &reason, &actor).await
            })
            .map_err(|e| (e, json.clone()))?;
            let value = json!({ "event": event });
            Ok(emit(json.as_deref(), &value, |out| {
                writeln!(
                    out,
                    "production of {name} rolled back: {} → v{}",
                    event
                        .from_version
                        .map_or("none".to_owned(), |v| format!("v{v}")),
                    event.to_version
                )
            }))
        }
        RegistryCommand::History { name, at, json } => {
            let value = in_workspace(data_dir, async |ws| {
                let lifecycle = ws.lifecycle(&name).await?;
                let mut value = json!({ "lifecycle": lifecycle });
                if let Some(at) = &at {
                    let mut live = serde_json::Map::new();
                    for alias in lifecycle
                        .history
                        .iter()
                        .map(|h| h.alias.clone())
                        .collect::<std::collections::BTreeSet<_>>()
                    {
                        live.insert(alias.clone(), json!(ws.alias_at(&name, &alias, at).await?));
                    }
                    value["at"] = json!({ "time": at, "aliases": live });
                }
                Ok(value)
            })
            .map_err(|e| (e, json.clone()))?;
            Ok(emit(json.as_deref(), &value, |out| {
                let lifecycle = &value["lifecycle"];
                for event in lifecycle["history"].as_array().into_iter().flatten() {
                    writeln!(
                        out,
                        "{}  {:<10} {:<9} {} → v{}  by {}: {}{}",
                        event["at"].as_str().unwrap_or(""),
                        event["alias"].as_str().unwrap_or(""),
                        event["action"].as_str().unwrap_or(""),
                        event["fromVersion"]
                            .as_i64()
                            .map_or("none".to_owned(), |v| format!("v{v}")),
                        event["toVersion"],
                        event["actor"].as_str().unwrap_or(""),
                        event["comment"].as_str().unwrap_or(""),
                        event["overrideReason"]
                            .as_str()
                            .map_or(String::new(), |r| format!(" (gates overridden: {r})")),
                    )?;
                }
                if let Some(live) = value["at"]["aliases"].as_object() {
                    for (alias, version) in live {
                        writeln!(
                            out,
                            "at {}: {alias} = {}",
                            value["at"]["time"].as_str().unwrap_or(""),
                            version
                                .as_i64()
                                .map_or("none".to_owned(), |v| format!("v{v}"))
                        )?;
                    }
                }
                Ok(())
            }))
        }
    }
}

fn print_comparison(out: &mut impl Write, c: &serde_json::Value) -> std::io::Result<()> {
    writeln!(
        out,
        "{:<20} {:>10} {:>10} {:>10}  95 % CI of the difference",
        "metric", "first", "second", "second−first"
    )?;
    let number = |v: &serde_json::Value| v.as_f64().map_or("—".to_owned(), |x| format!("{x:.4}"));
    for (name, m) in c["metrics"].as_object().into_iter().flatten() {
        let ci = &m["difference_ci"];
        writeln!(
            out,
            "{name:<20} {:>10} {:>10} {:>10}  {}",
            number(&m["first"]),
            number(&m["second"]),
            number(&m["difference"]),
            if ci.is_null() {
                String::new()
            } else {
                format!("[{}, {}]", number(&ci["low"]), number(&ci["high"]))
            }
        )?;
    }
    writeln!(
        out,
        "McNemar (exact): only first right {}, only second right {}, p = {}",
        c["mcnemar"]["only_first_correct"],
        c["mcnemar"]["only_second_correct"],
        number(&c["mcnemar"]["pvalue"])
    )?;
    if !c["delong"].is_null() {
        writeln!(
            out,
            "DeLong: ROC AUC difference {} (z = {}), p = {}",
            number(&c["delong"]["difference"]),
            number(&c["delong"]["z"]),
            number(&c["delong"]["pvalue"])
        )?;
    }
    writeln!(
        out,
        "rows where the predictions differ: {}",
        c["disagreements"]["count"]
    )
}

fn print_gates(
    out: &mut impl Write,
    report: &vigil_engine::registry::GateReport,
) -> std::io::Result<()> {
    writeln!(
        out,
        "gates for v{}: {}",
        report.version,
        if report.passed { "pass" } else { "FAIL" }
    )?;
    for check in &report.checks {
        writeln!(
            out,
            "  {} {} {}: {} ({})",
            if check.passed { "✓" } else { "✗" },
            check.name,
            check.rule,
            check.actual.map_or("—".to_owned(), |v| format!("{v:.4}")),
            check.evidence
        )?;
    }
    Ok(())
}

fn feedback(
    command: FeedbackCommand,
    data_dir: Option<PathBuf>,
) -> Result<bool, (EngineError, Option<String>)> {
    let actor = vigil_engine::current_actor();
    match command {
        FeedbackCommand::Add {
            evaluation,
            row,
            verdict,
            label,
            note,
            json,
        } => {
            let updated = in_workspace(data_dir, async |ws| {
                let prediction_id = ws.prediction_of_row(evaluation, row).await?;
                ws.annotate(
                    &vigil_engine::feedback::Annotation {
                        prediction_id,
                        verdict: verdict.clone(),
                        true_label: label.clone(),
                        note: note.clone(),
                    },
                    &actor,
                )
                .await
            })
            .map_err(|e| (e, json.clone()))?;
            let value = json!({ "prediction": updated });
            Ok(emit(json.as_deref(), &value, |out| {
                writeln!(
                    out,
                    "row {} of evaluation {evaluation} annotated by {actor}",
                    updated.row
                )
            }))
        }
        FeedbackCommand::Score { evaluation, json } => {
            let score = in_workspace(data_dir, async |ws| {
                ws.feedback_performance(evaluation).await
            })
            .map_err(|e| (e, json.clone()))?;
            let value = json!({ "feedback_performance": score });
            Ok(emit(json.as_deref(), &value, |out| {
                writeln!(
                    out,
                    "{} rows labelled by feedback: accuracy {} ({} annotations; {} contradict the dataset's label)",
                    score.labelled_rows,
                    score.accuracy.map_or("—".to_owned(), |a| format!("{a:.4}")),
                    score.annotations,
                    score.contradicting_dataset
                )
            }))
        }
        FeedbackCommand::Export { evaluation, out } => {
            let rows = in_workspace(data_dir, async |ws| ws.export_feedback(evaluation).await)
                .map_err(|e| (e, None))?;
            Ok(write_json_lines(&rows, out.as_deref()))
        }
    }
}

fn audit(
    command: AuditCommand,
    data_dir: Option<PathBuf>,
) -> Result<bool, (EngineError, Option<String>)> {
    match command {
        AuditCommand::Verify { json } => {
            let check = in_workspace(data_dir, async |ws| ws.verify_audit_log().await)
                .map_err(|e| (e, json.clone()))?;
            let value = json!({ "audit": check });
            let written = emit(json.as_deref(), &value, |out| {
                if check.intact {
                    writeln!(
                        out,
                        "audit log intact: {} events, every hash re-computed",
                        check.events
                    )
                } else {
                    writeln!(
                        out,
                        "audit log BROKEN at event {}: {}",
                        check.broken_at.unwrap_or(0),
                        check.reason.as_deref().unwrap_or("")
                    )
                }
            });
            // A broken chain fails the command, so scripts notice.
            Ok(written && check.intact)
        }
        AuditCommand::Export { out } => {
            let events = in_workspace(data_dir, async |ws| ws.export_audit_log().await)
                .map_err(|e| (e, None))?;
            Ok(write_json_lines(&events, out.as_deref()))
        }
    }
}

/// Writes one JSON document per line to `out` (standard output without it); false when
/// writing failed.
fn write_json_lines<T: serde::Serialize>(rows: &[T], out: Option<&Path>) -> bool {
    let mut text = String::new();
    for row in rows {
        text.push_str(&serde_json::to_string(row).unwrap_or_default());
        text.push('\n');
    }
    let written = match out {
        Some(path) => std::fs::write(path, &text),
        None => std::io::stdout().write_all(text.as_bytes()),
    };
    if let Err(error) = written {
        eprintln!("vigil: cannot write the export: {error}");
        return false;
    }
    true
}

/// Stores a monitoring run of the files in the workspace.
fn register_monitoring(
    data_dir: Option<PathBuf>,
    request: &vigil_engine::stored_monitoring::MonitorFileRequest,
) -> Result<serde_json::Value, EngineError> {
    let dir = vigil_engine::resolve_data_dir(data_dir)?;
    let run = in_workspace(Some(dir.clone()), async |workspace| {
        workspace
            .monitor_model_file(request, &vigil_engine::current_actor())
            .await
    })?;
    Ok(json!({
        "monitoring_run": run.id,
        "model": run.model_name,
        "version": run.model_version,
        "cached": run.cached,
        "data_dir": dir.display().to_string(),
    }))
}

/// Prints the text form, and the JSON form where asked; false when writing failed.
fn emit(
    json: Option<&str>,
    value: &impl serde::Serialize,
    text: impl FnOnce(&mut std::io::StdoutLock<'_>) -> std::io::Result<()>,
) -> bool {
    if json != Some("-")
        && let Err(error) = text(&mut std::io::stdout().lock())
    {
        eprintln!("vigil: cannot write to standard output: {error}");
        return false;
    }
    if let Some(destination) = json
        && let Err(error) = write_json(destination, value)
    {
        eprintln!("vigil: cannot write {destination}: {error:#}");
        return false;
    }
    true
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command, cli.data_dir) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err((error, json)) => {
            let message = error.user_message();
            eprintln!("vigil: {message}");
            if let Some(destination) = json {
                let (stage, kind) = error.stage_and_kind();
                let body = json!({ "error": { "message": message, "stage": stage, "kind": kind } });
                if let Err(write_error) = write_json(&destination, &body) {
                    eprintln!("vigil: cannot write {destination}: {write_error:#}");
                }
            }
            ExitCode::FAILURE
        }
    }
}
