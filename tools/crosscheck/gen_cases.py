#!/usr/bin/python3
"""Random cross-check cases against real PyTorch 1.13.1 (CPU).

Run with the interpreter that has torch (here /usr/bin/python3):

    /usr/bin/python3 tools/crosscheck/gen_cases.py --seed 1 --n 600 [--out DIR]

Draws N random cases (scheme, dtype, shape, torch seed, params; about 10% multi-step
programs on one generator stream), runs each through real torch:

    torch.manual_seed(seed)
    for step in steps:
        torch.nn.init.<scheme>_(torch.empty(shape, dtype=dtype), **params)

and writes DIR/cases.json plus one raw little-endian .bin per output, in the format of
../shared/fixtures/torch/manifest.json (torch-parity §8). A step torch refuses becomes an
error case (`error`, `error_type`, `error_text`); error cases have one step.

Parity per output follows torch-parity §6 (tolerances made a little generous where the
spec says "measured", see `parity_for`).
"""
import argparse
import hashlib
import json
import math
import os
import random
import sys
import warnings

import torch

warnings.filterwarnings("ignore")
torch.set_num_threads(1)

SCHEMES = [
    "uniform", "normal", "constant", "ones", "zeros", "eye", "dirac",
    "xavier_uniform", "xavier_normal", "kaiming_uniform", "kaiming_normal",
    "trunc_normal", "orthogonal", "sparse",
]
DTYPES = ["float32", "float64", "float16", "bfloat16"]
DTYPES_DRAWN = DTYPES      # --dtypes
TORCH_DTYPE = {"float32": torch.float32, "float64": torch.float64,
               "float16": torch.float16, "bfloat16": torch.bfloat16}
# Combos torch always refuses (torch-parity §4/§6): kept only now and then, as error cases.
REFUSED = {("eye", "bfloat16"), ("orthogonal", "float16"), ("orthogonal", "bfloat16"),
           ("trunc_normal", "float16")}
NORMAL_FAMILY = {"normal", "xavier_normal", "kaiming_normal", "sparse"}
NONLINS = ["linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
           "conv_transpose3d", "sigmoid", "tanh", "relu", "leaky_relu", "selu"]
FMAX16 = 65504.0
MAX_NUMEL = 200_000        # --max-numel
ORTHO_WORK = 2.5e7         # --ortho-work: rows*cols*min(rows, cols) cap for orthogonal (QR cost)

# float64 normal family: spec §6 says abs <= 2^-48*(|mean|+8*std); we allow 2x that.
F64_NORMAL_FACTOR = 2.0 ** -47


