"""GPyTorch reference for `hpo bench surrogate` on a GPU: the exact-GP computations of targets.md
(Matern-5/2 ARD, fp64) timed the same way as bench/surrogate.ts (median of repeats, synchronized).

  python3 bench/surrogate_gpytorch.py [--n 1000,10000,20000] [--d 10] [--candidates 100000] [--repeat 3]

Prints one JSON line per n: MLL + gradient, Cholesky alone (torch.linalg.cholesky = cuSOLVER), and
the posterior mean + variance for the candidates. Run beside `node dist/bench/surrogate.js --device cuda`.
"""
import argparse
import json
import statistics
import time

import gpytorch
import torch


def timed(fn, repeat):
    fn()  # warm-up (kernel compilation, allocator)
    times = []
    for _ in range(repeat):
        torch.cuda.synchronize()
        t = time.perf_counter()
        fn()
        torch.cuda.synchronize()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


class ExactGp(gpytorch.models.ExactGP):
    def __init__(self, X, y, likelihood, d):
        super().__init__(X, y, likelihood)
        self.mean_module = gpytorch.means.ConstantMean()
        self.covar_module = gpytorch.kernels.ScaleKernel(gpytorch.kernels.MaternKernel(nu=2.5, ard_num_dims=d))

    def forward(self, x):
        return gpytorch.distributions.MultivariateNormal(self.mean_module(x), self.covar_module(x))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", default="1000,10000,20000")
    ap.add_argument("--d", type=int, default=10)
    ap.add_argument("--candidates", type=int, default=100000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    dev = torch.device("cuda")
    gen = torch.Generator().manual_seed(0)
    for n in [int(s) for s in args.n.split(",")]:
        X = torch.rand(n, args.d, generator=gen, dtype=torch.float64).to(dev)
        y = (torch.sin(6 * X[:, 0]) + X[:, 1] ** 2).contiguous()
        lik = gpytorch.likelihoods.GaussianLikelihood().to(dev).double()
        model = ExactGp(X, y, lik, args.d).to(dev).double()
        mll = gpytorch.mlls.ExactMarginalLogLikelihood(lik, model)
        model.train()
        lik.train()

        def mll_grad():
            # Exact Cholesky (not CG/Lanczos), as targets.md's GPyTorch figures were taken.
            with gpytorch.settings.fast_computations(False, False, False), gpytorch.settings.max_cholesky_size(10**9):
                model.zero_grad()
                loss = -mll(model(X), y) * n  # gpytorch divides by n; the total is what hpo reports
                loss.backward()

        K = (model.covar_module(X).to_dense() + 1e-2 * torch.eye(n, device=dev, dtype=torch.float64)).detach()
        out = {
            "n": n,
            "d": args.d,
            "mll_grad_ms": timed(mll_grad, args.repeat),
            "cholesky_ms": timed(lambda: torch.linalg.cholesky(K), args.repeat),
        }
        if n <= 10000:
            Xc = torch.rand(args.candidates, args.d, generator=gen, dtype=torch.float64).to(dev)
            model.eval()
            lik.eval()

            def posterior():
                # In chunks: gpytorch forms the joint (n + m)² covariance, 80 GB for all 100k at once.
                with torch.no_grad(), gpytorch.settings.fast_pred_var(False), gpytorch.settings.max_cholesky_size(10**9):
                    for start in range(0, args.candidates, 10000):
                        p = model(Xc[start : start + 10000])
                        p.mean, p.variance

            out["posterior_ms"] = timed(posterior, args.repeat)
            out["candidates"] = args.candidates
        out["peer"] = f"gpytorch {gpytorch.__version__}, torch {torch.__version__}, {torch.cuda.get_device_name()}"
        print(json.dumps(out), flush=True)
        del model, lik, mll, K
        torch.cuda.empty_cache()


if __name__ == "__main__":
    main()
