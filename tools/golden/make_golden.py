#!/usr/bin/python3
"""Golden values for @mlp/core, computed independently with numpy in float64.

Writes packages/core/test/golden.json: tiny fixed networks and batches with their forward outputs,
losses, gradients and the weights after two SGD steps (momentum + L2 in most cases; one case with L2 and no
momentum). The byte cases take the path MNIST training takes: a dataset of mostly-zero bytes, a batch of its rows
scaled x = u*mul + add (the wasm backend's sparse first layer), and for the seed recipe plain SGD without L2 (the
step fused into the transposed weights). Run with Debian's python3:
    /usr/bin/python3 tools/golden/make_golden.py
Weights and inputs are rounded to float32 first, so only the library's float32 arithmetic differs.
"""
import json
import os
import numpy as np

VERSION = 1
rs = np.random.RandomState(20261128)


def f32(a):
    return np.asarray(a, dtype=np.float32).astype(np.float64)


def act(name, z):
    if name == "sigmoid":
        return 1 / (1 + np.exp(-z))
    if name == "tanh":
        return np.tanh(z)
    if name == "relu":
        return np.maximum(z, 0)
    if name == "linear":
        return z
    if name == "softmax":
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)
    raise ValueError(name)


def act_grad(name, a, da):
    if name == "sigmoid":
        return da * a * (1 - a)
    if name == "tanh":
        return da * (1 - a * a)
    if name == "relu":
        return da * (a > 0)
    if name == "linear":
        return da
    if name == "softmax":
        return a * (da - (da * a).sum(axis=1, keepdims=True))
    raise ValueError(name)


def forward_backward(cfg, Ws, bs, x, y):
    n = x.shape[0]
    acts = [x]
    zs = []
    for l, (W, b) in enumerate(zip(Ws, bs)):
        z = acts[-1] @ W.T + b
        name = cfg["output"] if l == len(Ws) - 1 else cfg["hidden"]
        zs.append(z)
        acts.append(act(name, z))
    a = acts[-1]
    z = zs[-1]
    if cfg["loss"] == "mse":
        loss = ((a - y) ** 2).sum() / n
        delta = act_grad(cfg["output"], a, 2 * (a - y) / n)
    elif cfg["output"] == "softmax":
        logp = z - z.max(axis=1, keepdims=True)
        logp = logp - np.log(np.exp(logp).sum(axis=1, keepdims=True))
        loss = -(y * logp).sum() / n
        delta = (a - y) / n
    else:  # sigmoid + binary cross-entropy
        loss = (np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z))) - y * z).sum() / n
        delta = (a - y) / n
    dWs = [None] * len(Ws)
    dbs = [None] * len(Ws)
    for l in range(len(Ws) - 1, -1, -1):
        dWs[l] = delta.T @ acts[l]
        dbs[l] = delta.sum(axis=0)
        if l > 0:
            delta = act_grad(cfg["hidden"], acts[l], delta @ Ws[l])
    return a, loss, dWs, dbs


def batch_inputs(rs, layers, n, byte_data):
    """A batch of n inputs: floats in [-1, 1], or (byte_data = (count, mul, add)) n rows of a byte dataset, scaled."""
    if byte_data is None:
        return f32(rs.uniform(-1, 1, (n, layers[0]))), {}
    # A dataset of `count` rows of bytes, about 70% zero (MNIST's background is 81%), and a batch of n of its rows.
    count, mul, add = byte_data
    raw = np.where(rs.uniform(0, 1, (count, layers[0])) < 0.3, rs.randint(1, 256, (count, layers[0])), 0).astype(np.uint8)
    rows = rs.permutation(count)[:n]
    x = raw[rows].astype(np.float64) * mul + add
    return x, {"bytes": {"inputs": raw.ravel().tolist(), "rows": rows.tolist(), "mul": mul, "add": add}}


