"""``python -m search.cli``: the ``hpo`` command, for a source tree not installed."""

import sys

from search.cli import main

sys.exit(main())
