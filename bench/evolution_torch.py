"""The peer of `hpo bench evolution`: one GA generation written with PyTorch tensor ops, as a user of
PyTorch would write it (tournament selection of size 3, SBX crossover touching each gene with
probability 1/2, polynomial mutation, elitism 2), timed with CUDA events. Run by
`hpo bench evolution --torch` on a machine with PyTorch; prints one JSON object.

Usage: python3 bench/evolution_torch.py [--sizes 10000,100000,1000000] [--genes 20] [--reps 20]
"""
import argparse
import json

import torch


def generation(genes, fitness, k=3, pc=0.9, pm=0.1, eta_c=15.0, eta_m=20.0, elitism=2):
    n, d = genes.shape
    dev = genes.device
    # tournaments: k candidates per parent, the lowest fitness wins
    cand = torch.randint(0, n, (2, n, k), device=dev)
    win = torch.gather(cand, 2, fitness[cand].argmin(dim=2, keepdim=True)).squeeze(2)
    pa, pb = genes[win[0]], genes[win[1]]
    # SBX (bounded, Deb), per gene with probability 1/2, per child with probability pc
    y1, y2 = torch.minimum(pa, pb), torch.maximum(pa, pb)
    gap = (y2 - y1).clamp_min(1e-14)
    u = torch.rand(n, d, device=dev)

    def betaq(distance):
        beta = 1.0 + 2.0 * distance / gap
        alpha = 2.0 - beta.pow(-(eta_c + 1.0))
        inv = 1.0 / (eta_c + 1.0)
        return torch.where(u <= 1.0 / alpha, (u * alpha).pow(inv), (1.0 / (2.0 - u * alpha)).pow(inv))

    c1 = 0.5 * ((y1 + y2) - betaq(y1) * gap)
    c2 = 0.5 * ((y1 + y2) + betaq(1.0 - y2) * gap)
    pick = torch.rand(n, d, device=dev) < 0.5
    sbx = torch.where(pick, c1, c2).clamp(0.0, 1.0)
    use_sbx = (torch.rand(n, d, device=dev) < 0.5) & ((y2 - y1) > 1e-14)
    cross = (torch.rand(n, 1, device=dev) < pc)
    child = torch.where(cross & use_sbx, sbx, torch.where(cross & pick, pb, pa))
    # polynomial mutation (bounded, Deb)
    mutate = torch.rand(n, d, device=dev) < pm
    r = torch.rand(n, d, device=dev)
    power = 1.0 / (eta_m + 1.0)
    low = (2.0 * r + (1.0 - 2.0 * r) * (1.0 - child).pow(eta_m + 1.0)).pow(power) - 1.0
    high = 1.0 - (2.0 * (1.0 - r) + 2.0 * (r - 0.5) * child.pow(eta_m + 1.0)).pow(power)
    child = torch.where(mutate, (child + torch.where(r <= 0.5, low, high)).clamp(0.0, 1.0), child)
    # elitism
    elite = fitness.topk(elitism, largest=False).indices
    child[:elitism] = genes[elite]
    return child


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--genes", type=int, default=20)
    parser.add_argument("--reps", type=int, default=20)
    args = parser.parse_args()
    if not torch.cuda.is_available():
        print(json.dumps({"error": "torch.cuda is not available"}))
        return
    rows = []
    for n in [int(s) for s in args.sizes.split(",") if s]:
        genes = torch.rand(n, args.genes, device="cuda", dtype=torch.float64)
        fitness = torch.rand(n, device="cuda", dtype=torch.float64)
        for _ in range(3):
            genes = generation(genes, fitness)
        times = []
        for _ in range(args.reps):
            start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            start.record()
            genes = generation(genes, fitness)
            end.record()
            torch.cuda.synchronize()
            times.append(start.elapsed_time(end))
        times.sort()
        rows.append({"size": n, "genes": args.genes, "ms": times[len(times) // 2]})
    print(json.dumps({"torch": torch.__version__, "device": torch.cuda.get_device_name(), "rows": rows}))


if __name__ == "__main__":
    main()
