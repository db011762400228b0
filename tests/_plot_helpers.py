"""What the plot tests share: a bare Axes, PNG bytes, legend texts, a line by label.

Figures are built with matplotlib.figure.Figure (no pyplot, no backend).
"""

import io

from matplotlib.figure import Figure

PNG = b"\x89PNG\r\n\x1a\n"


def axes():
    """One Axes of a new Figure."""
    return Figure().subplots()


def png_bytes(fig):
    """The figure written as a PNG, in memory."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def labels_of(ax):
    """The texts of the legend of ``ax``."""
    return [t.get_text() for t in ax.get_legend().get_texts()]


def line_labelled(ax, prefix):
    """The first line of ``ax`` whose label starts with ``prefix``."""
    return next(line for line in ax.get_lines() if line.get_label().startswith(prefix))
