#!/usr/bin/python3
"""Fixtures for the RULES form of POST /v1/programs, from real torch 1.13.1 (/usr/bin/python3).

Builds two small architectures, seeds the generator AFTER construction and runs
`model.apply(init_fn)` with the usual recipes, exactly as API.md states the equivalence:

    m = Model(); torch.manual_seed(seed); m.apply(init_fn)

and writes test/fixtures/models/rules_cnn.json and rules_transformer.json:
  request      the rules request body: seed, tensors in the order init_fn writes them (apply
               visits children before their parent), then the tensors init_fn never writes
               (BatchNorm buffers: their constructor values), the rules, and state_dict
  state_dict   [{name, shape, dtype}] in m.state_dict() order
  results      per seed: sha256 + shape + dtype of every tensor of m.state_dict(), 'all' = sha256
               of the concatenation, and for float32 trunc_normal tensors an 8-element sample
               (the TS core's trunc_normal float32 parity is 'tolerance', torch-parity §6)

Before writing, the tool checks its own rules: it turns the request into a program with Python's
fnmatch.fnmatchcase / re.search (first matching rule), replays that program with torch alone
(../shared/tools/tv_programs.py replay) and requires byte equality with the real state_dict, and
it records the write order with tv_programs.Recorder. With --check-ts it also runs the request
through the TS core (tools/models/ts_presets.mjs, needs a tsc build in dist/).

    make_rules_fixtures.py [--check-ts]
"""
import argparse
import fnmatch
import hashlib
import json
import math
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED = os.environ.get("SHARED_DIR", os.path.join(ROOT, "..", "shared"))
sys.path.insert(0, os.path.join(SHARED, "tools"))
import tv_programs as tv  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402

OUT = os.path.join(ROOT, "test", "fixtures", "models")
SAMPLE_N = 8


# ------------------------------------------------------------------------------------------
# (a) a small CNN: conv+bn+relu blocks, a residual block, a linear head
# ------------------------------------------------------------------------------------------

class ConvBNReLU(nn.Module):
    def __init__(self, cin, cout, k=3, stride=1):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, k, stride, padding=k // 2, bias=False)
        self.bn = nn.BatchNorm2d(cout)
        self.act = nn.ReLU(inplace=True)

    def forward(self, x):
        return self.act(self.bn(self.conv(x)))


class ResidualBlock(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv1 = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(c)
        self.conv2 = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(c)

    def forward(self, x):
        y = torch.relu(self.bn1(self.conv1(x)))
        return torch.relu(x + self.bn2(self.conv2(y)))


class SmallCNN(nn.Module):
    def __init__(self, num_classes=10):
        super().__init__()
        self.stem = ConvBNReLU(3, 16)
        self.stage1 = nn.Sequential(ConvBNReLU(16, 32, stride=2), ResidualBlock(32))
        self.proj = nn.Conv2d(32, 48, 1)                  # a conv with a bias
        self.head = nn.Linear(48, num_classes)

    def forward(self, x):
        x = self.proj(self.stage1(self.stem(x)))
        return self.head(x.mean((2, 3)))


def cnn_init(m):
    if isinstance(m, nn.Conv2d):
        nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
        if m.bias is not None:
            nn.init.zeros_(m.bias)
    elif isinstance(m, nn.BatchNorm2d):
        nn.init.ones_(m.weight)
        nn.init.zeros_(m.bias)
    elif isinstance(m, nn.Linear):
        nn.init.normal_(m.weight, 0, 0.01)
        nn.init.zeros_(m.bias)
    elif isinstance(m, ResidualBlock):
        nn.init.zeros_(m.bn2.weight)                      # zero-init the residual branch's last norm


CNN_RULES = [
    {"match": "*.bn2.weight", "scheme": "zeros"},
    {"match": "/(^|\\.)conv\\d*\\.weight$/", "scheme": "kaiming_normal",
     "params": {"mode": "fan_out", "nonlinearity": "relu"}},
    {"match": "proj.weight", "scheme": "kaiming_normal", "params": {"mode": "fan_out", "nonlinearity": "relu"}},
    {"match": "*bn[0-9].weight", "scheme": "ones"},
    {"match": "*.bn.weight", "scheme": "ones"},
    {"match": "head.weight", "scheme": "normal", "params": {"mean": 0.0, "std": 0.01}},
    {"match": "*.running_var", "scheme": "ones"},
    {"match": "/\\.(running_mean|num_batches_tracked)$/", "scheme": "zeros"},
    {"match": "*.bias", "scheme": "zeros"},
]


# ------------------------------------------------------------------------------------------
# (b) a small transformer: q/k/v projections + nn.MultiheadAttention, LayerNorm, MLP
# ------------------------------------------------------------------------------------------

class SelfAttention(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads = heads
        self.q_proj, self.k_proj, self.v_proj = nn.Linear(d, d), nn.Linear(d, d), nn.Linear(d, d)
        for p in (self.q_proj, self.k_proj, self.v_proj):
            p.is_qkv = True
        self.out_proj = nn.Linear(d, d)

    def forward(self, x):
        b, n, d = x.shape
        q, k, v = (p(x).view(b, n, self.heads, -1).transpose(1, 2) for p in (self.q_proj, self.k_proj, self.v_proj))
        a = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(q.shape[-1]), -1)
        return self.out_proj((a @ v).transpose(1, 2).reshape(b, n, d))


class Block(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.norm1 = nn.LayerNorm(d)
        self.attn = SelfAttention(d, heads)
        self.norm2 = nn.LayerNorm(d)
        self.cross = nn.MultiheadAttention(d, heads, batch_first=True)
        self.norm3 = nn.LayerNorm(d)
        self.mlp = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d))
        self.mlp_norm = nn.LayerNorm(d)                    # closes the MLP branch: zero-init
        self.gate = nn.Parameter(torch.empty(3))           # < 16 elements: Box-Muller scalar path

    def forward(self, x, mem):
        x = x + self.attn(self.norm1(x))
        h = self.norm2(x)
        x = x + self.cross(h, mem, mem, need_weights=False)[0]
        return x + self.mlp_norm(self.mlp(self.norm3(x))) * self.gate.sum()


