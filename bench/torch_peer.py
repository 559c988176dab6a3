#!/usr/bin/python3
"""Torch peer for bench/core.mjs: the same cases in real PyTorch, one thread.

    /usr/bin/python3 bench/torch_peer.py              # built-in case list
    echo '[{"id":..,"scheme":..,"shape":..,"dtype":..,"params":..}]' | /usr/bin/python3 bench/torch_peer.py -

Each case is timed as `torch.manual_seed(42); torch.nn.init.<scheme>_(torch.empty(shape,
dtype=dtype), **params)` after torch.set_num_threads(1): one warm-up, then at least 5 runs,
more while the total stays under 1 s (at most 60); the figure is the median. The first case is
preceded by ~0.3 s of throw-away uniform_ calls. Prints JSON:
{"torch_version", "threads", "results": {id: {"seconds", "runs", "rate"}}} or, without torch,
{"error": "torch not installed"} (exit status 3).
"""
import json
import math
import statistics
import sys
import time
import warnings

try:
    import torch
except ImportError:
    print(json.dumps({"error": "torch not installed"}))
    sys.exit(3)

warnings.filterwarnings("ignore")
torch.set_num_threads(1)

M = [1024, 1024]
DEFAULT = [
    {"id": "uniform", "scheme": "uniform", "shape": M, "dtype": "float32", "params": {}},
    {"id": "normal", "scheme": "normal", "shape": M, "dtype": "float32", "params": {}},
    {"id": "xavier_uniform", "scheme": "xavier_uniform", "shape": M, "dtype": "float32", "params": {}},
    {"id": "xavier_normal", "scheme": "xavier_normal", "shape": M, "dtype": "float32", "params": {}},
    {"id": "kaiming_uniform", "scheme": "kaiming_uniform", "shape": M, "dtype": "float32", "params": {"a": math.sqrt(5)}},
    {"id": "kaiming_normal", "scheme": "kaiming_normal", "shape": M, "dtype": "float32",
     "params": {"mode": "fan_out", "nonlinearity": "relu"}},
    {"id": "trunc_normal", "scheme": "trunc_normal", "shape": M, "dtype": "float32", "params": {"std": 0.02}},
    {"id": "sparse", "scheme": "sparse", "shape": M, "dtype": "float32", "params": {"sparsity": 0.1}},
    {"id": "constant", "scheme": "constant", "shape": M, "dtype": "float32", "params": {"val": 0.5}},
    {"id": "eye", "scheme": "eye", "shape": M, "dtype": "float32", "params": {}},
    {"id": "dirac", "scheme": "dirac", "shape": [64, 64, 16, 16], "dtype": "float32", "params": {}},
    {"id": "orthogonal-256", "scheme": "orthogonal", "shape": [256, 256], "dtype": "float32", "params": {}},
    {"id": "orthogonal-1024", "scheme": "orthogonal", "shape": M, "dtype": "float32", "params": {}},
] + [
    {"id": "%s-%s" % (s, d), "scheme": s, "shape": M, "dtype": d, "params": {}}
    for d in ("float64", "float16", "bfloat16") for s in ("uniform", "normal")
]
DT = {"float32": torch.float32, "float64": torch.float64, "float16": torch.float16, "bfloat16": torch.bfloat16}
MIN_RUNS, MAX_RUNS, TARGET_S = 5, 60, 1.0


def bench(case):
    fn = getattr(torch.nn.init, case["scheme"] + "_")
    shape, dtype, params = case["shape"], DT[case["dtype"]], case.get("params", {})

    def once():
        torch.manual_seed(42)
        fn(torch.empty(shape, dtype=dtype), **params)

    once()  # warm-up
    times = []
    total = 0.0
    while len(times) < MIN_RUNS or (len(times) < MAX_RUNS and total < TARGET_S):
        t0 = time.perf_counter()
        once()
        dt = time.perf_counter() - t0
        times.append(dt)
        total += dt
    sec = statistics.median(times)
    return {"seconds": sec, "runs": len(times), "rate": math.prod(shape) / sec}


def main():
    cases = DEFAULT
    if len(sys.argv) > 1 and sys.argv[1] == "-":
        cases = json.load(sys.stdin)
    results = {}
    w0 = time.perf_counter()
    while time.perf_counter() - w0 < 0.3:
        torch.nn.init.uniform_(torch.empty(M))
    for c in cases:
        try:
            results[c["id"]] = bench(c)
        except Exception as e:  # noqa: BLE001 — a refused case is reported, not fatal
            results[c["id"]] = {"error": "%s: %s" % (type(e).__name__, e)}
        print("torch %-18s %.4f s" % (c["id"], results[c["id"]].get("seconds", float("nan"))), file=sys.stderr)
    print(json.dumps({"torch_version": torch.__version__, "threads": torch.get_num_threads(),
                      "results": results}))


if __name__ == "__main__":
    main()
