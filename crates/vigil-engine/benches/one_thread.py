"""Caps every thread pool the Python side of a benchmark may use at one thread.

Import it first, before numpy: BLAS/OpenMP read their thread counts from the environment when
they load. pyarrow's pools are set to one thread, and threadpoolctl (when installed) caps any
BLAS/OpenMP pool left. `pyarrow` is the module, or None when it is not installed.
"""
import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS",
             "VECLIB_MAXIMUM_THREADS", "BLIS_NUM_THREADS"):
    os.environ[_var] = "1"
os.environ.setdefault("DO_NOT_TRACK", "1")

try:
    import pyarrow

    pyarrow.set_cpu_count(1)
    pyarrow.set_io_thread_count(1)
except ImportError:
    pyarrow = None

try:
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)
except ImportError:
    pass
