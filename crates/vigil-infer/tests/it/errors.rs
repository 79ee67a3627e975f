//! The kit's broken models, and models that break one rule each: a clear error, never a panic.

use vigil_infer::{Device, HostTensor, LoadError, Model, RunError};

use crate::kit;

fn load(path: &str) -> Result<Model, LoadError> {
    Model::load(&std::fs::read(kit().join(path)).expect("fixture"))
}

#[test]
fn empty_garbage_and_truncated_files_are_load_errors() {
    assert_eq!(
        load("models/errors/empty.onnx").expect_err("empty"),
        LoadError::EmptyFile
    );
    for path in ["models/errors/garbage.onnx", "models/errors/truncated.onnx"] {
        let error = load(path).expect_err("broken");
        assert!(
            matches!(error, LoadError::InvalidProtobuf(_) | LoadError::NoGraph),
            "{path}: {error:?}"
        );
        assert!(!error.to_string().is_empty());
    }
}

#[test]
fn a_wrong_input_width_names_the_input_and_both_shapes() {
    let model = load("models/errors/breast_cancer_logreg_dim31.onnx").expect("loads");
    let x = HostTensor::f32(vec![2, 30], vec![0.0; 60]).expect("tensor");
    let error = model
        .run(vec![("X".to_owned(), x)], &Device::cpu())
        .expect_err("shape");
    assert_eq!(
        error.to_string(),
        "model input `X` expects shape tensor(float)[?,31], got [2, 30]"
    );
}

#[test]
fn a_renamed_input_is_reported_by_name() {
    let model = load("models/errors/credit_gbm_renamed_input.onnx").expect("loads");
    assert!(model.inputs().iter().any(|i| i.name == "annual_income"));
    let error = model
        .run(
            vec![(
                "income".to_owned(),
                HostTensor::f32(vec![1, 1], vec![1.0]).expect("t"),
            )],
            &Device::cpu(),
        )
        .expect_err("name");
    assert!(
        matches!(error, RunError::UnknownInput { ref name, .. } if name == "income"),
        "{error:?}"
    );
}

#[test]
fn every_kit_model_loads_with_its_signature() {
    for (path, inputs, first_output) in [
        ("models/breast_cancer_logreg.onnx", 1, "output_label"),
        ("models/credit_rf.onnx", 12, "output_label"),
        ("models/digits_cnn.onnx", 1, "label"),
        ("models/diabetes_rf.onnx", 1, "variable"),
    ] {
        let model = load(path).expect("loads");
        assert_eq!(model.inputs().len(), inputs, "{path}");
        assert_eq!(model.outputs()[0].name, first_output, "{path}");
    }
    let model = load("models/breast_cancer_logreg.onnx").expect("loads");
    assert_eq!(model.inputs()[0].ty.notation(), "tensor(float)[?,30]");
    assert_eq!(
        model.outputs()[1].ty.notation(),
        "seq(map(int64,tensor(float)))"
    );
}

fn broken(name: &str) -> Result<Model, LoadError> {
    let path = crate::kit().join("../models").join(name);
    Model::load(&std::fs::read(path).expect("fixture"))
}

#[test]
fn a_cycle_is_found_at_load() {
    assert!(
        matches!(broken("cyclic.onnx"), Err(LoadError::Cycle { .. })),
        "{:?}",
        broken("cyclic.onnx").err()
    );
}

#[test]
fn a_value_nothing_defines_is_named_at_load() {
    let error = broken("missing_initializer.onnx").expect_err("undefined");
    assert_eq!(
        error,
        LoadError::UndefinedValue {
            node: "add".to_owned(),
            value: "w".to_owned()
        }
    );
}

#[test]
fn a_huge_declared_initializer_is_an_error_not_an_allocation() {
    let error = broken("huge_initializer.onnx").expect_err("huge");
    assert!(
        matches!(error, LoadError::InvalidInitializer { ref name, .. } if name == "w"),
        "{error:?}"
    );
}

#[test]
fn a_huge_tensor_built_at_run_time_is_an_error() {
    let model = broken("huge_runtime_tensor.onnx").expect("loads");
    let x = HostTensor::f32(vec![1, 2], vec![0.0, 0.0]).expect("t");
    let error = model
        .run(vec![("x".to_owned(), x)], &Device::cpu())
        .expect_err("huge");
    assert!(error.to_string().contains("more than"), "{error}");
}

#[test]
fn an_unsupported_operator_names_its_type_domain_and_node() {
    let error = broken("unsupported_op.onnx").expect_err("unsupported");
    assert_eq!(
        error.to_string(),
        "operator `Einsum` of domain `ai.onnx` (node `mystery`) is not supported by Vigil's ONNX runtime"
    );
}
