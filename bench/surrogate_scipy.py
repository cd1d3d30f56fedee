"""numpy/scipy reference for `hpo bench surrogate`: the same exact-GP computations (Matern-5/2 ARD,
K = s k(X, X) + noise I) with LAPACK through scipy, timed the same way (median of repeats).

  python3 bench/surrogate_scipy.py N D CANDIDATES REPEAT   -> one JSON line
"""
import json
import sys
import time

import numpy as np
from scipy.linalg import cho_solve, lapack
from scipy.spatial.distance import cdist


def matern52(r):
    a = np.sqrt(5.0) * r
    return (1.0 + a + a * a / 3.0) * np.exp(-a)


def lml_and_grad(X, y, ls, s, noise, mean):
    Xs = X / ls
    r = cdist(Xs, Xs)
    a = np.sqrt(5.0) * r
    e = np.exp(-a)
    Kf = s * (1.0 + a + a * a / 3.0) * e
    G = s * (5.0 / 3.0) * (1.0 + a) * e
    K = Kf + noise * np.eye(len(y))
    L, info = lapack.dpotrf(K, lower=1)
    resid = y - mean
    alpha = cho_solve((L, True), resid)
    value = -0.5 * resid @ alpha - np.log(np.diag(L)).sum() - 0.5 * len(y) * np.log(2 * np.pi)
    Kinv, info = lapack.dpotri(L, lower=1)
    Kinv = np.tril(Kinv) + np.tril(Kinv, -1).T
    W = np.outer(alpha, alpha) - Kinv
    B = W * G
    # GEMM form (bo-recipes.md 7.1): d/dlog l_k = (1/l_k^2) [sum_i b_i x_ik^2 - sum_i x_ik (B X)_ik].
    b = B.sum(axis=1)
    BX = B @ X
    grad = list(((b[:, None] * X * X).sum(axis=0) - (X * BX).sum(axis=0)) / ls**2)
    grad.append(0.5 * np.sum(W * Kf))
    grad.append(0.5 * noise * np.trace(W))
    grad.append(alpha.sum())
    return value, grad, L, alpha


def main():
    n, d, m, repeat = (int(v) for v in sys.argv[1:5])
    rng = np.random.default_rng(1)
    X = rng.random((n, d))
    y = np.sin(6 * X[:, 0]) + X[:, 1] ** 2 + 0.01 * rng.standard_normal(n)
    ls = np.full(d, 0.7)
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        value, grad, L, alpha = lml_and_grad(X, y, ls, 1.0, 0.01, 0.0)
        times.append((time.perf_counter() - t) * 1000)
    Xc = rng.random((m, d))
    t = time.perf_counter()
    Kc = matern52(cdist(Xc / ls, X / ls))
    mean = Kc @ alpha
    V = lapack.dtrtrs(L, Kc.T, lower=1)[0]
    var = np.maximum(1.0 - np.sum(V * V, axis=0), 0.0)
    predict_ms = (time.perf_counter() - t) * 1000
    print(json.dumps({"lmlMs": float(np.median(times)), "predictMs": predict_ms, "lml": float(value)}))


main()
