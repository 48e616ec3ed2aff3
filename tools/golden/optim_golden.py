#!/usr/bin/python3
"""Golden values for @mlp/core's optimisers (Adam, AdamW, Nesterov, clipping, max-norm), computed with numpy in float64.

Prints JSON to stdout (nothing is written): packages/core/src/optim-golden.test.ts runs this script with Debian's
python3 and compares the library's weights after three steps, on every backend. Independent of the library: the
rules are written here from the papers (Kingma & Ba 2015, Algorithm 1; Loshchilov & Hutter 2019, Algorithm 2 with
the schedule multiplier folded into lr, as PyTorch's AdamW has it; Sutskever et al. 2013 in PyTorch's form).
    /usr/bin/python3 tools/golden/optim_golden.py
"""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_golden import batch_inputs, f32, forward_backward  # noqa: E402

VERSION = 1
rs = np.random.RandomState(20261203)


def step(rule, W, g, state, t, o, decay):
    """One parameter's update; `state` a dict of its buffers."""
    l2 = o.get("l2", 0.0) if decay else 0.0
    wd = o.get("weightDecay", 0.0) if decay else 0.0
    lr = o["lr"]
    g = o["scale"] * g + l2 * W
    W = W - lr * wd * W
    if rule in ("adam", "adamw"):
        b1, b2, eps = o.get("beta1", 0.9), o.get("beta2", 0.999), o.get("eps", 1e-8)
        state["m"] = b1 * state.get("m", 0) + (1 - b1) * g
        state["v"] = b2 * state.get("v", 0) + (1 - b2) * g * g
        mhat = state["m"] / (1 - b1**t)
        vhat = state["v"] / (1 - b2**t)
        return W - lr * mhat / (np.sqrt(vhat) + eps)
    mu = o.get("momentum", 0.0)
    v = mu * state.get("v", 0) + g
    state["v"] = v
    return W - lr * (g + mu * v if rule == "nesterov" else v)


def run(name, cfg, rule, o, steps=3, n=6, byte_data=None):
    layers = cfg["layers"]
    Ws = [f32(rs.normal(0, 0.5, (layers[i + 1], layers[i]))) for i in range(len(layers) - 1)]
    bs = [f32(rs.normal(0, 0.1, layers[i + 1])) for i in range(len(layers) - 1)]
    x, extra = batch_inputs(rs, layers, n, byte_data)
    labels = rs.randint(0, layers[-1], n)
    y = np.eye(layers[-1])[labels]
    W2 = [W.copy() for W in Ws]
    b2 = [b.copy() for b in bs]
    sW = [{} for _ in Ws]
    sb = [{} for _ in bs]
    for t in range(1, steps + 1):
        _, _, gW, gb = forward_backward(cfg, W2, b2, x, y)
        norm = np.sqrt(sum((g * g).sum() for g in gW + gb))
        clip = o.get("clipNorm", 0.0)
        oo = dict(o, scale=clip / norm if clip > 0 and norm > clip else 1.0)
        for l in range(len(W2)):
            W2[l] = step(rule, W2[l], gW[l], sW[l], t, oo, True)
            b2[l] = step(rule, b2[l], gb[l], sb[l], t, oo, False)
            c = o.get("maxNorm", 0.0)
            if c > 0:
                norms = np.sqrt((W2[l] ** 2).sum(axis=1, keepdims=True))
                W2[l] = np.where(norms > c, W2[l] * (c / norms), W2[l])
    flat = lambda arrs: [a.ravel().tolist() for a in arrs]
    return {
        "name": name,
        "config": cfg,
        "optimizer": dict(o, optimizer=rule),
        "steps": steps,
        "batch": n,
        "W": flat(Ws),
        "b": flat(bs),
        "x": x.ravel().tolist(),
        **extra,
        "labels": labels.tolist(),
        "W_after": flat(W2),
        "b_after": flat(b2),
    }


def main():
    relu = {"layers": [6, 5, 4, 3], "hidden": "relu", "output": "softmax", "loss": "ce"}
    sig = {"layers": [6, 4, 3], "hidden": "sigmoid", "output": "sigmoid", "loss": "mse"}
    cases = [
        run("adam", relu, "adam", {"lr": 0.01}),
        run("adam with L2 and its own betas", sig, "adam", {"lr": 0.02, "l2": 0.01, "beta1": 0.8, "beta2": 0.99, "eps": 1e-6}),
        run("adamw", relu, "adamw", {"lr": 0.01, "weightDecay": 0.1}),
        run("nesterov with weight decay", relu, "nesterov", {"lr": 0.1, "momentum": 0.9, "weightDecay": 0.01}),
        run("sgd clipped to norm 0.05", sig, "sgd", {"lr": 0.5, "momentum": 0.5, "clipNorm": 0.05}),
        run("adamw with max-norm 1.2", relu, "adamw", {"lr": 0.05, "weightDecay": 0.01, "maxNorm": 1.2}),
        # The MNIST path: a byte dataset's rows through the wasm sparse first layer.
        run("bytes: adamw, [0, 1]", {"layers": [40, 12, 6, 3], "hidden": "relu", "output": "softmax", "loss": "ce"}, "adamw", {"lr": 0.01, "weightDecay": 0.05}, n=36, byte_data=(60, 1 / 255, 0.0)),
    ]
    doc = {"version": VERSION, "generator": "tools/golden/optim_golden.py (numpy %s, float64)" % np.__version__, "cases": cases}
    json.dump(doc, sys.stdout)


if __name__ == "__main__":
    main()
