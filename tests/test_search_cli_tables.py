"""Tests of search/cli/tables.py, the one table printer of ``hpo`` and the benchmarks."""

import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.harness import Column, Table
from search.cli.tables import markdown_table, text_table

ROOT = Path(__file__).resolve().parent.parent


def test_a_small_table_by_hand():
    table = text_table(
        ["trial", "lr", "status", ""],
        [["0", "0.1", "ok", ""], ["12", "3", "diverged", "<- best"]],
        right=[True, True, False, False],
    )
    assert table.splitlines() == [
        "trial   lr  status",
        "-----  ---  --------",
        "    0  0.1  ok",
        "   12    3  diverged  <- best",
    ]


def test_without_rule_and_with_an_empty_first_header():
    table = text_table(["", "val"], [["tuned", "1.5"], ["closed form", "12"]],
                       right=[False, True], rule=False)  # fmt: skip
    assert table.splitlines() == [
        "             val",
        "tuned        1.5",
        "closed form   12",
    ]


@pytest.mark.parametrize("n_rows", [0, 1, 3, 4, 7])
def test_the_header_repeats_every_n_rows(n_rows):
    rows = [[str(i), "x" * i] for i in range(n_rows)]
    lines = text_table(["i", "word"], rows, repeat=3).splitlines()
    headers = [k for k, line in enumerate(lines) if line.split()[0] == "i"]
    # once at the top, then again before rows 3, 6, ...
    assert headers[0] == 0 and len(headers) == 1 + max(0, (n_rows - 1) // 3)
    assert [int(lines[k + 1].split()[0]) for k in headers[1:]] == list(
        range(3, n_rows, 3)
    )
    assert len(lines) == 2 + n_rows + len(headers) - 1
    assert all(line == line.rstrip() for line in lines)


def test_right_aligned_columns_end_together():
    rows = [["a", "1"], ["bbbbbb", "22222"], ["cc", "3"]]
    lines = text_table(["name", "n"], rows, right=[False, True]).splitlines()
    assert {len(line) for line in lines} == {len("bbbbbb") + 2 + len("22222")}


def test_rows_must_match_the_header():
    with pytest.raises(ValueError, match="text_table"):
        text_table(["a", "b"], [["1"]])
    with pytest.raises(ValueError, match="text_table"):
        text_table(["a", "b"], [["1", "2"]], right=[True])


def test_markdown_table():
    assert markdown_table(["a", "b"], [["1", "2"], ["3", "-"]]).splitlines() == [
        "| a | b |",
        "|---|---|",
        "| 1 | 2 |",
        "| 3 | - |",
    ]


def test_the_benchmark_tables_print_through_it():
    table = Table(
        "t", "A title", [Column("x", "x"), Column("y", "why", "{:.1f}".format)]
    )
    table.rows = [{"x": 1, "y": 2.0}, {"x": 3}]
    table.notes = ["a note"]
    assert table.markdown() == "\n".join(
        ["### A title", "", "| x | why |", "|---|---|", "| 1 | 2.0 |", "| 3 | - |",
         "", "- a note"]
    )  # fmt: skip


def test_importing_the_tables_loads_no_argparse():
    # the benchmarks import it; argparse loads only when the command runs
    code = "import sys, search, search.cli.tables; print('argparse' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
