//! How fast the Feedback view's pages come back on a large evaluation: registers a
//! 100,000-row resample of the demo data with the demo model in a temporary workspace, then
//! times the page queries the view makes (first page, a deep page, the annotation queue, one
//! group, one class) and an annotation. Prints one JSON line of milliseconds (best of 5).
//!
//! `cargo bench -p vigil-engine --bench feedback_pages [-- ROWS]`
#![allow(
    clippy::print_stdout,
    clippy::expect_used,
    reason = "a benchmark binary reports on stdout"
)]

use std::time::Instant;

use vigil_engine::feedback::{Annotation, GroupFilter, PredictionFilter};
use vigil_engine::{DemoSeeding, EvaluationSettings, Workspace};

fn main() {
    let rows: usize = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .map_or(100_000, |r| r.parse().expect("ROWS is a number"));
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let demo =
        std::fs::read_to_string(root.join("demo/data/credit_applications.csv")).expect("demo data");
    let mut lines = demo.lines();
    let header = lines.next().expect("header");
    let body: Vec<&str> = lines.collect();
    let dir = tempfile::tempdir().expect("temp");
    let data = dir.path().join("large.csv");
    let mut text = String::from(header);
    text.push('\n');
    for i in 0..rows {
        text.push_str(body[(i * 7919) % body.len()]);
        text.push('\n');
    }
    std::fs::write(&data, text).expect("write data");
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let workspace = Workspace::open(&dir.path().join("ws"), DemoSeeding::Never)
            .await
            .expect("workspace");
        let settings = EvaluationSettings::for_model("default", None, vec![vec!["sex".to_owned()]]);
        let model = root.join("demo/models/credit_risk_v2.onnx");
        let files = vigil_engine::EvaluationFiles {
            model: Some(&model),
            name: "large",
            data: &data,
        };
        let started = Instant::now();
        let evaluation = workspace
            .evaluate_files(
                &files,
                &settings,
                false,
                &vigil_engine::run::JobHandle::silent(),
                "bench",
            )
            .await
            .expect("evaluate")
            .summary;
        let evaluate_ms = started.elapsed().as_secs_f64() * 1000.0;
        let time = |filter: PredictionFilter| {
            let workspace = &workspace;
            async move {
                let mut best = f64::INFINITY;
                for _ in 0..5 {
                    let started = Instant::now();
                    let page = workspace
                        .predictions(evaluation.id, &filter)
                        .await
                        .expect("page");
                    assert!(!page.rows.is_empty());
                    best = best.min(started.elapsed().as_secs_f64() * 1000.0);
                }
                best
            }
        };
        let page = |offset: i64| PredictionFilter {
            offset,
            limit: 50,
            ..Default::default()
        };
        let first = time(page(0)).await;
        let deep = time(page(i64::try_from(rows).expect("rows") - 100)).await;
        let queue = time(PredictionFilter {
            unannotated: true,
            by_uncertainty: true,
            limit: 50,
            ..Default::default()
        })
        .await;
        let group = time(PredictionFilter {
            group: Some(GroupFilter {
                column: "sex".to_owned(),
                value: "F".to_owned(),
            }),
            limit: 50,
            ..Default::default()
        })
        .await;
        let class = time(PredictionFilter {
            predicted_label: Some("1".to_owned()),
            limit: 50,
            ..Default::default()
        })
        .await;
        let target = workspace
            .predictions(evaluation.id, &page(0))
            .await
            .expect("page")
            .rows[0]
            .prediction_id;
        let started = Instant::now();
        workspace
            .annotate(
                &Annotation {
                    prediction_id: target,
                    verdict: Some("correct".to_owned()),
                    true_label: None,
                    note: String::new(),
                },
                "bench",
            )
            .await
            .expect("annotate");
        let annotate = started.elapsed().as_secs_f64() * 1000.0;
        println!(
            "{}",
            serde_json::json!({
                "rows": rows,
                "evaluate_and_store_ms": evaluate_ms,
                "first_page_ms": first,
                "deep_page_ms": deep,
                "queue_page_ms": queue,
                "group_page_ms": group,
                "class_page_ms": class,
                "annotate_ms": annotate,
            })
        );
    });
}
