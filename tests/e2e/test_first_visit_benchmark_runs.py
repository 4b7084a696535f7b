"""The first-visit benchmark (bench/first_visit.py, a real Chromium) runs from a clean checkout and
reports the plan page's bytes; the budget itself is reported in docs/performance.md."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_first_visit_benchmark_runs_and_reports_the_plan_page():
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "first_visit.py")], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "the plan page as a first visit" in done.stdout