class TinyTransformer(nn.Module):
    def __init__(self, vocab=64, d=32, heads=4, depth=2, seq=8, num_classes=5):
        super().__init__()
        self.tok = nn.Embedding(vocab, d)
        self.pos = nn.Parameter(torch.zeros(1, seq, d))
        self.cls = nn.Parameter(torch.zeros(1, 1, d))
        self.blocks = nn.ModuleList([Block(d, heads) for _ in range(depth)])
        self.norm = nn.LayerNorm(d)
        self.head = nn.Linear(d, num_classes)

    def forward(self, ids):
        x = self.tok(ids) + self.pos[:, : ids.shape[1]]
        x = torch.cat([self.cls.expand(x.shape[0], -1, -1), x], 1)
        for b in self.blocks:
            x = b(x, x)
        return self.head(self.norm(x[:, 0]))


def tf_init(m):
    if isinstance(m, nn.Linear):
        if getattr(m, "is_qkv", False):
            nn.init.xavier_uniform_(m.weight, gain=1 / math.sqrt(2))
        else:
            nn.init.trunc_normal_(m.weight, std=0.02)
        if m.bias is not None:
            nn.init.zeros_(m.bias)
    elif isinstance(m, nn.MultiheadAttention):
        nn.init.xavier_uniform_(m.in_proj_weight)
        nn.init.zeros_(m.in_proj_bias)
    elif isinstance(m, nn.LayerNorm):
        nn.init.ones_(m.weight)
        nn.init.zeros_(m.bias)
    elif isinstance(m, nn.Embedding):
        nn.init.normal_(m.weight, std=0.02)
    elif isinstance(m, Block):
        nn.init.zeros_(m.mlp_norm.weight)
        nn.init.normal_(m.gate, std=0.1)
    elif isinstance(m, TinyTransformer):
        nn.init.trunc_normal_(m.pos, std=0.02)
        nn.init.normal_(m.cls, std=1e-6)


TF_RULES = [
    {"match": "*.mlp_norm.weight", "scheme": "zeros"},
    {"match": "/\\.[qkv]_proj\\.weight$/", "scheme": "xavier_uniform", "params": {"gain": 1 / math.sqrt(2)}},
    {"match": "*.in_proj_weight", "scheme": "xavier_uniform", "params": {"gain": 1.0}},
    {"match": "*.gate", "scheme": "normal", "params": {"std": 0.1}},
    {"match": "tok.weight", "scheme": "normal", "params": {"std": 0.02}},
    {"match": "pos", "scheme": "trunc_normal", "params": {"std": 0.02}},
    {"match": "cls", "scheme": "normal", "params": {"std": 1e-6}},
    {"match": "*norm*.weight", "scheme": "ones"},
    {"match": "/weight$/", "scheme": "trunc_normal", "params": {"std": 0.02}},
    {"match": "*bias", "scheme": "zeros"},
]


# ------------------------------------------------------------------------------------------

def write_order(ctor, init_fn, seed):
    """Names in the order init_fn writes them (first write), via tv_programs.Recorder."""
    m = ctor()
    sd = m.state_dict(keep_vars=True)
    by_ptr = {v.storage().data_ptr(): k for k, v in sd.items() if v.numel()}
    torch.manual_seed(seed)
    rec = tv.Recorder()
    with rec:
        m.apply(init_fn)
    order = []
    for ev in rec.events:
        k = by_ptr.get(ev["tensor"].storage().data_ptr())
        if k is None:
            if ev["rng"]:
                raise SystemExit("init_fn draws on a tensor outside state_dict")
            continue
        if k not in order:
            order.append(k)
        elif ev["rng"]:
            raise SystemExit("%s is drawn more than once: not expressible with one rule per tensor" % k)
    return order


def py_match(match, name):
    m = re.fullmatch(r"/(.*)/([dgimsuvy]*)", match, re.S)
    if m:
        flags = (re.I if "i" in m.group(2) else 0) | (re.M if "m" in m.group(2) else 0) | (re.S if "s" in m.group(2) else 0)
        return re.search(m.group(1), name, flags) is not None
    return fnmatch.fnmatchcase(name, match)


