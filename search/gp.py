"""Gaussian-process regression on the unit cube: Matern 5/2 kernel, fitted by maximum likelihood.

The surrogate model of Bayesian search (``search/bayes_search.py``). Inputs are
points of ``[0, 1]^k`` (the search space's unit encoding), outputs any finite
numbers. The kernel has one length scale per input dimension (automatic
relevance determination, ARD), a signal variance and a noise variance; these
hyperparameters maximize the log marginal likelihood (R&W eq. 5.8) under
SciPy's L-BFGS-B, with its analytic gradient (eq. 5.9), on Cholesky factors.

Symbols (Rasmussen & Williams 2006 in brackets)::

    X       (n, k)   training inputs                              [X]
    z       (n,)     standardized outputs (y - y_mean) / y_std    [y]
    lengths (k,)     length scales                                [ell_j]
    signal           signal variance                              [sigma_f^2]
    noise            noise variance                               [sigma_n^2]
    theta   (k + 2,) log([*lengths, signal, noise])
    K       (n, n)   kernel matrix plus noise on the diagonal     [K + sigma_n^2 I]
    L                Cholesky factor of K                         [L]
    alpha   (n,)     K^-1 z                                       [alpha]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from search import _checks
from search._blas import blas_threads

if TYPE_CHECKING:
    from numpy.typing import ArrayLike, NDArray

    Floats = NDArray[np.float64]

from search.kernels import SQRT5, cholesky, matern52

__all__ = ["GaussianProcess", "cholesky", "matern52"]

# SciPy is imported inside the functions that use it (it takes 0.3 to 0.7 s):
# `import search` and `hpo --help` stay fast until a model is fitted.

LOG_2PI = np.log(2 * np.pi)


class GaussianProcess:
    """Gaussian-process regression on ``[0, 1]^k`` with a Matern 5/2 ARD kernel.

    Outputs are standardized before fitting (``z = (y - y_mean) / y_std``,
    mean 0 and standard deviation 1; ``y_std = 1`` when all ``y`` are equal),
    so the hyperparameter bounds below mean the same on every problem;
    :meth:`predict` undoes it. The hyperparameters maximize the log marginal
    likelihood over their logarithms within these bounds:

    * ``length_bounds = (1e-2, 1)``: from 1% of the cube's side (finer
      than a few hundred points can resolve) to the side itself, where
      points at opposite faces still correlate by ``k = 0.52 signal``: a
      nearly irrelevant dimension. Longer scales let a handful of points
      declare a dimension irrelevant, and the search then stops exploring
      it: on Hartmann-6 (50 evaluations of Bayesian search), an upper
      bound of 10 left the search in a local minimum in 64 of 100 seeded
      runs, an upper bound of 1 in 63 of 120 (52%, as optuna's GPSampler).
      The price: on Branin the median regret after 30 evaluations is 0.006
      instead of 0.002 (after 50, 1e-5 either way);
    * ``signal_bounds = (1e-2, 1e2)``: two decades either side of the
      standardized outputs' variance 1;
    * ``noise_bounds = (1e-8, 1.0)``: relative to that variance; ``1`` means
      "all noise", ``1e-8`` nearly interpolates (the objectives of this
      project are deterministic) while keeping ``K`` factorizable.

    L-BFGS-B starts from the previous fit's hyperparameters when given (a
    warm start; otherwise from the centre of the log-bounds box: lengths
    0.1, signal 1, noise 1e-4) and from ``n_restarts`` points drawn
    uniformly in the log box from ``seed``'s generator; the best end point
    wins. Calls are deterministic given the seed and the sequence of calls.

    Parameters
    ----------
    length_bounds, signal_bounds, noise_bounds : tuple of float
        ``(low, high)`` of the hyperparameters, as above.
    n_restarts : int, default 2
        Random starts of L-BFGS-B in addition to the fixed ones.
    seed : None, int or numpy.random.Generator
        Source of the random starts.

    Attributes
    ----------
    theta : ndarray
        ``(k + 2,)`` fitted ``log([*lengths, signal, noise])``.
    lengths, signal, noise : ndarray, float, float
        The fitted hyperparameters (of the standardized outputs).
    lml : float
        Log marginal likelihood of the standardized outputs at ``theta``.
    y_mean, y_std : float
        The standardization.

    References
    ----------
    .. [1] C. E. Rasmussen and C. K. I. Williams, "Gaussian Processes for
       Machine Learning", MIT Press, 2006: Algorithm 2.1 (prediction),
       eq. 4.17 (Matern kernels), eq. 5.8-5.9 (marginal likelihood and its
       gradient).

    Examples
    --------
    >>> X = np.linspace(0, 1, 6)[:, None]
    >>> gp = GaussianProcess(seed=0).fit(X, np.sin(6 * X[:, 0]))
    >>> mean, std = gp.predict(X)
    >>> bool(np.allclose(mean, np.sin(6 * X[:, 0]), atol=1e-3)), bool(std.max() < 1e-2)
    (True, True)
    """

    def __init__(
        self,
        length_bounds: tuple[float, float] = (1e-2, 1.0),
        signal_bounds: tuple[float, float] = (1e-2, 1e2),
        noise_bounds: tuple[float, float] = (1e-8, 1.0),
        n_restarts: int = 2,
        seed: int | np.random.Generator | None = None,
    ) -> None:
        for name, (low, high) in {
            "length_bounds": length_bounds,
            "signal_bounds": signal_bounds,
            "noise_bounds": noise_bounds,
        }.items():
            if not (0 < low < high < np.inf):
                raise ValueError(
                    f"GaussianProcess: {name} must satisfy 0 < low < high < inf, "
                    f"got {(low, high)}"
                )
        n_restarts = _checks.integer("GaussianProcess", "n_restarts", n_restarts, low=0)
        self.length_bounds = tuple(map(float, length_bounds))
        self.signal_bounds = tuple(map(float, signal_bounds))
        self.noise_bounds = tuple(map(float, noise_bounds))
        self.n_restarts = int(n_restarts)
        self.rng = np.random.default_rng(_checks.seed("GaussianProcess", seed))
        self.theta: Floats | None = None  # set by fit

    # ----------------------------------------------------------------- fitting

    def log_bounds(self, k: int) -> Floats:
        """``(k + 2, 2)`` bounds of ``theta``: lengths, signal, noise."""
        rows = [self.length_bounds] * k + [self.signal_bounds, self.noise_bounds]
        return np.log(np.array(rows))

    def fit(
        self,
        X: ArrayLike,
        y: ArrayLike,
        theta: ArrayLike | None = None,
        optimize: bool = True,
    ) -> GaussianProcess:
        """Standardize ``y``, fit the hyperparameters, factorize ``K``; return ``self``.

        Parameters
        ----------
        X : array_like
            ``(n, k)`` inputs in ``[0, 1]^k``, ``n >= 1``.
        y : array_like
            ``(n,)`` finite outputs.
        theta : array_like, optional
            ``(k + 2,)`` log-hyperparameters: the optimizer's first start
            (a warm start), or the values used when not ``optimize``.
        optimize : bool, default True
            Maximize the log marginal likelihood; otherwise keep ``theta``
            (needs ``theta``) and only factorize.

        Returns
        -------
        GaussianProcess
            ``self``, fitted.
        """
        X, y = self._check_data(X, y)
        self.X = X
        # scaled first, so that values near the float64 limit do not overflow
        scale = max(float(np.max(np.abs(y))), np.finfo(float).tiny)
        self.y_mean = scale * float(np.mean(y / scale))
        spread = scale * float(np.std(y / scale))
        self.y_std = spread if spread > 0 else 1.0
        self.z = (y - self.y_mean) / self.y_std  # (n,), mean 0, std 1
        # (k, n, n): squared coordinate differences, reused by every LML call;
        # one contiguous (n, n) slice per dimension, for the products of
        # log_marginal_likelihood's lines (1) and (13)
        self._diff2 = (X.T[:, :, None] - X.T[:, None, :]) ** 2
        start: Floats | None = None
        if theta is not None:
            start = theta = np.asarray(theta, dtype=float)
            if theta.shape != (X.shape[1] + 2,):
                raise ValueError(
                    f"GaussianProcess.fit: theta must have shape {(X.shape[1] + 2,)}, "
                    f"got {theta.shape}"
                )
            start = np.clip(theta, *self.log_bounds(X.shape[1]).T)
        with blas_threads():  # small matrices: one BLAS thread (search._blas)
            if optimize:
                start = self._optimize(start)
            elif start is None:
                raise ValueError("GaussianProcess.fit: optimize=False needs theta")
            self._factorize(start)
        return self

    def _check_data(self, X: ArrayLike, y: ArrayLike) -> tuple[Floats, Floats]:
        X = np.asarray(X, dtype=float)
        y = np.asarray(y, dtype=float)
        if X.ndim != 2 or len(X) == 0 or X.shape[1] == 0:
            raise ValueError(
                f"GaussianProcess: X must have shape (n, k), got {X.shape}"
            )
        if y.shape != (len(X),):
            raise ValueError(
                f"GaussianProcess: y must have shape {(len(X),)}, got {y.shape}"
            )
        if not (np.all(np.isfinite(X)) and np.all(np.isfinite(y))):
            raise ValueError("GaussianProcess: X and y must be finite")
        return X, y

    def _optimize(self, theta_warm: Floats | None) -> Floats:
        """Maximize the LML from several starts; return the best ``theta``."""
        import scipy.optimize

        bounds = self.log_bounds(self.X.shape[1])  # (k + 2, 2)
        starts = [bounds.mean(axis=1) if theta_warm is None else theta_warm]
        starts += list(
            self.rng.uniform(bounds[:, 0], bounds[:, 1], (self.n_restarts, len(bounds)))
        )

        def negative(theta: Floats) -> tuple[float, Floats]:
            lml, grad = self.log_marginal_likelihood(theta)
            return -lml, -grad

        best = None
        for start in starts:
            res = scipy.optimize.minimize(
                negative,
                start,
                jac=True,
                method="L-BFGS-B",
                bounds=bounds,
            )
            if np.isfinite(res.fun) and (best is None or res.fun < best.fun):
                best = res
        return best.x if best is not None else starts[0]

    def _factorize(self, theta: Floats) -> None:
        """Store ``theta``, the Cholesky factor of ``K`` and ``alpha = K^-1 z``."""
        from scipy.linalg import cho_solve

        self.theta = theta = np.asarray(theta, dtype=float)
        k = self.X.shape[1]
        self.lengths = np.exp(theta[:k])
        self.signal, self.noise = np.exp(theta[k:])
        K = matern52(self.X, self.X, self.lengths, self.signal)
        K[np.diag_indices_from(K)] += self.noise
        self.L, self.jitter = cholesky(K)
        self.alpha = cho_solve(self.L, self.z, check_finite=False)
        self.lml = float(
            -0.5 * self.z @ self.alpha
            - np.log(np.diag(self.L[0])).sum()
            - len(self.z) / 2 * LOG_2PI
        )

    def log_marginal_likelihood(self, theta: ArrayLike) -> tuple[float, Floats]:
        """Log marginal likelihood of the standardized data and its gradient in ``theta``.

        Needs a fitted model (for its data; its own hyperparameters are not
        used). Lines (1)-(8) are the kernel matrix (:func:`matern52`, with
        ``a = SQRT5 * r`` and the squared differences ``diff2``, ``(k, n, n)``,
        computed once per fit), then R&W's Algorithm 2.1 with eq. 5.8; lines
        (9)-(15) are eq. 5.9, ``d lml / d theta_j = 1/2 tr(W dK/dtheta_j)``,
        written as an elementwise sum since ``W`` and ``dK`` are symmetric::

            (1) r2 = tensordot(1 / lengths**2, diff2, axes=1)
            (2) a = SQRT5 * sqrt(r2)
            (3) ea = exp(-a)
            (4) Kf = signal * (1 + a + a**2 / 3) * ea
            (5) K = Kf + noise * eye(n)
            (6) L, _ = cholesky(K)
            (7) alpha = cho_solve(L, z)
            (8) lml = -0.5 * z @ alpha - log(diag(L[0])).sum() - n / 2 * LOG_2PI
            (9) K_low, _ = dpotri(L[0], lower=1)
            (10) Kinv = tril(K_low) + tril(K_low, -1).T
            (11) W = outer(alpha, alpha) - Kinv
            (12) dk = signal * 5 / 3 * (1 + a) * ea
            (13) g_lengths = 0.5 * tensordot(diff2, W * dk, axes=2) / lengths**2
            (14) g_signal = 0.5 * (W * Kf).sum()
            (15) g_noise = 0.5 * noise * trace(W)

        Line (1) sums the scaled squared differences over the ``k``
        dimensions as one matrix-vector product, without an ``(n, n, k)``
        temporary. Lines (9)-(10) invert ``K`` from its Cholesky factor with
        LAPACK's ``dpotri`` (about ``2 n^3 / 3`` flops, against ``2 n^3`` for
        ``cho_solve(L, eye(n))``), which fills only the lower triangle.
        Lines (12)-(13) are
        ``dk / dlog l_j = signal * 5/3 (1 + a) exp(-a) (x_j - x'_j)^2 / l_j^2``,
        summed against ``W`` as a second matrix-vector product; line (14)
        holds since ``Kf`` is proportional to ``signal``, line (15) since the
        noise enters only the diagonal. The jitter of line (6), if any, is
        treated as a constant. Past the Cholesky factor and the inverse, every
        line is ``O(k n^2)``.

        Parameters
        ----------
        theta : array_like
            ``(k + 2,)`` ``log([*lengths, signal, noise])``.

        Returns
        -------
        lml : float
        grad : ndarray
            ``(k + 2,)`` derivatives with respect to ``theta``.
        """
        from scipy.linalg import cho_solve
        from scipy.linalg.lapack import dpotri

        theta = np.asarray(theta, dtype=float)
        k, n, _ = self._diff2.shape
        z, diff2 = self.z, self._diff2
        lengths = np.exp(theta[:k])
        signal, noise = np.exp(theta[k:])
        # diff2 is (k, n, n); r2, a and the matrices are (n, n)
        r2 = np.tensordot(1 / lengths**2, diff2, axes=1)  # (1)
        a = SQRT5 * np.sqrt(r2)  # (2)
        ea = np.exp(-a)  # (3)
        Kf = signal * (1 + a + a**2 / 3) * ea  # (4)
        K = Kf + noise * np.eye(n)  # (5)
        L, _ = cholesky(K)  # (6)
        alpha = cho_solve(L, z)  # (7)
        lml = -0.5 * z @ alpha - np.log(np.diag(L[0])).sum() - n / 2 * LOG_2PI  # (8)
        # K^-1 from L, in the lower triangle only
        K_low, _ = dpotri(L[0], lower=1)  # (9)
        Kinv = np.tril(K_low) + np.tril(K_low, -1).T  # (10)
        W = np.outer(alpha, alpha) - Kinv  # (11)
        dk = signal * 5 / 3 * (1 + a) * ea  # (12)
        g_lengths = 0.5 * np.tensordot(diff2, W * dk, axes=2) / lengths**2  # (13)
        g_signal = 0.5 * (W * Kf).sum()  # (14)
        g_noise = 0.5 * noise * np.trace(W)  # (15)
        return float(lml), np.concatenate([g_lengths, [g_signal, g_noise]])

    # -------------------------------------------------------------- prediction

    def predict(self, Xs: ArrayLike, return_grad: bool = False) -> tuple[Floats, ...]:
        """Posterior mean and standard deviation of ``f`` at ``Xs``, in ``y``'s units.

        The standard deviation is that of the latent function (the noise is
        not added): what expected improvement needs. Its variance is clipped
        at zero, where rounding can make it slightly negative next to a
        training point, so ``std >= 0`` always.

        Formula (R&W Algorithm 2.1, lines 4-6, then undo the standardization)::

            (1) ks = matern52(Xs, X, lengths, signal)
            (2) mean = y_mean + y_std * ks @ alpha
            (3) v = solve_triangular(L[0], ks.T, lower=True)
            (4) var = maximum(signal - (v**2).sum(axis=0), 0)
            (5) std = y_std * sqrt(var)

        Parameters
        ----------
        Xs : array_like
            ``(m, k)`` points.
        return_grad : bool, default False
            Also return the gradients of ``mean`` and ``std`` in ``Xs``
            (for polishing an acquisition function with L-BFGS-B).

        Returns
        -------
        mean, std : ndarray
            ``(m,)`` each.
        dmean, dstd : ndarray
            ``(m, k)`` each, only with ``return_grad``. Where ``std = 0``,
            ``dstd`` is 0 (a one-sided derivative does not exist there).
        """
        from scipy.linalg import solve_triangular

        if self.theta is None:
            raise RuntimeError("GaussianProcess.predict: call fit first")
        Xs = np.asarray(Xs, dtype=float)
        if Xs.ndim != 2 or Xs.shape[1] != self.X.shape[1]:
            raise ValueError(
                f"GaussianProcess.predict: Xs must have shape (m, {self.X.shape[1]}), "
                f"got {Xs.shape}"
            )
        # ks is (m, n); mean, v's columns, var and std are (m,)
        with blas_threads():  # small matrices: one BLAS thread (search._blas)
            ks = matern52(Xs, self.X, self.lengths, self.signal)  # (1)
            mean = self.y_mean + self.y_std * ks @ self.alpha  # (2)
            v = solve_triangular(self.L[0], ks.T, lower=True)  # (3)
            var = np.maximum(self.signal - (v**2).sum(axis=0), 0)  # (4)
            std = self.y_std * np.sqrt(var)  # (5)
            if not return_grad:
                return mean, std
            return (mean, std, *self._predict_grad(Xs, ks, var))

    def _predict_grad(
        self, Xs: Floats, ks: Floats, var: Floats
    ) -> tuple[Floats, Floats]:
        """Gradients ``(m, k)`` of the mean and std of :meth:`predict` in ``Xs``.

        ``dk(x, x_i)/dx_j = -signal 5/3 (1 + a) exp(-a) (x_j - x_ij) / l_j^2``;
        the mean's gradient contracts it with ``alpha``, the variance's with
        ``-2 K^-1 ks``, and ``dstd = y_std dvar / (2 sqrt(var))``.
        """
        from scipy.linalg import cho_solve

        diff = (Xs[:, None, :] - self.X[None, :, :]) / self.lengths**2  # (m, n, k)
        a = SQRT5 * np.sqrt((diff**2 * self.lengths**2).sum(axis=-1))  # (m, n)
        dk_da = self.signal * 5 / 3 * (1 + a) * np.exp(-a)  # (m, n)
        dk = -dk_da[..., None] * diff  # (m, n, k)
        dmean = self.y_std * np.einsum("mnk,n->mk", dk, self.alpha)
        Kinv_ks = cho_solve(self.L, ks.T, check_finite=False)  # (n, m)
        dvar = -2 * np.einsum("mnk,nm->mk", dk, Kinv_ks)
        root = np.sqrt(var)[:, None]  # (m, 1)
        with np.errstate(divide="ignore", invalid="ignore"):
            dstd = np.where(root > 0, self.y_std * dvar / (2 * root), 0.0)
        return dmean, dstd
