"""The README's tour runs as written and prints what its comments say."""

import contextlib
import io
import re
from pathlib import Path

README = Path(__file__).parent.parent / "README.md"


def test_readme_tour_runs_and_its_comments_hold():
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)
    assert blocks, "the README has no python block"
    out = io.StringIO()
    namespace = {}
    with contextlib.redirect_stdout(out):
        for block in blocks:
            exec(block, namespace)  # noqa: S102 - the README is ours
    lines = out.getvalue().splitlines()
    assert float(lines[0].split()[0]) < 1e-3  # "final loss ~8e-4"
    assert lines[1] == "(2001, 400) 63"
    assert 3e-3 < float(lines[2]) < 4e-3
    assert float(lines[3]) < 1e-10  # the closed form, reached
    closed = namespace["objective"].closed_form()
    assert namespace["result"].best.value < closed["val"]  # early stopping helps
    assert abs(float(lines[5].split()[0]) - 1437) < 5  # "test: ~1437"
    assert abs(closed["test"] - 1419) < 1  # "vs ~1419"
    assert lines[6].startswith("400 ") and float(lines[6].split()[1]) < closed["val"]
    # TPE and Hyperband: "~1501; 6000 steps", "69 trials, 2637 steps, ~1512"
    tpe, steps = lines[7].split()
    assert abs(float(tpe) - 1501) < 5 and int(steps) == 30 * 200
    assert lines[8].split()[:2] == ["69", "2637"]
    assert abs(float(lines[8].split()[2]) - 1512) < 5
    hb = namespace["hb"]
    assert hb.gradient_steps == sum(t.gradient_steps for t in hb.trials)
    assert hb.gradient_steps < sum(t.steps for t in hb.trials)  # promotions continue
    # the property kits' examples: each prints the property that fails
    assert lines[9].startswith(
        "MyAdam fails the property adam_first_step_moves_each_coordinate_by_lr: "
    )
    assert any(
        line.startswith(
            "Sphere(dim=2) fails the property gradient_matches_central_differences: "
        )
        for line in lines[10:]
    )