class Rand:
    def __init__(self, seed):
        self.r = random.Random(seed)

    def p(self, prob):
        return self.r.random() < prob

    def choice(self, xs):
        return self.r.choice(xs)

    def randint(self, a, b):
        return self.r.randint(a, b)

    def uniform(self, a, b):
        return self.r.uniform(a, b)

    def loguni(self, lo, hi):
        return math.exp(self.r.uniform(math.log(lo), math.log(hi)))

    # ---- numbers -------------------------------------------------------------------
    def magnitude(self, lo=1e-3, hi=1e2):
        """A positive float: often a 'nice' value, else log-uniform, sometimes rounded."""
        if self.p(0.25):
            return self.choice([0.01, 0.02, 0.1, 0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 10.0])
        x = self.loguni(lo, hi)
        if self.p(0.3):
            x = float("%.3g" % x)
        return x

    def signed(self, lo=1e-3, hi=1e2, pzero=0.1):
        if self.p(pzero):
            return 0.0
        x = self.magnitude(lo, hi)
        return -x if self.p(0.5) else x

    # ---- seeds ---------------------------------------------------------------------
    def seed(self):
        k = self.r.random()
        if k < 0.15:
            s = self.randint(0, 1000)
        elif k < 0.35:
            s = self.randint(0, 2 ** 32 - 1)
        elif k < 0.45:
            s = self.choice([-1, 2 ** 64 - 1, -(2 ** 63), 2 ** 63 - 1, 2 ** 63 + 11, 2 ** 32 + 5,
                             2 ** 53, 2 ** 53 + 1, -(2 ** 53) - 1, 2 ** 32, -(2 ** 32)])
        elif k < 0.55:
            s = -self.randint(1, 2 ** 63)
        else:
            s = self.randint(-(2 ** 63), 2 ** 64 - 1)
        return s

    # ---- shapes --------------------------------------------------------------------
    def dims_for(self, rank, target):
        """rank dims whose product is near target (>= 1 each)."""
        if rank == 0:
            return []
        w = [self.r.expovariate(1.0) for _ in range(rank)]
        tw = sum(w)
        dims = [max(1, int(round(target ** (wi / tw)))) for wi in w]
        return dims

    def shape(self, rank, small_kernel=False):
        """Random shape of the given rank from one of several size classes."""
        k = self.r.random()
        if rank == 0:
            return []
        if k < 0.25:  # numel < 16
            while True:
                dims = [self.randint(1, 4) for _ in range(rank)]
                if math.prod(dims) < 16:
                    return dims
        if k < 0.32:  # numel == 16
            while True:
                dims = [1] * rank
                for _ in range(4):  # distribute four factors of 2
                    dims[self.randint(0, rank - 1)] *= 2
                return dims
        if k < 0.40:  # empty
            dims = self.shape_nonempty(rank, small_kernel)
            dims[self.randint(0, rank - 1)] = 0
            return dims
        return self.shape_nonempty(rank, small_kernel)

    def shape_nonempty(self, rank, small_kernel=False):
        while True:
            target = self.loguni(17, MAX_NUMEL)
            if small_kernel and rank > 2:
                ks = [self.choice([1, 2, 3, 3, 3, 4, 5, 7]) for _ in range(rank - 2)]
                rest = max(1.0, target / math.prod(ks))
                dims = self.dims_for(2, rest) + ks
            else:
                dims = self.dims_for(rank, target)
            n = math.prod(dims)
            if 1 <= n <= MAX_NUMEL:
                if self.p(0.5) and n % 16 == 0 and n >= 16:
                    # prefer n % 16 != 0 half the time
                    dims[-1] += 1
                    if math.prod(dims) > MAX_NUMEL:
                        continue
                return dims


