# Vigil's two commands: `make run` (install what is missing, build, open the app on the demo
# workspace) and `make test` (every check and test). Both work on a fresh Debian 12 / Ubuntu.

SHELL := /bin/bash
.ONESHELL:
.SHELLFLAGS := -eu -o pipefail -c

CARGO_TARGET_DIR ?= $(CURDIR)/target
export CARGO_TARGET_DIR
APP := $(CARGO_TARGET_DIR)/debug/vigil-desktop

# GPU support (burn's wgpu backend: Vulkan on Linux) costs ~50 CPU-minutes more to compile, so
# it is built in only where there is a GPU to use: a GPU device node and a Vulkan driver other
# than Mesa's software renderer. `make run GPU=1` or `GPU=0` decides instead.
GPU ?= $(shell { [ -e /dev/nvidia0 ] || ls /dev/dri/renderD* >/dev/null 2>&1; } && \
  ls /usr/share/vulkan/icd.d/*.json /etc/vulkan/icd.d/*.json 2>/dev/null | grep -qv lvp_icd && echo 1 || echo 0)
GPU_FEATURES := $(if $(filter 1,$(GPU)),--features gpu,)

# Debian packages: the WebKitGTK build stack, and the headless display + WebDriver for tests.
APT_PACKAGES := build-essential pkg-config libssl-dev libwebkit2gtk-4.1-dev librsvg2-dev \
                curl ca-certificates
APT_TEST_PACKAGES := xvfb xauth webkit2gtk-driver
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test test-gpu deps test-deps ui build fmt-check clippy rust-test ui-test e2e bindings bench bench-gpu bench-drift bench-eval bench-stream fuzz clean

run: deps build
	if [ -z "$${DISPLAY:-}" ] && [ -z "$${WAYLAND_DISPLAY:-}" ]; then
	  echo "No display found. Run Vigil in a desktop session, or headless with: xvfb-run make run" >&2
	  exit 1
	fi
	$(if $(filter 1,$(GPU)),VIGIL_DEVICE=$${VIGIL_DEVICE:-gpu},) "$(APP)" $(if $(VIGIL_DATA_DIR),--data-dir "$(VIGIL_DATA_DIR)",)

test: deps test-deps fmt-check clippy rust-test ui-test e2e
	echo "make test: every check passed"

# Installs only what is missing, so a second run costs a few seconds.
deps:
	missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done)
	# Node.js may come from another source than Debian (whose npm would then conflict): look
	# for the commands, not the packages.
	command -v node >/dev/null || missing="$$missing nodejs"
	command -v npm >/dev/null || missing="$$missing npm"
	if [ "$(GPU)" = 1 ] && ! dpkg -s libvulkan1 >/dev/null 2>&1; then missing="$$missing libvulkan1"; fi
	if [ -n "$$missing" ]; then
	  echo "Installing Debian packages:" $$missing
	  $(SUDO) apt-get update -qq
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing
	fi
	if ! command -v cargo >/dev/null; then
	  echo "Installing the Rust toolchain with rustup"
	  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal -c clippy,rustfmt
	fi
	node -e 'const [a, b] = process.versions.node.split(".").map(Number); if (a < 18 || (a === 18 && b < 19)) { console.error(`Node.js 18.19 or newer is needed; this is ${process.version}`); process.exit(1); }'
	if [ ! -d ui/node_modules ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
	  npm --prefix ui ci --no-audit --no-fund
	fi

test-deps:
	missing=$$(for p in $(APT_TEST_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done)
	if [ -n "$$missing" ]; then
	  echo "Installing Debian packages for the tests:" $$missing
	  $(SUDO) apt-get update -qq
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing
	fi

ui:
	npm --prefix ui run build

# The UI is embedded into the binary at compile time, so it is built first.
build: ui
	cargo build -p vigil-desktop $(GPU_FEATURES)

fmt-check:
	cargo fmt --all --check

clippy: ui
	cargo clippy --workspace --all-targets -- -D warnings

# Includes the check that ui/src/lib/bindings.ts matches the Rust types.
rust-test: ui
	cargo test --workspace

ui-test:
	npm --prefix ui run check
	npm --prefix ui test

# The real app window under Xvfb, driven over WebDriver; screenshots in target/e2e-screenshots/.
# Built with every target, so that features resolve as in `cargo test` and nothing is compiled twice.
e2e: ui
	cargo build --workspace --all-targets
	VIGIL_APP_BINARY="$(APP)" xvfb-run --auto-servernum --server-args="-screen 0 1280x900x24" \
	  node --test --test-concurrency=1 tests/e2e/

# Inference throughput, Vigil next to onnxruntime in one run (needs numpy, pandas, onnxruntime).
bench:
	python3 crates/vigil-engine/benches/compare_with_onnxruntime.py

# The GPU (needs a Vulkan GPU and libvulkan1; builds GPU support, ~50 CPU-minutes the first
# time): the parity and conformance suites on the GPU, then `make bench-gpu`. CI builds without
# GPU support, where these tests are reported as ignored. VIGIL_ALLOW_SOFTWARE_GPU=1 runs the
# same on Mesa's software renderer (package mesa-vulkan-drivers), to check the GPU code path on
# a machine without a GPU; its timings say nothing about a GPU.
test-gpu:
	cargo test --release -p vigil-infer --features gpu --test it -- --nocapture on_the_gpu
	$(MAKE) bench-gpu

# CNN and MLP throughput, CPU vs GPU, at batch sizes 256 and 16,384, with each first pass's time
# (shader compilation on the GPU).
bench-gpu:
	python3 crates/vigil-engine/benches/compare_cpu_with_gpu.py

# Drift over 500k vs 500k rows, Vigil next to scipy and Evidently in one run (needs scipy, evidently).
bench-drift:
	python3 crates/vigil-engine/benches/compare_drift_with_peers.py

# End-to-end evaluation of 1M rows (read CSV, GBM inference, metrics, fairness by grp and seg),
# Vigil next to pandas + onnxruntime + scikit-learn + Fairlearn in one run
# (needs scikit-learn, skl2onnx, fairlearn; the Fairlearn stage takes minutes).
bench-eval:
	python3 crates/vigil-engine/benches/compare_evaluation_with_peers.py

# Streaming a large dataset vs reading it whole: time and peak memory of the same evaluation.
bench-stream:
	python3 crates/vigil-engine/benches/compare_streaming_with_whole.py

# Fuzzes the ONNX loader for FUZZ_SECONDS (default 600); needs `cargo install cargo-fuzz`.
FUZZ_SECONDS ?= 600
fuzz:
	cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run load_model corpus/load_model -- -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=4096

# Regenerates the UI's TypeScript types from the Rust types that cross IPC.
bindings:
	VIGIL_UPDATE_BINDINGS=1 cargo test -p vigil-engine --test it the_committed_typescript_bindings_are_current

clean:
	cargo clean
	rm -rf ui/dist ui/node_modules