def rules_program(req):
    steps = []
    for t in req["tensors"]:
        rule = next((r for r in req["rules"] if py_match(r["match"], t["name"])), None)
        if rule is None:
            raise SystemExit("no rule matches %s" % t["name"])
        steps.append({"name": t["name"], "shape": t["shape"], "dtype": t.get("dtype", "float32"),
                      "scheme": rule["scheme"], "params": rule.get("params", {})})
    return {"steps": steps, "state_dict": req["state_dict"]}


def real(ctor, init_fn, seed):
    m = ctor()
    torch.manual_seed(seed)
    m.apply(init_fn)
    return [(k, v.detach()) for k, v in m.state_dict().items()]


def make(label, ctor, init_fn, rules, seeds, check_ts):
    sd0 = real(ctor, init_fn, seeds[0])
    meta = {k: (list(v.shape), tv.DTYPE_NAME[v.dtype]) for k, v in sd0}
    order = write_order(ctor, init_fn, seeds[0])
    untouched = [k for k, _ in sd0 if k not in order]
    tensors = []
    for k in order + untouched:
        t = {"name": k, "shape": meta[k][0]}
        if meta[k][1] != "float32":
            t["dtype"] = meta[k][1]
        tensors.append(t)
    req = {"seed": seeds[0], "dtype": "float32", "tensors": tensors, "rules": rules,
           "state_dict": [{"name": k} for k, _ in sd0]}
    prog = rules_program(req)
    trunc = {s["name"] for s in prog["steps"] if s["scheme"] == "trunc_normal"}
    results = []
    for seed in seeds:
        sd = real(ctor, init_fn, seed)
        out, _ = tv.replay(prog, seed)
        bad = tv.compare(dict(sd), out)
        if bad:
            raise SystemExit("%s seed %d: the rules do not reproduce init_fn: %s" % (label, seed, bad[:4]))
        allh = hashlib.sha256()
        per = {}
        samples = {}
        for k, v in sd:
            b = tv.tensor_bytes(v)
            allh.update(b)
            per[k] = {"sha256": hashlib.sha256(b).hexdigest(), "shape": list(v.shape), "dtype": tv.DTYPE_NAME[v.dtype]}
            if k in trunc:
                flat = v.reshape(-1)
                n = flat.numel()
                idx = [i * (n // SAMPLE_N) for i in range(SAMPLE_N)] if n >= SAMPLE_N else list(range(n))
                samples[k] = [float("%.9g" % float(flat[i])) for i in idx]
        r = {"seed": seed, "all": allh.hexdigest(), "tensors": per}
        if samples:
            r["trunc_samples"] = samples
        results.append(r)
    doc = {"format": "rules-fixture/1", "model": label,
           "how": "m = %s(); torch.manual_seed(seed); m.apply(init_fn); sha256 of each state_dict tensor's "
                  "little-endian C-order bytes; 'all' = sha256 of their concatenation in state_dict order. "
                  "request.tensors lists tensors in the order init_fn writes them (first write), then the "
                  "ones it never writes (their constructor values)" % label,
           "build": tv.BUILD, "generated_by": "tools/models/make_rules_fixtures.py",
           "init_fn": init_fn.__name__,
           "request": req,
           "state_dict": [{"name": k, "shape": meta[k][0], "dtype": meta[k][1]} for k, _ in sd0],
           "write_order": order,
           "results": results}
    if check_ts:
        check_with_ts(doc)
    path = os.path.join(OUT, "rules_%s.json" % label_file(label))
    with open(path, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print("wrote", path, os.path.getsize(path), "bytes;", len(order), "written by init_fn,",
          len(untouched), "untouched; state_dict order == write order:", order == [k for k, _ in sd0][:len(order)])


def label_file(label):
    return {"SmallCNN": "cnn", "TinyTransformer": "transformer"}[label]


def check_with_ts(doc):
    p = subprocess.Popen(["node", os.path.join(ROOT, "tools", "models", "ts_presets.mjs")],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    for r in doc["results"]:
        body = dict(doc["request"], seed=str(r["seed"]))
        p.stdin.write(json.dumps({"op": "rules", "body": body}) + "\n")
        p.stdin.flush()
        out = json.loads(p.stdout.readline())
        if "error" in out:
            print("  TS error:", out["error"])
            continue
        bad = [n for n, h in zip(out["names"], out["sha256"]) if r["tensors"][n]["sha256"] != h]
        print("  TS seed %d: %d/%d tensors byte-equal%s" % (r["seed"], len(out["names"]) - len(bad), len(out["names"]),
                                                          (" (differ: %s)" % bad) if bad else ""))
    p.stdin.close()
    p.wait()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check-ts", action="store_true")
    a = ap.parse_args()
    make("SmallCNN", SmallCNN, cnn_init, CNN_RULES, [42, 20230917], a.check_ts)
    make("TinyTransformer", TinyTransformer, tf_init, TF_RULES, [7, 314159], a.check_ts)


if __name__ == "__main__":
    main()
