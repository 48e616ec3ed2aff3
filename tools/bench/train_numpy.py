"""Reference for train-speed.mjs: the same minibatch SGD MLP in numpy (float32 unless the config says "dtype": "float64";
BLAS matmuls), timed per epoch.

Usage: python3 train_numpy.py MNIST_DIR CONFIG_JSON. Prints one JSON line with seconds per epoch, accuracies and the
BLAS numpy uses. With "serve": true in the config it prints a first line (numpy version and BLAS) once the data is
ready, then trains one epoch per line read from stdin and prints that epoch's JSON line, until stdin closes: so
train-speed.mjs can interleave numpy's epochs with its own and both meet the same machine. It mirrors @mlp/core's
algorithm (forward, loss gradients; SGD with momentum, Nesterov, Adam or AdamW with L2 and decoupled weight decay;
inverted dropout on the hidden layers; the exponential, step, cosine and one-cycle schedules per batch), not its
random streams: same shapes and work, different initial weights, shuffles and dropout masks.
"""
import math
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


def rate_of(cfg, epoch, batch, batches):
    """@mlp/core's schedule.ts, the learning rate of one batch."""
    lr, sched = cfg["lr"], cfg.get("schedule", "exponential")
    if sched == "exponential":
        return lr * cfg["lrDecay"] ** epoch
    if sched == "step":
        return lr * cfg["lrDecay"] ** (epoch // cfg.get("stepEvery", 1))
    s, S = epoch * batches + batch, cfg["epochs"] * batches
    warm = cfg.get("warmup", 0)
    if sched == "cosine":
        W = min(round(warm * batches), S - 1)
        return lr * (s + 1) / W if s < W else lr * 0.5 * (1 + math.cos(math.pi * (s - W) / (S - W)))
    W = max(1, min(round(warm * batches) if warm > 0 else round(0.3 * S), S - 1))
    start = lr / 25
    anneal = lambda a, b, t: b + (a - b) * (1 + math.cos(math.pi * t)) / 2
    return anneal(start, lr, s / W) if s < W else anneal(lr, start / 1e4, (s - W) / max(1, S - 1 - W))


def main():
    data_dir, cfg = sys.argv[1], json.loads(sys.argv[2])
    layers, hidden, output, loss = cfg["layers"], cfg["hidden"], cfg["output"], cfg["loss"]
    mu, l2, B, valid = cfg["momentum"], cfg["l2"], cfg["batch"], cfg["valid"]
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
    opt = cfg.get("optimizer", "sgd")
    wd, b1, b2, eps, p = cfg.get("weightDecay", 0.0), cfg.get("beta1", 0.9), cfg.get("beta2", 0.999), cfg.get("eps", 1e-8), cfg.get("dropout", 0.0)
    state = [[np.zeros_like(t) for t in W + b] for _ in range(2)]  # velocity or Adam's m, and Adam's v
    eye = np.eye(k, dtype=f)
    steps = 0

    def update(j, w, g, decay, rate):
        """One parameter's step, @mlp/core's optim.ts rules (j indexes the state; biases: no L2, no decay)."""
        if decay and l2 > 0:
            g = g + f(l2) * w
        if decay and wd > 0:
            w *= f(1 - rate * wd)
        if opt in ("adam", "adamw"):
            m, v = state[0][j], state[1][j]
            m *= f(b1)
            m += f(1 - b1) * g
            v *= f(b2)
            v += f(1 - b2) * g * g
            w -= f(rate / (1 - b1**steps)) * m / (np.sqrt(v * f(1 / (1 - b2**steps))) + f(eps))
        elif mu > 0:
            v = state[0][j]
            v *= f(mu)
            v += g
            w -= f(rate) * (g + f(mu) * v if opt == "nesterov" else v)
        else:
            w -= f(rate) * g

    def forward(x, train=False):
        acts, masks = [x], []
        for i in range(len(W)):
            z = acts[-1] @ W[i].T + b[i]
            last = i == len(W) - 1
            if last and output == "softmax":
                e = np.exp(z - z.max(axis=1, keepdims=True))
                acts.append(e / e.sum(axis=1, keepdims=True))
            else:
                a = act(output if last else hidden, z)
                if train and p > 0 and not last:
                    masks.append((rng.random(a.shape, dtype=f) >= f(p)) * f(1 / (1 - p)))
                    dact_h = dact(hidden, a)
                    a = a * masks[-1]
                    masks[-1] = masks[-1] * dact_h  # the mask and f'(h) together, for the backward pass
                acts.append(a)
        return acts, masks

    def train_epoch(epoch):
        nonlocal steps
        order = rng.permutation(len(X))
        batches = (len(X) + B - 1) // B
        for s in range(0, len(X), B):
            rate = rate_of(cfg, epoch, s // B, batches)
            steps += 1
            idx = order[s : s + B]
            x, t = X[idx], eye[Y[idx]]
            n = len(idx)
            acts, masks = forward(x, True)
            out = acts[-1]
            if loss == "mse":
                d = (2.0 / n) * (out - t) * dact(output, out)
            else:
                d = (out - t) / n
            for i in reversed(range(len(W))):
                gW = d.T @ acts[i]
                gb = d.sum(axis=0)
                if i > 0:
                    d = (d @ W[i]) * (masks[i - 1] if masks else dact(hidden, acts[i]))
                update(i, W[i], gW, True, rate)
                update(len(W) + i, b[i], gb, False, rate)

    accuracy = lambda: float((forward(Xv)[0][-1].argmax(axis=1) == Yv).mean())
    run_epochs(cfg, {"blas": blas_info(), "numpy": np.__version__}, train_epoch, accuracy if len(Xv) else lambda: None)


def run_epochs(cfg, versions, train_epoch, accuracy):
    """The epochs and the output, train_numpy.py's and train_torch.py's: train_epoch(epoch) trains one epoch (timed:
    training only), accuracy() scores the validation split (None without one: JSON can carry null, not NaN). With
    "serve" the versions line comes first and each epoch waits for a line on stdin, as the module docstring says."""
    serve = cfg.get("serve", False)
    if serve:
        print(json.dumps(versions), flush=True)
    seconds, accs = [], []
    for epoch in range(cfg["epochs"]):
        if serve and not sys.stdin.readline():
            return
        t0 = time.perf_counter()
        train_epoch(epoch)
        seconds.append(time.perf_counter() - t0)
        accs.append(accuracy())
        if serve:
            print(json.dumps({"seconds": seconds[-1], "validationAccuracy": accs[-1]}), flush=True)
    print(json.dumps({"seconds": seconds, "validationAccuracy": accs, **versions}))


if __name__ == "__main__":  # train_torch.py imports from here
    main()
