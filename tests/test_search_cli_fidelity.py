"""``hpo search --strategy tpe|hyperband|sha|asha``: budgets in the table, steps counted, bad input refused.

The budgets and trial counts are worked out by hand from Li et al. (2018):
``--max-steps 27`` with ``eta = 3`` gives the budgets 1, 3, 9, 27 and, for
Hyperband, brackets of 27, 12, 6 and 4 configurations.
"""

from __future__ import annotations

import json

import pytest

from search.cli import main
from tests.test_search_cli_search import parse_trials


def search(capsys, tmp_path, *argv, status=0):
    """Run ``hpo search ARGV --no-plot`` in-process: (stdout + stderr, table rows)."""
    argv = ["search", *argv, "--out", str(tmp_path / "out"), "--no-plot"]
    if status == 0:
        code = main(argv)
    else:
        with pytest.raises(SystemExit) as exit_:
            main(argv)
        code = exit_.value.code
    captured = capsys.readouterr()
    assert code == status, captured.err
    rows = parse_trials(captured.out) if status == 0 else []
    return captured.out + captured.err, rows


def test_hyperband_shows_each_trials_budget_and_the_steps_spent(capsys, tmp_path):
    out, rows = search(capsys, tmp_path, "--strategy", "hyperband", "--max-steps", "27")
    assert "Hyperband" in out and "69 trials of budgets of 1, 3, 9, 27 steps" in out
    assert len(rows) == 27 + 9 + 3 + 1 + 12 + 4 + 1 + 6 + 2 + 4
    steps = [int(r["steps"]) for r in rows]
    assert steps[:27] == [1] * 27  # the first round: bracket s = 3's bottom rung
    assert sorted(set(steps)) == [1, 3, 9, 27]
    by_hand = 27 * 1 + 9 * 2 + 3 * 6 + 1 * 18 + 12 * 3 + 4 * 6 + 18 + 6 * 9 + 2 * 18
    by_hand += 4 * 27
    assert f"gradient steps: {by_hand:,} in all" in out
    document = json.loads((tmp_path / "out" / "results.json").read_text())
    assert document["gradient_steps"] == by_hand


@pytest.mark.parametrize(("strategy", "n"), [("sha", 27 + 9 + 3 + 1), ("asha", 69)])
def test_sha_and_asha_run_their_default_trials(capsys, tmp_path, strategy, n):
    out, rows = search(capsys, tmp_path, "--strategy", strategy, "--max-steps", "27")
    assert len(rows) == n and {int(r["steps"]) for r in rows} <= {1, 3, 9, 27}


def test_tpe_runs_and_counts_full_budget_steps(capsys, tmp_path):
    out, rows = search(
        capsys, tmp_path, "--strategy", "tpe", "--trials", "12", "--steps", "30"
    )
    assert "TPE search" in out and len(rows) == 12
    assert "gradient steps: 360 in all, 30.0 per trial" in out


def test_a_stored_hyperband_search_resumes_to_the_same_trials(capsys, tmp_path):
    argv = ["--strategy", "hyperband", "--max-steps", "9", "--storage"]
    _, whole = search(capsys, tmp_path, *argv, str(tmp_path / "whole.jsonl"))
    cut = tmp_path / "cut.jsonl"
    _, first = search(capsys, tmp_path, *argv, str(cut), "--trials", "10")
    out, resumed = search(capsys, tmp_path, *argv, str(cut))
    assert "10 trials stored, resuming" in out

    def key(rows):  # the evaluations, in any order: a first run of 10 trials asked
        # smaller rounds, so the brackets' rungs interleave differently
        return sorted((r["lr"], r["b1"], r["steps"], r["loss"]) for r in rows)

    assert key(resumed) == key(whole) and len(first) == 10
    # other budgets are another search: refused, the file untouched
    before = cut.read_bytes()
    out, _ = search(capsys, tmp_path, *argv, str(cut), "--eta", "2", status=2)
    assert "was written for another search" in out and cut.read_bytes() == before


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["--strategy", "sha", "--eta", "1"],
            "argument --eta: must be an integer >= 2",
        ),
        (
            ["--strategy", "random", "--eta", "3"],
            "--eta: only for --strategy hyperband",
        ),
        (["--strategy", "bayes", "--max-steps", "9"], "--max-steps: only for"),
        (
            ["--strategy", "hyperband", "--min-steps", "500"],
            "--min-steps: must be at most --steps (the default max steps) = 200",
        ),
        (
            ["--strategy", "asha", "--max-steps", "10", "--min-steps", "11"],
            "--min-steps: must be at most --max-steps = 10, got 11",
        ),
        (
            ["--strategy", "hyperband", "--space", "lr,steps=1:100"],
            "--space: steps is the budget that --strategy hyperband sets",
        ),
        (
            [
                "--strategy",
                "sha",
                "--max-steps",
                "100000",
                "--min-steps",
                "1",
                "--eta",
                "2",
            ],
            "configurations at once; at most 10,000",
        ),
        (["--strategy", "hyperband", "--max-steps", "0"], "--max-steps: must be"),
    ],
)
def test_bad_budgets_exit_2_with_one_line(capsys, tmp_path, argv, message):
    out, _ = search(capsys, tmp_path, *argv, status=2)
    assert message in out
    assert not (tmp_path / "out").exists()  # nothing written


def test_a_multi_fidelity_search_draws_its_rungs_not_a_heat_map(capsys, tmp_path):
    out_dir = tmp_path / "plots"
    argv = ["search", "--strategy", "sha", "--max-steps", "9", "--out", str(out_dir)]
    assert main(argv) == 0
    assert "rungs.png" in capsys.readouterr().out
    assert (out_dir / "rungs.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not (out_dir / "loss_surface.png").exists()  # scores at mixed budgets
