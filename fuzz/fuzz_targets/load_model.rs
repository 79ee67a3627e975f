//! Fuzzes the ONNX loader: any byte string must load or fail with a `LoadError` — never panic,
//! abort or run away with memory. Loaded models are also run once on a tiny input, so that the
//! checks done at load are exercised against the runner.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vigil_infer::{Device, HostTensor, Model, TensorData, ValueType};

fuzz_target!(|bytes: &[u8]| {
    let Ok(model) = Model::load(bytes) else {
        return;
    };
    let _ = vigil_infer::describe(bytes);
    // Feed a one-row zero tensor of each input's declared type; errors are fine, panics are not.
    let inputs = model
        .inputs()
        .iter()
        .filter_map(|info| {
            let ValueType::Tensor { shape, .. } = &info.ty else {
                return None;
            };
            let dims: Vec<usize> = shape
                .as_ref()
                .map(|s| {
                    s.iter()
                        .map(|d| match d {
                            vigil_infer::Dim::Fixed(n) => (*n).min(4),
                            vigil_infer::Dim::Free(_) => 1,
                        })
                        .collect()
                })
                .unwrap_or_else(|| vec![1]);
            let count: usize = dims.iter().product();
            let data = match info.ty.element_type()? {
                vigil_infer::ElementType::String => TensorData::Str(vec![String::new(); count]),
                vigil_infer::ElementType::Int64 => TensorData::I64(vec![0; count]),
                _ => TensorData::F32(vec![0.0; count]),
            };
            HostTensor::new(dims, data)
                .ok()
                .map(|t| (info.name.clone(), t))
        })
        .collect();
    let _ = model.run(inputs, &Device::cpu());
});
