//! Where the arithmetic-heavy operators run: burn's pure-Rust CPU backend (`flex`), or a GPU
//! through burn's `wgpu` backend when Vigil is built with the `gpu` feature.
//!
//! A machine without a GPU still offers wgpu an adapter: Mesa's software renderer (llvmpipe /
//! lavapipe), which runs on the CPU and is slower than the CPU backend. It is reported as "no
//! GPU", never used as one, unless `VIGIL_ALLOW_SOFTWARE_GPU=1` asks for it (to check the GPU code
//! path on a machine without a GPU).

/// The environment variable that lets a software renderer stand in for a GPU.
pub const ALLOW_SOFTWARE_GPU_VAR: &str = "VIGIL_ALLOW_SOFTWARE_GPU";

/// Where the arithmetic-heavy operators of a run execute.
#[derive(Debug, Clone)]
pub struct Device {
    inner: burn_tensor::Device,
    name: String,
    is_gpu: bool,
}

/// Why the GPU cannot be used. Callers fall back to the CPU and show this sentence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GpuUnavailable {
    #[error("this build of Vigil has no GPU support (build it with the `gpu` feature)")]
    NotBuilt,
    #[error("no usable GPU was found: {0}")]
    NoAdapter(String),
    #[error(
        "the only graphics adapter is `{name}`, a software renderer that runs on the CPU, not a GPU"
    )]
    SoftwareOnly { name: String },
    #[error("the GPU failed to start: {0}")]
    Failed(String),
}

impl Device {
    /// burn's pure-Rust CPU backend.
    pub fn cpu() -> Self {
        Self {
            inner: burn_tensor::Device::flex(),
            name: "cpu".to_owned(),
            is_gpu: false,
        }
    }

    /// The machine's GPU through wgpu, opened once per process (wgpu's runtime cannot be
    /// opened twice) and checked with a small computation, since a broken driver can fail
    /// only at first use.
    pub fn gpu() -> Result<Self, GpuUnavailable> {
        static GPU: std::sync::OnceLock<Result<Device, GpuUnavailable>> =
            std::sync::OnceLock::new();
        GPU.get_or_init(open_gpu).clone()
    }

    /// A short description for results and the UI: `cpu`, or `gpu: <adapter> (<API>)`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether this is a GPU (or, where allowed, the software renderer standing in for one).
    pub fn is_gpu(&self) -> bool {
        self.is_gpu
    }

    pub(crate) fn burn(&self) -> &burn_tensor::Device {
        &self.inner
    }
}

#[cfg(not(feature = "gpu"))]
fn open_gpu() -> Result<Device, GpuUnavailable> {
    Err(GpuUnavailable::NotBuilt)
}

#[cfg(feature = "gpu")]
fn open_gpu() -> Result<Device, GpuUnavailable> {
    use burn_tensor::wgpu::wgpu::DeviceType;
    use std::panic::{AssertUnwindSafe, catch_unwind};

    // wgpu and its drivers can panic where they should return an error (seen on machines
    // without a GPU): treat a panic as "the GPU failed to start".
    let opened = catch_unwind(AssertUnwindSafe(|| {
        burn_tensor::Device::wgpu_options().init_with_setup()
    }))
    .map_err(|panic| GpuUnavailable::Failed(panic_message(&*panic)))?;
    let (device, setup) = opened.map_err(|e| GpuUnavailable::NoAdapter(e.to_string()))?;
    let info = setup.adapter.get_info();
    let software = info.device_type == DeviceType::Cpu
        || ["llvmpipe", "lavapipe", "swiftshader"]
            .iter()
            .any(|s| info.name.to_lowercase().contains(s));
    let allowed = std::env::var(ALLOW_SOFTWARE_GPU_VAR).is_ok_and(|v| v == "1");
    if software && !allowed {
        return Err(GpuUnavailable::SoftwareOnly { name: info.name });
    }
    let smoke = catch_unwind(AssertUnwindSafe(|| {
        let t = burn_tensor::Tensor::<1>::from_data([1.0_f32, 2.0, 3.0], &device);
        t.sum().into_data().try_to_vec::<f32>().ok()
    }));
    match smoke {
        Ok(Some(sum)) if sum == [6.0] => {}
        Ok(other) => {
            return Err(GpuUnavailable::Failed(format!(
                "a test sum gave {other:?} instead of 6"
            )));
        }
        Err(panic) => return Err(GpuUnavailable::Failed(panic_message(&*panic))),
    }
    let kind = if software { ", software renderer" } else { "" };
    Ok(Device {
        inner: device,
        name: format!("gpu: {} ({:?}{kind})", info.name, info.backend),
        is_gpu: true,
    })
}

#[cfg(feature = "gpu")]
fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_else(|| "an internal error in the graphics driver".to_owned())
}
