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
        help="fewer repeats, shorter timed blocks, smaller sizes (the CI mode, about a "
        "minute on a quiet 2-core machine)",
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
        "--blas-threads",
        type=int,
        default=None,
        metavar="N",
        help="limit every BLAS to N threads for the whole run (threadpoolctl); "
        "default: no limit, the libraries' own settings, as a user gets them",
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
    if args.blas_threads is not None and args.blas_threads < 1:
        parser.error(f"--blas-threads must be >= 1, got {args.blas_threads}")
    refusal = harness.json_refusal(args.json)
    if refusal:
        parser.error(f"--json {args.json}: {refusal}")
    return args


def main(argv=None) -> int:
    """Run the chosen suites, print each table as it is done, write the JSON file."""
    args = parse(argv)
    start, start_cpu = time.perf_counter(), harness.cpu_clock()
    config = harness.Config.make(args.quick, args.repeats, args.blas_threads)
    env = harness.environment()  # before the suites import torch (and its BLAS)
    print(harness.environment_markdown(env), flush=True)
    print(f"- BLAS limit for this run: {_limit_text(args.blas_threads)}", flush=True)
    results = {"environment": env, "config": dataclasses.asdict(config), "suites": {}}
    with harness.blas_limit(args.blas_threads):
        for name in args.only or list(SUITES):
            print(f"\n## Suite: {name}\n", flush=True)
            # The pools as the suite finds them: the limit in force, if any.
            suite = {"threadpools": harness.threadpools(), "tables": []}
            begin = time.perf_counter()
            for table in importlib.import_module(SUITES[name]).run(config, env):
                print(table.markdown() + "\n", flush=True)
                # And as the table is handed over: a limit the suite set is seen.
                record = table.to_dict() | {"threadpools": harness.threadpools()}
                suite["tables"].append(record)
            suite["seconds"] = time.perf_counter() - begin
            print(f"Suite {name}: {suite['seconds']:.1f} s", flush=True)
            results["suites"][name] = suite
    results["seconds"] = time.perf_counter() - start
    results["cpu_seconds"] = harness.cpu_clock() - start_cpu
    harness.write_json(args.json, results)
    print(
        f"Total {results['seconds']:.1f} s wall, {results['cpu_seconds']:.1f} s CPU; "
        f"results written to {args.json}"
    )
    return 0


def _limit_text(n: int | None) -> str:
    """The ``--blas-threads`` setting in words."""
    if n is None:
        return "none (default settings; no thread count or environment variable is set)"
    return f"every BLAS at most {n} thread(s) (--blas-threads {n}, threadpoolctl)"


if __name__ == "__main__":
    raise SystemExit(main())
