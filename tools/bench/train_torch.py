"""Reference for train-speed.mjs: the same minibatch MLP as train_numpy.py, written as a PyTorch user would (nn.Linear
layers, nn.Dropout, torch.optim, autograd), float32 on the CPU with torch.set_num_threads(cfg "threads", default 2).
No clipping or max-norm (train_numpy.py has neither; no preset uses them), no GPU.

Usage: /usr/bin/python3 train_torch.py MNIST_DIR CONFIG_JSON, the config and the output as train_numpy.py's (one JSON
line; with "serve": true a first line once the data is ready, then one epoch per stdin line). It mirrors @mlp/core's
algorithm, not its random streams: the config's init (normal, He or Glorot, zero biases); inverted dropout after the
hidden activations; torch.optim.SGD (momentum, Nesterov; L2 as its coupled weight_decay), Adam (L2 as weight_decay) and
AdamW (decoupled decay w -= lr*wd*w, as core's optim.ts defines it), biases without L2 or decay; core's schedules per
batch (LambdaLR over train_numpy.py's rate_of); the textbook MSE (squared error summed over the outputs, averaged over
the batch: not MSELoss's default, which also divides by the 10 outputs) and cross-entropy averaged over the batch.
"""
import json
import re
import sys

import numpy as np
import torch
from torch import nn

from train_numpy import blas_info as numpy_blas_info, load, rate_of, run_epochs  # train_numpy.py runs nothing on import


def network(cfg):
    """nn.Sequential of the config's layers; the output activation is left to the loss (logits out)."""
    acts = {"sigmoid": nn.Sigmoid, "relu": nn.ReLU, "tanh": nn.Tanh, "linear": nn.Identity}
    layers, mods = cfg["layers"], []
    for i in range(len(layers) - 1):
        lin = nn.Linear(layers[i], layers[i + 1])
        fan_in, fan_out = layers[i], layers[i + 1]
        std = {"normal": cfg["initStd"], "he": (2 / fan_in) ** 0.5}.get(cfg["init"], (2 / (fan_in + fan_out)) ** 0.5)
        nn.init.normal_(lin.weight, 0.0, std)
        nn.init.zeros_(lin.bias)
        mods.append(lin)
        if i < len(layers) - 2:
            mods.append(acts[cfg["hidden"]]())
            if cfg.get("dropout", 0) > 0:
                mods.append(nn.Dropout(cfg["dropout"]))  # inverted: scales the kept units by 1/(1-p); off in eval()
    return nn.Sequential(*mods)


def output(cfg, z):
    """The network's output from its logits (what accuracy and MSE see)."""
    name = cfg["output"]
    if name == "softmax":
        return torch.softmax(z, dim=1)
    if name == "linear":
        return z
    return {"sigmoid": torch.sigmoid, "relu": torch.relu, "tanh": torch.tanh}[name](z)


def loss_of(cfg, z, y, onehot):
    """core's losses.ts: MSE summed over the outputs and CE, both averaged over the batch."""
    n = z.shape[0]
    if cfg["loss"] == "mse":
        return ((output(cfg, z) - onehot) ** 2).sum() / n
    if cfg["output"] == "softmax":
        return nn.functional.cross_entropy(z, y)  # reduction 'mean': over the batch
    return nn.functional.binary_cross_entropy_with_logits(z, onehot, reduction="sum") / n  # sigmoid outputs


def optimizer(cfg, model):
    """torch.optim's own optimisers; weights and biases in two groups, so the biases get no L2 and no decay."""
    opt, l2, wd = cfg.get("optimizer", "sgd"), cfg["l2"], cfg.get("weightDecay", 0.0)
    weights = [p for n, p in model.named_parameters() if n.endswith("weight")]
    biases = [p for n, p in model.named_parameters() if n.endswith("bias")]
    if opt == "adamw":
        if l2 > 0:
            raise ValueError("train_torch.py: AdamW with L2 as well is not mirrored (torch's AdamW has no coupled L2)")
        groups = [{"params": weights, "weight_decay": wd}, {"params": biases, "weight_decay": 0.0}]
        betas = (cfg.get("beta1", 0.9), cfg.get("beta2", 0.999))
        return torch.optim.AdamW(groups, lr=cfg["lr"], betas=betas, eps=cfg.get("eps", 1e-8))
    if wd > 0:
        raise ValueError(f"train_torch.py: decoupled weight decay is mirrored for adamw only, not {opt}")
    groups = [{"params": weights, "weight_decay": l2}, {"params": biases, "weight_decay": 0.0}]
    if opt == "adam":
        betas = (cfg.get("beta1", 0.9), cfg.get("beta2", 0.999))
        return torch.optim.Adam(groups, lr=cfg["lr"], betas=betas, eps=cfg.get("eps", 1e-8))
    return torch.optim.SGD(groups, lr=cfg["lr"], momentum=cfg["momentum"], nesterov=opt == "nesterov")


def blas_info():
    """The BLAS library torch loaded (train_numpy.py's report: Debian's torch uses the system's libblas.so.3), its threads."""
    build = re.search(r"BLAS_INFO=(\w+)", torch.__config__.show())
    return f"{numpy_blas_info()}; torch BLAS_INFO={build[1] if build else '?'}; {torch.get_num_threads()} threads"


def main():
    data_dir, cfg = sys.argv[1], json.loads(sys.argv[2])
    torch.set_num_threads(cfg.get("threads", 2))
    torch.manual_seed(cfg.get("seed", 0))
    B, valid, k = cfg["batch"], cfg["valid"], cfg["layers"][-1]
    x_all, y_all = load(data_dir, "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz")
    perm = np.random.default_rng(cfg.get("seed", 0)).permutation(len(x_all))
    scale = lambda x: torch.from_numpy(x.astype(np.float32)) * cfg["mul"] + cfg["add"]
    X, Y = scale(x_all[perm[valid:]]), torch.from_numpy(y_all[perm[valid:]].astype(np.int64))
    Xv, Yv = scale(x_all[perm[:valid]]), torch.from_numpy(y_all[perm[:valid]].astype(np.int64))
    model = network(cfg)
    opt = optimizer(cfg, model)
    batches = (len(X) + B - 1) // B
    # core's schedule, per batch: LambdaLR multiplies the base rate by rate_of(...) / lr at every sched.step().
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: rate_of(cfg, s // batches, s % batches, batches) / cfg["lr"])

    def train_epoch(_epoch):
        model.train()
        order = torch.randperm(len(X))
        for s in range(0, len(X), B):
            idx = order[s : s + B]
            x, y = X[idx], Y[idx]
            loss = loss_of(cfg, model(x), y, nn.functional.one_hot(y, k).float())
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()

    def accuracy():
        model.eval()
        with torch.no_grad():
            return float((model(Xv).argmax(dim=1) == Yv).float().mean()) if len(Xv) else None

    run_epochs(cfg, {"blas": blas_info(), "torch": torch.__version__}, train_epoch, accuracy)


if __name__ == "__main__":
    main()
