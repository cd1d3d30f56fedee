#!/usr/bin/env python3
"""Optuna's TPESampler measured the way bench/tpe.ts measures hpo's `tpe`, for a side-by-side run:
ask latency with 100 and 1,000 completed trials (10 floats on [-5, 10], Rosenbrock values), and the
best value after 200 trials on branin and hartmann6 over seeds.
Usage: python3 bench/tpe_optuna.py [--repeats 100] [--seeds 10] [--trials 200]  (needs optuna)"""
import argparse
import math
import statistics
import time

import numpy as np
import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)


def rosenbrock(x):
    return sum(100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2 for i in range(len(x) - 1))


def branin(x):
    b, c, t = 5.1 / (4 * math.pi**2), 5 / math.pi, 1 / (8 * math.pi)
    return (x[1] - b * x[0] ** 2 + c * x[0] - 6) ** 2 + 10 * (1 - t) * math.cos(x[0]) + 10


H6_A = np.array([[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]])
H6_P = 1e-4 * np.array(
    [[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991], [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]]
)
H6_ALPHA = np.array([1.0, 1.2, 3.0, 3.2])


def hartmann6(x):
    x = np.asarray(x)
    return float(-np.sum(H6_ALPHA * np.exp(-np.sum(H6_A * (x - H6_P) ** 2, axis=1))))


def ask_latency(n, repeats):
    dists = {f"x{i + 1}": optuna.distributions.FloatDistribution(-5, 10) for i in range(10)}
    rng = np.random.default_rng(1)
    study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=1))
    trials = []
    for _ in range(n):
        params = {k: float(rng.uniform(-5, 10)) for k in dists}
        trials.append(optuna.trial.create_trial(params=params, distributions=dists, value=rosenbrock(list(params.values()))))
    study.add_trials(trials)
    times = []
    for r in range(repeats + 5):
        t0 = time.perf_counter()
        trial = study.ask(dists)  # relative (multivariate) sampling of all 10 parameters
        elapsed = time.perf_counter() - t0
        study.tell(trial, state=optuna.trial.TrialState.FAIL)  # failed trials are ignored by TPE
        if r >= 5:
            times.append(elapsed * 1000)
    return times


def best_of(f, bounds, seed, n_trials):
    study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=seed))
    study.optimize(lambda t: f([t.suggest_float(f"x{i + 1}", lo, hi) for i, (lo, hi) in enumerate(bounds)]), n_trials=n_trials)
    return study.best_value


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=100)
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--trials", type=int, default=200)
    ap.add_argument("--skip-quality", action="store_true")
    a = ap.parse_args()
    print(f"optuna {optuna.__version__}")
    for n in (100, 1000):
        t = ask_latency(n, a.repeats)
        print(f"optuna tpe ask, 10 floats, {n} complete trials: min {min(t):.2f} ms, median {statistics.median(t):.2f} ms ({a.repeats} asks)")
    if a.skip_quality:
        return
    for name, f, bounds, opt in (("branin", branin, [(-5, 10), (0, 15)], 0.397887), ("hartmann6", hartmann6, [(0, 1)] * 6, -3.32237)):
        bests = [best_of(f, bounds, seed, a.trials) for seed in range(1, a.seeds + 1)]
        print(f"{name}, {a.trials} trials, {a.seeds} seeds: optuna tpe median best {statistics.median(bests):.4f} (optimum {opt})")


if __name__ == "__main__":
    main()