# ---- params per scheme --------------------------------------------------------------
def params_for(R, scheme, dtype, shape, want_error):
    """(params dict). want_error: try to draw a param that torch refuses."""
    P = {}
    if scheme == "uniform":
        if want_error and R.p(0.7):
            e = R.randint(0, 2)
            if e == 0:  # a > b
                b = R.signed()
                P = {"a": b + R.magnitude(), "b": b}
            elif e == 1:  # out of bounds
                big = {"float16": 1e5, "bfloat16": 1e39, "float32": 1e39, "float64": None}[dtype]
                if big is None:
                    P = {"a": -3e38, "b": 3e38}  # fine for f64
                else:
                    P = {"a": -big, "b": 1.0} if R.p(0.5) else {"a": 0.0, "b": big}
            else:  # to - from > max
                m = {"float16": 60000.0, "bfloat16": 3e38, "float32": 3e38, "float64": 1.7e308}[dtype]
                P = {"a": -m, "b": m}
            return P
        if R.p(0.15):
            return {}
        a = R.signed(1e-3, 1e3 if dtype != "float16" else 1e2)
        if R.p(0.05):
            b = a  # empty range [a, a)
        else:
            b = a + R.magnitude(1e-3, 1e3 if dtype != "float16" else 1e2)
        P = {"a": a, "b": b}
        if R.p(0.2):
            del P[R.choice(["a", "b"])]
            if P.get("a", 0.0) > P.get("b", 1.0):
                P = {"a": min(P.get("a", 0.0), 1.0)} if "a" in P else {"b": max(P["b"], 0.0)}
        return P
    if scheme == "normal":
        if want_error and R.p(0.7):
            return {"mean": R.signed(), "std": -R.magnitude()}
        if R.p(0.15):
            return {}
        P = {"mean": R.signed(1e-3, 1e2, pzero=0.3), "std": 0.0 if R.p(0.05) else R.magnitude(1e-3, 1e1)}
        if R.p(0.2):
            del P[R.choice(["mean", "std"])]
        return P
    if scheme == "constant":
        if want_error and R.p(0.7):
            if dtype == "float16":
                v = R.choice([65504.5, 65520.0, 1e5, -7e4])
            elif dtype in ("float32", "bfloat16"):
                v = R.choice([3.5e38, -1e39, 1e300])
            else:
                v = R.signed()
            return {"val": v}
        k = R.r.random()
        if k < 0.15:
            v = R.choice([1 + 2 ** -11 + 2 ** -40, 1 + 2 ** -8 + 2 ** -30, 0.1, -0.0, 65504.0, 1e-8,
                          3.3895313892515355e38, 1e-45, 2.5])
        else:
            v = R.signed(1e-6, 1e4)
        if dtype == "float16" and abs(v) > FMAX16:
            v = 1.0
        return {"val": v}
    if scheme in ("ones", "zeros", "eye"):
        return {}
    if scheme == "dirac":
        if want_error and R.p(0.7):
            if R.p(0.3):
                return {"groups": 0}
            g = R.randint(2, 7)
            if shape and shape[0] % g == 0:
                g = shape[0] + 1 if shape[0] > 0 else g
            return {"groups": g}
        if R.p(0.3) or not shape:
            return {}
        d0 = shape[0]
        divs = [g for g in range(1, max(d0, 1) + 1) if d0 % g == 0] if d0 > 0 else [1, 2, 3]
        return {"groups": R.choice(divs)}
    if scheme in ("xavier_uniform", "xavier_normal", "orthogonal"):
        if want_error and R.p(0.5) and scheme != "orthogonal":
            return {"gain": -R.magnitude()}  # negative std / bound → uniform/normal error
        if R.p(0.2):
            return {}
        g = R.choice([1.0, 2 ** 0.5, 5.0 / 3, 0.75, R.magnitude(1e-2, 1e1)])
        if R.p(0.05):
            g = R.choice([0.0, -R.magnitude()]) if scheme == "orthogonal" else g
        return {"gain": g}
    if scheme in ("kaiming_uniform", "kaiming_normal"):
        if want_error and R.p(0.7):
            e = R.randint(0, 2)
            if e == 0:
                return {"mode": R.choice(["fan_avg", "in", "FAN-IN"])}
            if e == 1:
                return {"nonlinearity": R.choice(["gelu", "Relu", "LEAKY_RELU", "swish"])}
            return {"a": True, "nonlinearity": "leaky_relu"}
        P = {}
        if R.p(0.8):
            P["mode"] = R.choice(["fan_in", "fan_out", "FAN_OUT", "Fan_In", "fan_in", "fan_out"])
        if R.p(0.8):
            P["nonlinearity"] = R.choice(NONLINS + ["leaky_relu"] * 4)
        if R.p(0.7):
            while True:
                a = R.choice([0, 0, 1, 5, -1, 0.01, 0.2, 0.1, math.sqrt(5), R.uniform(-3, 3),
                              R.loguni(1e-4, 10)])
                # spec §4 caveat: glibc pow(slope, 2) != slope*slope for ~0.08% of doubles;
                # the core implements x*x, so draw only slopes where both agree.
                if isinstance(a, int) or a ** 2 == a * a:
                    break
            P["a"] = a
        return P
    if scheme == "trunc_normal":
        if want_error and R.p(0.7):
            if R.p(0.5):
                return {"std": 0.0}
            return {"a": 1.0, "b": -1.0}  # uniform_ from > to
        if R.p(0.15):
            return {}
        mean = R.signed(1e-3, 1e1, pzero=0.4)
        std = R.magnitude(1e-3, 1e1)
        if R.p(0.6):
            lo = mean - std * R.uniform(0.2, 4)
            hi = mean + std * R.uniform(0.2, 4)
        else:
            lo = R.signed(1e-2, 1e1)
            hi = lo + R.magnitude(1e-2, 1e1)
        P = {"mean": mean, "std": std, "a": lo, "b": hi}
        if R.p(0.2):
            for k in ["mean", "std", "a", "b"]:
                if R.p(0.4):
                    del P[k]
            a_, b_ = P.get("a", -2.0), P.get("b", 2.0)
            if a_ >= b_:
                P.pop("a", None)
                P.pop("b", None)
        return P
    if scheme == "sparse":
        k = R.r.random()
        if k < 0.15:
            sp = R.choice([0.0, 1.0])
        elif k < 0.2:
            sp = R.choice([-0.3, 1.5, -2.0])
        else:
            sp = R.uniform(0, 1)
            if R.p(0.3):
                sp = round(sp, 2)
        P = {"sparsity": sp}
        if R.p(0.6):
            P["std"] = 0.0 if R.p(0.05) else R.magnitude(1e-3, 1e1)
        return P
    raise ValueError(scheme)


