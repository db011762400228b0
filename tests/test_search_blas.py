"""Tests of search._blas: the library's own work runs on one BLAS thread.

Each test sets the caller's BLAS threads to 2 (this is a 2-core machine; with
one core there is nothing to limit and the tests skip), runs library work
that records the thread counts while it runs (``threadpool_info``, which
reads every loaded BLAS afresh), and checks them inside and afterwards.
"""

import importlib
import subprocess
import sys

import pytest
from threadpoolctl import threadpool_info, threadpool_limits

import search._blas
from optim import Adam
from search import BayesSearch, Real, TrainedLoss, run
from search._blas import blas_threads
from search.cli import main
from surfaces import LinearRegression, make_regression


def blas_counts():
    """The thread counts of every loaded BLAS: a set, ``{1}`` when all are limited."""
    return {
        lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"
    }


@pytest.fixture
def two_threads():
    """The caller's setting in the test: 2 BLAS threads (undone afterwards)."""
    import scipy.linalg  # noqa: F401  (SciPy's BLAS is loaded, and limited too)

    with threadpool_limits(limits=2, user_api="blas"):
        before = blas_counts()
        if before == {1}:
            pytest.skip("one core: OpenBLAS has one thread, nothing to limit")
        yield before


class Recording(LinearRegression):
    """A LinearRegression that records the BLAS threads at its first evaluation."""

    seen: list[set[int]]

    def value_and_grad(self, w):
        if not self.seen:
            self.seen.append(blas_counts())
        return super().value_and_grad(w)


def recording_problem():
    X, y, _ = make_regression(n=60, d=3, noise=0.5, rng=0)
    train = Recording(X[:40], y[:40], intercept=True)
    train.seen = []
    return train, LinearRegression(X[40:], y[40:], intercept=True)


def test_one_thread_inside_and_the_callers_setting_after(two_threads):
    with blas_threads():
        inside = blas_counts()
    assert inside == {1}
    assert blas_counts() == two_threads


def test_a_large_matrix_vector_product_keeps_the_threads(two_threads):
    with blas_threads(matvec=search._blas.LARGE):
        assert blas_counts() == two_threads
    with blas_threads(matvec=search._blas.LARGE - 1):
        assert blas_counts() == {1}


def test_batch_and_single_trials_train_on_one_thread(two_threads):
    train, val = recording_problem()
    objective = TrainedLoss(Adam, train, val, steps=3)
    objective.batch([{"lr": 0.1}, {"lr": 0.01}])
    objective({"lr": 0.1})
    assert train.seen == [{1}]  # the batch's first evaluation
    train.seen.clear()
    objective({"lr": 0.1})
    assert train.seen == [{1}]
    assert blas_counts() == two_threads


def test_a_single_trial_on_a_large_regression_keeps_the_threads(
    two_threads, monkeypatch
):
    # n * d = 40 * 4 multiply-adds counts as large here; a batch never does
    train, val = recording_problem()
    monkeypatch.setattr(search._blas, "LARGE", 40 * 4)
    objective = TrainedLoss(Adam, train, val, steps=3)
    objective({"lr": 0.1})
    assert train.seen == [two_threads]
    train.seen.clear()
    objective.batch([{"lr": 0.1}, {"lr": 0.01}])
    assert train.seen == [{1}]


def test_gp_fit_and_acquisition_run_on_one_thread(two_threads, monkeypatch):
    from search.gp import GaussianProcess

    # the module (the package's name bayes_search is the runner's function)
    bayes = importlib.import_module("search.bayes_search")
    seen = {"fit": set(), "acquisition": set()}
    fit, acquisition = GaussianProcess.fit, bayes.log_expected_improvement

    def recording_fit(self, *args, **kwargs):
        seen["fit"] |= blas_counts()
        return fit(self, *args, **kwargs)

    def recording_acquisition(*args, **kwargs):
        seen["acquisition"] |= blas_counts()
        return acquisition(*args, **kwargs)

    monkeypatch.setattr(GaussianProcess, "fit", recording_fit)
    monkeypatch.setattr(bayes, "log_expected_improvement", recording_acquisition)
    strategy = BayesSearch({"x": Real(-2.0, 2.0)}, seed=0, n_initial=3)
    run(lambda p: (p["x"] - 1) ** 2, strategy, 5)
    assert seen == {"fit": {1}, "acquisition": {1}}
    assert blas_counts() == two_threads


def test_a_gaussian_process_used_directly_fits_and_predicts_on_one_thread(
    two_threads, monkeypatch
):
    # As the plots and a learner use it, outside any search.
    import numpy as np

    import search.gp
    from search.gp import GaussianProcess

    seen = []
    cholesky, kernel = search.gp.cholesky, search.gp.matern52

    def recording_cholesky(*args, **kwargs):
        seen.append(("fit", blas_counts()))
        return cholesky(*args, **kwargs)

    def recording_kernel(*args, **kwargs):
        seen.append(("kernel", blas_counts()))
        return kernel(*args, **kwargs)

    monkeypatch.setattr(search.gp, "cholesky", recording_cholesky)
    monkeypatch.setattr(search.gp, "matern52", recording_kernel)
    X = np.linspace(0, 1, 12)[:, None]
    gp = GaussianProcess(seed=0).fit(X, np.sin(6 * X[:, 0]))
    fitted = len(seen)
    gp.predict(np.linspace(0, 1, 5)[:, None])
    assert {kind for kind, _ in seen[:fitted]} == {"fit", "kernel"}
    assert [kind for kind, _ in seen[fitted:]] == ["kernel"]  # predict's line (1)
    assert all(counts == {1} for _, counts in seen)
    assert blas_counts() == two_threads


def test_the_command_line_trains_on_one_thread(two_threads, monkeypatch, capsys):
    import search.cli.descend

    seen = []
    minimize = search.cli.descend.minimize

    def recording_minimize(*args, **kwargs):
        seen.append(blas_counts())
        return minimize(*args, **kwargs)

    monkeypatch.setattr(search.cli.descend, "minimize", recording_minimize)
    assert main(["descend", "--optimizers", "sgd", "--steps", "3"]) == 0
    assert seen == [{1}]
    assert blas_counts() == two_threads


def test_scipys_blas_is_limited_once_scipy_is_loaded_after_a_first_limit():
    # A fresh process: NumPy's BLAS only, a limit (the cached controller),
    # then SciPy's BLAS loads: the next limit must cover it too.
    code = (
        "import sys\n"
        "from threadpoolctl import threadpool_info, threadpool_limits\n"
        "from search._blas import blas_threads\n"
        "assert 'scipy.linalg' not in sys.modules\n"
        "with threadpool_limits(limits=2, user_api='blas'):\n"
        "    with blas_threads():\n"
        "        pass\n"
        "    import scipy.linalg\n"
        "    with blas_threads():\n"
        "        inside = [lib['num_threads'] for lib in threadpool_info()\n"
        "                  if lib['user_api'] == 'blas']\n"
        "print(len(inside), set(inside))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["2", "{1}"]  # NumPy's and SciPy's BLAS, both limited
