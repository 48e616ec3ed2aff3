"""Reference for train-speed.mjs: the same minibatch SGD MLP in numpy (float32 unless the config says "dtype": "float64";
BLAS matmuls), timed per epoch.

Usage: python3 train_numpy.py MNIST_DIR CONFIG_JSON. Prints one JSON line with seconds per epoch, accuracies and the
BLAS numpy uses. With "serve": true in the config it prints a first line (numpy version and BLAS) once the data is
ready, then trains one epoch per line read from stdin and prints that epoch's JSON line, until stdin closes: so
train-speed.mjs can interleave numpy's epochs with its own and both meet the same machine. It mirrors @mlp/core's algorithm (forward, loss gradients, SGD with momentum and L2, per-epoch lr
decay), not its random streams: same shapes and work, different initial weights and shuffles.
"""
import gzip
import json
import os
import sys
import time

import numpy as np


def load(dir, images, labels):
    with gzip.open(os.path.join(dir, images)) as f:
        x = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784)
    with gzip.open(os.path.join(dir, labels)) as f:
        y = np.frombuffer(f.read(), np.uint8, offset=8)
    return x, y


def blas_info():
    """The BLAS numpy loaded: OpenBLAS's own report (version, kernel, threads) when it is OpenBLAS."""
    try:
        import ctypes

        with open("/proc/self/maps") as f:
            libs = sorted({line.split()[-1] for line in f if "blas" in line.lower() and ".so" in line})
        for path in libs:
            lib = ctypes.CDLL(path)
            if hasattr(lib, "openblas_get_config"):
                lib.openblas_get_config.restype = ctypes.c_char_p
                lib.openblas_get_corename.restype = ctypes.c_char_p
                return f"{lib.openblas_get_config().decode()}; kernel {lib.openblas_get_corename().decode()}; {lib.openblas_get_num_threads()} threads ({path})"
        return ", ".join(libs) or "unknown"
    except Exception as e:
        return f"unknown ({e})"


def act(name, z):
    if name == "sigmoid":
        return 1.0 / (1.0 + np.exp(-z))
    if name == "relu":
        return np.maximum(z, 0)
    if name == "tanh":
        return np.tanh(z)
    return z


def dact(name, a):
    if name == "sigmoid":
        return a * (1 - a)
    if name == "relu":
        return (a > 0).astype(a.dtype)
    if name == "tanh":
        return 1 - a * a
    return np.ones_like(a)


def main():
    data_dir, cfg = sys.argv[1], json.loads(sys.argv[2])
    layers, hidden, output, loss = cfg["layers"], cfg["hidden"], cfg["output"], cfg["loss"]
    lr, mu, l2, decay, B, epochs, valid = cfg["lr"], cfg["momentum"], cfg["l2"], cfg["lrDecay"], cfg["batch"], cfg["epochs"], cfg["valid"]
    mul, add = cfg["mul"], cfg["add"]
    f = np.dtype(cfg.get("dtype", "float32")).type
    x_all, y_all = load(data_dir, "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz")
    rng = np.random.default_rng(cfg.get("seed", 0))
    perm = rng.permutation(len(x_all))
    tr, va = perm[valid:], perm[:valid]
    X = x_all[tr].astype(f) * f(mul) + f(add)
    Y = y_all[tr]
    Xv = x_all[va].astype(f) * f(mul) + f(add)
    Yv = y_all[va]
    k = layers[-1]
    W, b = [], []
    for i in range(len(layers) - 1):
        std = cfg["initStd"] if cfg["init"] == "normal" else np.sqrt(2 / layers[i]) if cfg["init"] == "he" else np.sqrt(2 / (layers[i] + layers[i + 1]))
        W.append((rng.standard_normal((layers[i + 1], layers[i])) * std).astype(f))
        b.append(np.zeros(layers[i + 1], f))
    vW = [np.zeros_like(w) for w in W]
    vb = [np.zeros_like(x) for x in b]
    eye = np.eye(k, dtype=f)

    def forward(x):
        acts = [x]
        for i in range(len(W)):
            z = acts[-1] @ W[i].T + b[i]
            last = i == len(W) - 1
            if last and output == "softmax":
                e = np.exp(z - z.max(axis=1, keepdims=True))
                acts.append(e / e.sum(axis=1, keepdims=True))
            else:
                acts.append(act(output if last else hidden, z))
        return acts

    serve = cfg.get("serve", False)
    if serve:
        print(json.dumps({"blas": blas_info(), "numpy": np.__version__}), flush=True)
    seconds, accs = [], []
    for epoch in range(epochs):
        if serve and not sys.stdin.readline():
            return
        rate = f(lr * decay**epoch)
        order = rng.permutation(len(X))
        t0 = time.perf_counter()
        for s in range(0, len(X), B):
            idx = order[s : s + B]
            x, t = X[idx], eye[Y[idx]]
            n = len(idx)
            acts = forward(x)
            out = acts[-1]
            if loss == "mse":
                d = (2.0 / n) * (out - t) * dact(output, out)
            else:
                d = (out - t) / n
            for i in reversed(range(len(W))):
                gW = d.T @ acts[i]
                gb = d.sum(axis=0)
                if i > 0:
                    d = (d @ W[i]) * dact(hidden, acts[i])
                if mu > 0:
                    vW[i] = mu * vW[i] + gW + l2 * W[i]
                    vb[i] = mu * vb[i] + gb
                    W[i] -= rate * vW[i]
                    b[i] -= rate * vb[i]
                else:
                    W[i] -= rate * (gW + l2 * W[i])
                    b[i] -= rate * gb
        seconds.append(time.perf_counter() - t0)
        accs.append(float((forward(Xv)[-1].argmax(axis=1) == Yv).mean()))
        if serve:
            print(json.dumps({"seconds": seconds[-1], "validationAccuracy": accs[-1]}), flush=True)
    print(json.dumps({"seconds": seconds, "validationAccuracy": accs, "blas": blas_info(), "numpy": np.__version__}))


main()