def case(name, cfg, n, scale, sgd=(0.1, 0.9, 0.01), byte_data=None):
    layers = cfg["layers"]
    Ws = [f32(rs.normal(0, scale, (layers[i + 1], layers[i]))) for i in range(len(layers) - 1)]
    bs = [f32(rs.normal(0, 0.1, layers[i + 1])) for i in range(len(layers) - 1)]
    x, extra = batch_inputs(rs, layers, n, byte_data)
    labels = rs.randint(0, layers[-1], n)
    y = np.eye(layers[-1])[labels]
    out, loss, dWs, dbs = forward_backward(cfg, Ws, bs, x, y)
    # Two SGD steps: g = dW + l2*W (weights only); v = mu*v + g; W -= lr*v (with mu = 0: W -= lr*g).
    lr, mu, l2 = sgd
    W2 = [W.copy() for W in Ws]
    b2 = [b.copy() for b in bs]
    vW = [np.zeros_like(W) for W in Ws]
    vb = [np.zeros_like(b) for b in bs]
    for _ in range(2):
        _, _, gW, gb = forward_backward(cfg, W2, b2, x, y)
        for l in range(len(W2)):
            vW[l] = mu * vW[l] + gW[l] + l2 * W2[l]
            W2[l] = W2[l] - lr * vW[l]
            vb[l] = mu * vb[l] + gb[l]
            b2[l] = b2[l] - lr * vb[l]
    flat = lambda arrs: [a.ravel().tolist() for a in arrs]
    return {
        "name": name,
        "config": cfg,
        "batch": n,
        "sgd": {"lr": lr, "momentum": mu, "l2": l2, "steps": 2},
        "W": flat(Ws),
        "b": flat(bs),
        "x": x.ravel().tolist(),
        **extra,
        "labels": labels.tolist(),
        "expected": {
            "output": out.ravel().tolist(),
            "loss": float(loss),
            "dW": flat(dWs),
            "db": flat(dbs),
            "W_after": flat(W2),
            "b_after": flat(b2),
        },
    }


def main():
    cases = [
        case("seed-like sigmoid/sigmoid/mse", {"layers": [6, 4, 3], "hidden": "sigmoid", "output": "sigmoid", "loss": "mse"}, 5, 0.5),
        case("relu/softmax/ce, two hidden layers", {"layers": [6, 5, 4, 3], "hidden": "relu", "output": "softmax", "loss": "ce"}, 5, 0.7),
        case("tanh/sigmoid/ce (binary per output)", {"layers": [6, 4, 3], "hidden": "tanh", "output": "sigmoid", "loss": "ce"}, 4, 0.7),
        case("tanh/softmax/mse", {"layers": [6, 4, 3], "hidden": "tanh", "output": "softmax", "loss": "mse"}, 4, 0.7),
        # Last, so the cases above keep their random draws.
        case("relu/sigmoid/mse, L2 without momentum", {"layers": [6, 5, 3], "hidden": "relu", "output": "sigmoid", "loss": "mse"}, 5, 0.7, sgd=(0.5, 0.0, 0.05)),
        # The MNIST path: byte rows of a dataset, scaled as the presets scale them; after the cases above, for their draws.
        case("bytes, seed recipe: sigmoid/sigmoid/mse, [-1, 1], plain SGD", {"layers": [40, 8, 3], "hidden": "sigmoid", "output": "sigmoid", "loss": "mse"}, 36, 0.3, sgd=(0.1, 0.0, 0.0), byte_data=(60, 2 / 255, -1.0)),
        case("bytes, best recipe: relu/softmax/ce, [0, 1], momentum + L2", {"layers": [40, 12, 6, 3], "hidden": "relu", "output": "softmax", "loss": "ce"}, 36, 0.3, sgd=(0.1, 0.9, 1e-4), byte_data=(60, 1 / 255, 0.0)),
    ]
    doc = {
        "version": VERSION,
        "generator": "tools/golden/make_golden.py (numpy %s, float64)" % np.__version__,
        "cases": cases,
    }
    here = os.path.dirname(os.path.abspath(__file__))
    out = os.path.join(here, "..", "..", "packages", "core", "test", "golden.json")
    with open(out, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print("wrote", os.path.normpath(out), "with", len(cases), "cases")


if __name__ == "__main__":
    main()
