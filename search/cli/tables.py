"""Tables of text: fixed-width columns for the terminal, Markdown for reports.

The one table printer of the project: ``hpo`` prints its tables with
:func:`text_table` and the benchmarks (``benchmarks/harness.py``) theirs with
:func:`markdown_table`. Cells are strings, formatted by the caller.

Examples
--------
>>> print(text_table(["name", "loss"], [["adam", "0.5"], ["sgd", "12"]],
...                  right=[False, True]))
name  loss
----  ----
adam   0.5
sgd     12
>>> print(markdown_table(["name", "loss"], [["adam", "0.5"]]))
| name | loss |
|---|---|
| adam | 0.5 |
"""

from __future__ import annotations

from collections.abc import Sequence

# Columns are this far apart in a text table.
GAP = "  "


def text_table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    right: Sequence[bool] | None = None,
    rule: bool = True,
    repeat: int = 0,
) -> str:
    """Columns as wide as their widest cell, two spaces apart, one line per row.

    Parameters
    ----------
    header : sequence of str
        The column headers (one line); an empty header makes a column
        without one, and without a rule under it.
    rows : sequence of sequences of str
        The cells, each row as long as ``header``.
    right : sequence of bool, optional
        Per column: right-aligned (numbers) if true, else left-aligned
        (default: every column left-aligned).
    rule : bool, default True
        A line of dashes under the header, as wide as each column.
    repeat : int, default 0
        Repeat the header (without the rule) every ``repeat`` rows of a long
        table; 0 shows it once.

    Returns
    -------
    str
        The lines, without trailing spaces, joined by newlines.
    """
    right = [False] * len(header) if right is None else list(right)
    if len(right) != len(header) or any(len(row) != len(header) for row in rows):
        raise ValueError(
            f"text_table: every row and right must have the {len(header)} columns "
            f"of header {list(header)!r}"
        )
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        return GAP.join(
            c.rjust(w) if r else c.ljust(w)
            for c, w, r in zip(cells, widths, right, strict=True)
        ).rstrip()

    lines = [line(header)]
    if rule:
        lines.append(
            line(["-" * w if h else "" for h, w in zip(header, widths, strict=True)])
        )
    for i, row in enumerate(rows):
        if repeat and i and i % repeat == 0:
            lines.append(line(header))
        lines.append(line(row))
    return "\n".join(lines)


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A Markdown (GitHub) table: the header, its ``|---|`` line, one line per row."""
    lines = ["| " + " | ".join(header) + " |"]
    lines.append("|" + "|".join("---" for _ in header) + "|")
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)