def rank_for(R, scheme, want_error):
    if scheme in ("eye", "sparse"):
        return R.choice([0, 1, 3, 4]) if want_error else 2
    if scheme == "dirac":
        return R.choice([0, 1, 2, 6]) if want_error else R.choice([3, 4, 5])
    if scheme in ("xavier_uniform", "xavier_normal", "kaiming_uniform", "kaiming_normal"):
        return R.choice([0, 1]) if want_error else R.choice([2, 2, 2, 3, 4, 4, 5])
    if scheme == "orthogonal":
        return R.choice([0, 1]) if want_error else R.choice([2, 2, 2, 3, 4])
    return R.choice([0, 1, 1, 2, 2, 3, 4, 5])


def ortho_ok(shape):
    n = math.prod(shape)
    if n == 0 or len(shape) < 2:
        return True
    rows = shape[0]
    cols = n // rows
    return rows * cols * min(rows, cols) <= ORTHO_WORK


def draw_step(R, scheme=None, dtype=None, want_error=False, rank=None, shape=None):
    scheme = scheme or R.choice(SCHEMES)
    if dtype is None:
        while True:
            dtype = R.choice(DTYPES_DRAWN)
            if (scheme, dtype) not in REFUSED or (want_error and R.p(0.5)) or R.p(0.05):
                break
    if shape is None:
        if rank is None:
            rank = rank_for(R, scheme, want_error and R.p(0.5))
        while True:
            shape = R.shape(rank, small_kernel=scheme in ("dirac", "kaiming_uniform", "kaiming_normal",
                                                          "xavier_uniform", "xavier_normal"))
            if scheme == "orthogonal" and not ortho_ok(shape):
                continue
            if scheme == "sparse" and len(shape) == 2 and shape[0] * shape[1] > min(MAX_NUMEL, 120_000):
                continue
            break
    params = params_for(R, scheme, dtype, shape, want_error)
    return {"scheme": scheme, "shape": shape, "dtype": dtype, "params": params}


# ---- torch side ----------------------------------------------------------------------
def run_torch(seed, steps):
    """Returns (outputs as list of bytes, None) or (partial, (step_index, type, text))."""
    torch.manual_seed(seed)
    outs = []
    for i, st in enumerate(steps):
        t = torch.empty(st["shape"], dtype=TORCH_DTYPE[st["dtype"]])
        fn = getattr(torch.nn.init, st["scheme"] + "_")
        try:
            fn(t, **st["params"])
        except Exception as e:  # noqa: BLE001 — torch's own refusals are data here
            return outs, (i, type(e).__name__, str(e).split("\n")[0])
        outs.append(tensor_bytes(t))
    return outs, None


