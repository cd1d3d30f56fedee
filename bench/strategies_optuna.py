#!/usr/bin/env python3
"""Optuna's GPSampler, TPESampler and CmaEsSampler on the problems of `hpo bench strategies`, for its
side-by-side table. bench/strategies.ts writes the problems (function, shifted domain, budget) as JSON
and runs this script; it can also run alone:

  HPO_OPTUNA_PATH=/path/to/optuna:/path/to/cmaes python3 bench/strategies_optuna.py \
      --problems problems.json --out raw.jsonl [--samplers gp,tpe,cmaes] [--seeds 1,2,...]

Each finished run appends one JSON line {sampler, function, seed, trials, best, ask_ms} to --out, and
runs already in that file are skipped, so a long run (GPSampler takes ~0.2 s per ask at 200 trials)
can be started early, interrupted and resumed. Optuna and cmaes come from their public repositories
(docs/bench.md says how); nothing of theirs is vendored here.

GPSampler wants torch >= 2.0 for one thing only: it enters `with torch.device("cpu")` around each
ask (a context manager since torch 2.0). With torch 1.x every tensor is created on the CPU anyway, so
`_torch_1x_shim` gives that module a `torch.device` that is a no-op context manager: Optuna's code is
not edited."""
import argparse
import contextlib
import json
import math
import os
import statistics
import sys
import time

for p in reversed([p for p in os.environ.get("HPO_OPTUNA_PATH", "").split(os.pathsep) if p]):
    sys.path.insert(0, p)

import numpy as np  # noqa: E402
import optuna  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tpe_optuna import branin, hartmann6, rosenbrock  # noqa: E402  (one definition of each)

optuna.logging.set_verbosity(optuna.logging.ERROR)


def ackley(x):
    x = np.asarray(x, dtype=float)
    n = len(x)
    return float(-20 * math.exp(-0.2 * math.sqrt(np.sum(x * x) / n)) - math.exp(np.sum(np.cos(2 * math.pi * x)) / n) + 20 + math.e)


def levy(x):
    w = 1 + (np.asarray(x, dtype=float) - 1) / 4
    s = math.sin(math.pi * w[0]) ** 2
    s += float(np.sum((w[:-1] - 1) ** 2 * (1 + 10 * np.sin(math.pi * w[:-1] + 1) ** 2)))
    return s + (w[-1] - 1) ** 2 * (1 + math.sin(2 * math.pi * w[-1]) ** 2)


FUNCTIONS = {"branin": branin, "hartmann6": hartmann6, "rosenbrock": rosenbrock, "ackley": ackley, "levy": levy}


def _torch_1x_shim():
    """GPSampler's `with torch.device("cpu")` on torch < 2.0 (see the module docstring)."""
    import torch

    if int(torch.__version__.split(".")[0]) >= 2:
        return
    import types

    import optuna.samplers._gp.sampler as gp_sampler

    proxy = types.ModuleType("torch_cpu_device_shim")
    proxy.__getattr__ = lambda name: getattr(torch, name)
    proxy.device = lambda *a, **k: contextlib.nullcontext()
    gp_sampler.torch = proxy


def make_sampler(name, seed):
    if name == "gp":
        _torch_1x_shim()
        return optuna.samplers.GPSampler(seed=seed)
    if name == "tpe":
        return optuna.samplers.TPESampler(seed=seed)
    if name == "cmaes":
        return optuna.samplers.CmaEsSampler(seed=seed)
    raise SystemExit(f"strategies_optuna: unknown sampler {name} (gp, tpe, cmaes)")


def run(sampler_name, problem, seed):
    f = FUNCTIONS[problem["function"]]
    bounds = problem["domain"]
    study = optuna.create_study(sampler=make_sampler(sampler_name, seed))
    ask_ms = []
    for _ in range(problem["trials"]):
        t0 = time.perf_counter()
        trial = study.ask()
        x = [trial.suggest_float(f"x{i + 1}", lo, hi) for i, (lo, hi) in enumerate(bounds)]
        ask_ms.append((time.perf_counter() - t0) * 1000)
        study.tell(trial, f(x))
    return {"best": study.best_value, "ask_ms": statistics.median(ask_ms)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--problems", required=True, help="JSON: [{function, domain: [[lo, hi]...], trials}]")
    ap.add_argument("--out", required=True, help="JSON lines, appended; runs already there are skipped")
    ap.add_argument("--samplers", default="gp,tpe,cmaes")
    ap.add_argument("--seeds", default="1,2,3,4,5,6,7,8,9,10")
    a = ap.parse_args()
    with open(a.problems) as fh:
        problems = json.load(fh)
    done = set()
    if os.path.exists(a.out):
        with open(a.out) as fh:
            for line in fh:
                if line.strip():
                    r = json.loads(line)
                    done.add((r["sampler"], r["function"], r["trials"], r["seed"], json.dumps(r["domain"])))
    seeds = [int(s) for s in a.seeds.split(",")]
    print(f"optuna {optuna.__version__}", file=sys.stderr, flush=True)
    for problem in problems:
        for sampler in a.samplers.split(","):
            for seed in seeds:
                k = (sampler, problem["function"], problem["trials"], seed, json.dumps(problem["domain"]))
                if k in done:
                    continue
                r = run(sampler, problem, seed)
                row = {"sampler": sampler, "function": problem["function"], "trials": problem["trials"], "seed": seed,
                       "domain": problem["domain"], **r, "optuna": optuna.__version__}
                with open(a.out, "a") as fh:
                    fh.write(json.dumps(row) + "\n")
                print(f"{sampler} {problem['function']} seed {seed}: best {r['best']:.6g}, ask {r['ask_ms']:.1f} ms",
                      file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
