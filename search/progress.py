"""The progress display of ``run(..., progress=True)``: trials done and the best value.

It uses `tqdm <https://tqdm.github.io>`_ when that is installed (a well-kept
library rather than a hand-written bar); tqdm is not a dependency, so without it the same information is one plain line on
standard error, rewritten in place with a carriage return.
"""

from __future__ import annotations

import math
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import TextIO

try:
    from tqdm import tqdm
except ImportError:  # pragma: no cover - depends on the environment
    tqdm = None


class Progress:
    r"""Count finished trials towards ``total`` and show the best value so far.

    Parameters
    ----------
    total : int
        Trials the search will run.
    initial : int, default 0
        Trials already finished (read back from storage when resuming).
    best : float, default inf
        The best value among those.
    file : file-like, optional
        Where to write; standard error by default.
    use_tqdm : bool, optional
        Force (``True``) or refuse (``False``) tqdm; by default, tqdm if importable.

    Examples
    --------
    >>> import io
    >>> out = io.StringIO()
    >>> bar = Progress(2, file=out, use_tqdm=False)
    >>> bar.update(0.5)
    >>> bar.update(math.inf)
    >>> bar.close()
    >>> out.getvalue().split("\r")[-1]
    'search: 2/2 trials, best 0.5\n'
    """

    def __init__(
        self,
        total: int,
        initial: int = 0,
        best: float = math.inf,
        *,
        file: TextIO | None = None,
        use_tqdm: bool | None = None,
    ) -> None:
        self.total = total
        self.done = initial
        self.best = best
        self.file = sys.stderr if file is None else file
        use_tqdm = tqdm is not None if use_tqdm is None else use_tqdm
        self.bar: tqdm | None = None
        if use_tqdm:
            self.bar = tqdm(
                total=total,
                initial=initial,
                desc="search",
                unit="trial",
                file=self.file,
            )
            self.bar.set_postfix_str(f"best={best:.4g}")
        else:
            self._write()

    def update(self, value: float) -> None:
        """One more trial finished with ``value`` (``inf`` or ``nan`` count as no best)."""
        self.done += 1
        if value < self.best:  # False for nan
            self.best = value
        if self.bar is None:
            self._write()
        else:
            self.bar.set_postfix_str(f"best={self.best:.4g}", refresh=False)
            self.bar.update(1)

    def close(self) -> None:
        """End the display (a final newline)."""
        if self.bar is None:
            self.file.write("\n")
            self.file.flush()
        else:
            self.bar.close()

    def _write(self) -> None:
        self.file.write(
            f"\rsearch: {self.done}/{self.total} trials, best {self.best:.4g}"
        )
        self.file.flush()