def tensor_bytes(t):
    t = t.contiguous().reshape(-1)
    if t.dtype in (torch.float16, torch.bfloat16):
        return t.view(torch.int16).numpy().astype("<i2").tobytes()
    return t.numpy().tobytes()  # x86-64: already little-endian


def fans(shape):
    rf = math.prod(shape[2:]) if len(shape) > 2 else 1
    return shape[1] * rf, shape[0] * rf


def gain_of(nl, param):
    if nl == "tanh":
        return 5.0 / 3
    if nl == "relu":
        return math.sqrt(2.0)
    if nl == "selu":
        return 0.75
    if nl == "leaky_relu":
        slope = 0.01 if param is None else param
        return math.sqrt(2.0 / (1 + slope ** 2))
    return 1


def normal_mean_std(st):
    """(mean, std) of the normal draw of a normal-family step (torch's own formulas)."""
    s, p, shape = st["scheme"], st["params"], st["shape"]
    if s == "normal":
        return p.get("mean", 0.0), p.get("std", 1.0)
    if s == "sparse":
        return 0.0, p.get("std", 0.01)
    fi, fo = fans(shape)
    if s == "xavier_normal":
        return 0.0, p.get("gain", 1.0) * math.sqrt(2.0 / float(fi + fo))
    if s == "kaiming_normal":
        mode = p.get("mode", "fan_in").lower()
        fan = fi if mode == "fan_in" else fo
        g = gain_of(p.get("nonlinearity", "leaky_relu"), p.get("a", 0))
        return 0.0, g / math.sqrt(fan)
    raise ValueError(s)


def parity_for(st):
    """'exact' or {'abs': bound} per torch-parity §6."""
    s, dt, p = st["scheme"], st["dtype"], st["params"]
    if math.prod(st["shape"]) == 0:
        return "exact"
    if dt == "float64" and s in NORMAL_FAMILY:
        mean, std = normal_mean_std(st)
        return {"abs": float("%.3g" % (F64_NORMAL_FACTOR * (abs(mean) + 8 * abs(std)) * 1.001))}
    if s == "trunc_normal" and dt in ("float32", "float64"):
        k = 1e-5 if dt == "float32" else 1e-13
        return {"abs": k * (abs(p.get("mean", 0.0)) + abs(p.get("std", 1.0)))}
    if s == "orthogonal" and dt in ("float32", "float64"):
        k = 2e-5 if dt == "float32" else 1e-13
        return {"abs": k * max(1.0, abs(p.get("gain", 1.0)))}
    return "exact"


def loosest(ps):
    worst = "exact"
    for p in ps:
        if p != "exact" and (worst == "exact" or p["abs"] > worst["abs"]):
            worst = p
    return worst


def seed_json(s):
    return s if abs(s) <= 2 ** 53 else str(s)


