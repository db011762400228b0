"""Speed and quality benchmarks: ``python -m benchmarks [--quick] [--only NAME]``.

They run with the default settings a user gets (no thread limit) unless
``--blas-threads N`` says otherwise.

Each suite is a module with ``run(config, env)`` yielding ``harness.Table`` objects,
registered in ``SUITES`` by name; ``--only NAME`` runs one. A new suite (the
search strategies, say) is a new module and one more line here. Nothing in
the library imports this package.
"""

# Suite name -> module; imported only when the suite runs.
SUITES = {
    "optimizers": "benchmarks.optimizers",
    "search": "benchmarks.search",
    "scale": "benchmarks.scale",
    "threads": "benchmarks.threads",
    "mutation": "benchmarks.mutation",
    "schedules": "benchmarks.schedules",
}
