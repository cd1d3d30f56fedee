"""PyTorch twins of `hpo bench train`'s models (bench/train.ts), for samples/s side by side.

Same layer shapes, initial scales aside: mlp 784-128-10 relu; cnn conv3x3(16, same)-relu-maxpool2-
conv3x3(32, same)-relu-maxpool2-dense64-relu-dense10 on 28x28x1; lstm char-level (embedding 16,
one LSTM of 64 units over T 32, last state, dense to the vocabulary); transformer char-level
(embedding 64 + learned positions, 2 post-norm encoder layers of 4 heads with d_ff 128 and
dropout 0.1, mean over time, dense to the vocabulary). Batch 32, Adam(1e-3), softmax cross-entropy,
synthetic seeded data (no downloads), 90 % of --n trained per epoch; the first epoch is warm-up and
is not counted when there are more.

    python3 bench/train_torch.py [--models mlp,cnn,lstm,transformer] [--n 512] [--epochs 2]
        [--threads 2] [--device cpu|cuda]

Prints one JSON line: {"torch", "device", "threads", "rows": [{"model", "samples_per_second",
"epoch_seconds", "params"} | {"model", "error"}]}.
"""

import argparse
import json
import time

import torch
from torch import nn

VOCAB = 15  # the characters of bench/train.ts's text (its eleven words and the space)
T = 32


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))

    def forward(self, x):
        return self.net(x)


class Cnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(32 * 7 * 7, 64), nn.ReLU(), nn.Linear(64, 10),
        )

    def forward(self, x):
        return self.net(x)


class Lstm(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(VOCAB, 16)
        self.lstm = nn.LSTM(16, 64, batch_first=True)
        self.out = nn.Linear(64, VOCAB)

    def forward(self, x):
        h, _ = self.lstm(self.embed(x))
        return self.out(h[:, -1])


class Transformer(nn.Module):
    def __init__(self, d=64):
        super().__init__()
        self.embed = nn.Embedding(VOCAB, d)
        self.pe = nn.Parameter(torch.randn(T, d) * 0.02)  # learned positions, as hpo's PositionalEncoding
        self.drop = nn.Dropout(0.1)
        layer = nn.TransformerEncoderLayer(d, 4, 128, dropout=0.1, batch_first=True, norm_first=False)
        self.encoder = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
        self.out = nn.Linear(d, VOCAB)

    def forward(self, x):
        h = self.encoder(self.drop(self.embed(x) + self.pe))
        return self.out(h.mean(dim=1))


class Cifar(nn.Module):
    """examples/cifar10-cnn.hpo's model at its smallest configuration."""

    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(3, 32, 3, padding=1), nn.ReLU(), nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(), nn.Flatten(), nn.Dropout(0.2), nn.Linear(32 * 16 * 16, 10),
        )

    def forward(self, x):
        return self.net(x)


MODELS = {"mlp": Mlp, "cnn": Cnn, "lstm": Lstm, "transformer": Transformer, "cifar": Cifar}


def data(model, n, generator):
    if model == "cifar":
        x = torch.rand(n, 3, 32, 32, generator=generator)
        y = torch.randint(0, 10, (n,), generator=generator)
    elif model in ("mlp", "cnn"):
        x = torch.rand(n, 1, 28, 28, generator=generator)
        y = torch.randint(0, 10, (n,), generator=generator)
    else:
        x = torch.randint(0, VOCAB, (n, T), generator=generator)
        y = torch.randint(0, VOCAB, (n,), generator=generator)
    return x, y


def bench(model_name, n, epochs, device):
    generator = torch.Generator().manual_seed(0)
    torch.manual_seed(0)
    model = MODELS[model_name]().to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    x, y = data(model_name, n, generator)
    train = int(n * 0.9)
    x, y = x[:train].to(device), y[:train].to(device)
    times = []
    model.train()
    for _ in range(epochs):
        order = torch.randperm(train, generator=generator).to(device)
        if device == "cuda":
            torch.cuda.synchronize()
        start = time.perf_counter()
        for s in range(0, train, 32):
            idx = order[s : s + 32]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(x[idx]), y[idx])
            loss.backward()
            optimizer.step()
        loss.item()
        if device == "cuda":
            torch.cuda.synchronize()
        times.append(time.perf_counter() - start)
    steady = times[1:] if len(times) > 1 else times
    seconds = sum(steady) / len(steady)
    params = sum(p.numel() for p in model.parameters())
    return {"model": model_name, "epoch_seconds": round(seconds, 4),
            "samples_per_second": round(train / seconds), "params": params}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", default="mlp,cnn,lstm,transformer")
    parser.add_argument("--n", type=int, default=512)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    if args.device == "cuda" and not torch.cuda.is_available():
        print(json.dumps({"error": "torch.cuda.is_available() is False"}))
        return
    rows = []
    for name in args.models.split(","):
        if name not in MODELS:
            rows.append({"model": name, "error": f"unknown model (choose {', '.join(MODELS)})"})
            continue
        try:
            rows.append(bench(name, args.n, args.epochs, args.device))
        except Exception as err:  # one model failing must not hide the others
            rows.append({"model": name, "error": str(err).splitlines()[0][:160]})
    print(json.dumps({"torch": torch.__version__, "device": args.device, "threads": args.threads, "rows": rows}))


if __name__ == "__main__":
    main()