def main():
    global SCHEMES, DTYPES_DRAWN, MAX_NUMEL, ORTHO_WORK
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=1, help="generation seed (default 1)")
    ap.add_argument("--n", type=int, default=600, help="number of cases (default 600)")
    ap.add_argument("--out", default=None, help="output dir (default tools/crosscheck/out/seed<SEED>)")
    ap.add_argument("--multi", type=float, default=0.10, help="fraction of multi-step cases")
    ap.add_argument("--errors", type=float, default=0.08, help="fraction of cases that aim at a torch error")
    ap.add_argument("--schemes", default=None, help="comma list: draw single-step cases only from these schemes")
    ap.add_argument("--dtypes", default=None, help="comma list: draw single-step dtypes only from these")
    ap.add_argument("--max-numel", type=int, default=MAX_NUMEL, help="largest numel of a random shape (default %d)" % MAX_NUMEL)
    ap.add_argument("--ortho-work", type=float, default=ORTHO_WORK,
                    help="cap on rows*cols*min(rows,cols) for orthogonal shapes (default %g)" % ORTHO_WORK)
    ap.add_argument("--shape", action="append", default=[],
                    help="repeatable, e.g. --shape 1024,1024: single-step cases use only these shapes")
    args = ap.parse_args()
    if args.schemes:
        SCHEMES = args.schemes.split(",")
    if args.dtypes:
        DTYPES_DRAWN = args.dtypes.split(",")
    MAX_NUMEL, ORTHO_WORK = args.max_numel, args.ortho_work
    out = args.out or os.path.join(os.path.dirname(os.path.abspath(__file__)), "out", "seed%d" % args.seed)
    os.makedirs(out, exist_ok=True)
    for f in os.listdir(out):
        if f.endswith(".bin") or f == "cases.json":
            os.remove(os.path.join(out, f))

    R = Rand(args.seed)
    cases = []
    n_err = n_multi = n_bytes = 0
    for ci in range(args.n):
        seed = R.seed()
        if R.p(args.multi):
            # multi-step: 2..6 valid steps, biased towards n<16 normals (Box–Muller cache)
            while True:
                k = R.randint(2, 6)
                steps = []
                for _ in range(k):
                    if R.p(0.45):
                        sch = R.choice(["normal", "normal", "xavier_normal", "kaiming_normal", "orthogonal", "sparse"])
                        dt = R.choice(DTYPES) if sch not in ("orthogonal",) else R.choice(["float32", "float64"])
                        rank = {"normal": R.choice([0, 1, 2]), "orthogonal": 2, "sparse": 2}.get(sch, 2)
                        while True:
                            shp = [R.randint(1, 4) for _ in range(rank)]
                            if math.prod(shp) < 16:
                                break
                        steps.append(draw_step(R, sch, dt, shape=shp))
                    else:
                        steps.append(draw_step(R))
                outs, err = run_torch(seed, steps)
                if err is None:
                    break
            n_multi += 1
            cid = "x%d-%04d-seq%d" % (args.seed, ci, len(steps))
        else:
            want_error = R.p(args.errors)
            fixed = None
            if args.shape:
                sh = R.choice(args.shape)
                fixed = [int(x) for x in sh.split(",")] if sh else []
            st = draw_step(R, want_error=want_error, shape=fixed)
            steps = [st]
            outs, err = run_torch(seed, steps)
            cid = "x%d-%04d-%s-%s" % (args.seed, ci, st["scheme"], st["dtype"])
        case = {"id": cid, "seed": seed_json(seed), "steps": steps}
        if err is not None:
            _, et, etext = err
            case.update({"error": True, "error_type": et, "error_text": etext, "outputs": [], "parity": "exact"})
            n_err += 1
        else:
            outputs = []
            for i, (st, b) in enumerate(zip(steps, outs)):
                fn = "%s.%d.bin" % (cid, i)
                with open(os.path.join(out, fn), "wb") as fh:
                    fh.write(b)
                n_bytes += len(b)
                outputs.append({"file": fn, "sha256": hashlib.sha256(b).hexdigest(), "dtype": st["dtype"],
                                "shape": st["shape"], "parity": parity_for(st)})
            case.update({"outputs": outputs, "parity": loosest(o["parity"] for o in outputs)})
        cases.append(case)

    manifest = {
        "generator": "torch",
        "torch_version": torch.__version__,
        "generated_by": "tools/crosscheck/gen_cases.py --seed %d --n %d" % (args.seed, args.n),
        "format": {"bin": "raw little-endian C-order element bytes; bfloat16 = upper 16 bits of binary32",
                   "seed": "integer, or decimal string when |seed| > 2^53",
                   "steps": "run in order on ONE generator after torch.manual_seed(seed)",
                   "parity": "per output: 'exact' or {'abs': x}; case parity is the loosest"},
        "cases": cases,
    }
    with open(os.path.join(out, "cases.json"), "w") as fh:
        json.dump(manifest, fh, indent=1, allow_nan=False)
    print("wrote %d cases (%d errors, %d multi-step, %.1f MB of outputs) to %s"
          % (len(cases), n_err, n_multi, n_bytes / 1e6, out), file=sys.stderr)


if __name__ == "__main__":
    main()
