"""Command line: run the benchmark suites, print Markdown tables, write JSON.

Run ``python -m benchmarks --help`` for the options.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import time
from pathlib import Path

from benchmarks import SUITES, harness

DEFAULT_JSON = Path(__file__).parent / "results.json"


def parse(argv=None) -> argparse.Namespace:
    """The command-line options."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Time the optimizers (against torch.optim when installed), "
        "print Markdown tables of speed and quality, and write them as JSON.",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="fewer repeats and shorter timed blocks (the CI mode, under a minute)",
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=list(SUITES),
        metavar="SUITE",
        help=f"run only this suite (repeatable); one of: {', '.join(SUITES)}",
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=None,
        help="timed repeats after the warm-up (default 7, or 3 with --quick)",
    )
    parser.add_argument(
        "--json",
        type=Path,
        default=DEFAULT_JSON,
        metavar="PATH",
        help=f"where to write the results (default {DEFAULT_JSON.name} in benchmarks/)",
    )
    args = parser.parse_args(argv)
    if args.repeats is not None and args.repeats < 1:
        parser.error(f"--repeats must be >= 1, got {args.repeats}")
    return args


def main(argv=None) -> int:
    """Run the chosen suites, print each table as it is done, write the JSON file."""
    args = parse(argv)
    start = time.perf_counter()
    config = harness.Config.make(args.quick, args.repeats)
    env = harness.environment()  # before the suites import torch (and its BLAS)
    print(harness.environment_markdown(env), flush=True)
    results = {"environment": env, "config": dataclasses.asdict(config), "suites": {}}
    for name in args.only or list(SUITES):
        print(f"\n## Suite: {name}\n", flush=True)
        tables = []
        for table in importlib.import_module(SUITES[name]).run(config, env):
            print(table.markdown() + "\n", flush=True)
            tables.append(table.to_dict())
        results["suites"][name] = {"tables": tables}
    results["seconds"] = time.perf_counter() - start
    harness.write_json(args.json, results)
    print(f"Total {results['seconds']:.1f} s; results written to {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
