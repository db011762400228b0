"""The walkthrough runs end to end in quick mode and writes every figure."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PNG = b"\x89PNG\r\n\x1a\n"
FIGURES = [
    "01_training.png",
    "02_rosenbrock.png",
    "03_beale.png",
    "04_divergence.png",
    "05_hyperparameter_surface.png",
    "06_grid_vs_random.png",
    "07_bayes_gp.png",
    "08_bayes_proposals.png",
    "09_comparison.png",
]


def test_walkthrough_quick_writes_every_figure(tmp_path):
    out = tmp_path / "figures"
    done = subprocess.run(
        [sys.executable, "examples/walkthrough.py", "--quick", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    for name in FIGURES:
        data = (out / name).read_bytes()
        assert data.startswith(PNG), name
        assert len(data) > 10_000, name  # a drawn figure, not an empty canvas
    assert sorted(p.name for p in out.iterdir()) == FIGURES
    assert "random wins" in done.stdout
    assert "deterministic: True" in done.stdout
    assert "on the test rows the tuned model" in done.stdout
