"""What keeps the service's memory bounded (issues 27 and 29: RSS at most 500 MB).

`bentoml serve`'s supervisor process imports the service module and never scores: the
models' libraries imported there were ~85 MB of RSS for nothing (measured by
benchmarks/performance/serving_memory.py). The worker's RSS with 10,000 accounts is
checked on a real server (tests/serving/test_fair_work_served.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

# what the supervisor must not import (the worker imports them when the models load)
MODELS_LIBRARIES = ("pandas", "numpy", "pyarrow", "scipy", "sklearn", "sktime", "lightgbm",
                    "statsmodels", "kedro", "mlflow", "dask", "streamlit", "plotly")


def test_importing_the_service_module_imports_none_of_the_models_libraries(tmp_path):
    code = ("import json, sys; import titans_finance.serving.service; "
            f"print(json.dumps([m for m in {MODELS_LIBRARIES!r} if m in sys.modules]))")
    # a fresh interpreter, away from the repository's data/ (no manifest to read)
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=os.environ,
                            capture_output=True, text=True, check=True, timeout=120)
    assert json.loads(result.stdout.splitlines()[-1]) == []
