"""Every benchmark in bench/ runs from a clean checkout: CI runs each once with tiny sizes, so a
change cannot break one unseen. Their numbers are not checked here (machines are noisy; the
reports are in docs/performance.md), only that they run and report."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("script, args, reports", [
    ("caseload.py", ["--children", "200", "--shared", "20", "--grounds", "10", "--requests", "5"], "caseload over HTTP"),
    ("plan_page.py", ["--families", "20", "--requests", "5", "--sizes", "60"], "first visit of the plan page"),
    ("sync.py", ["--records", "30", "--runs", "1"], "key wrap ML-KEM-768 + X25519"),
])
def test_each_benchmark_runs_with_tiny_sizes_and_reports(script, args, reports):
    done = subprocess.run([sys.executable, str(ROOT / "bench" / script), *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert reports in done.stdout
