#!/usr/bin/python3
"""Constructor options of the torchvision presets (num_classes, zero_init_residual):
derive, verify against real torch, and write the hash fixtures.

Needs real torch 1.13.1 + torchvision 0.14.1 (run with /usr/bin/python3) and node, and a tsc
build of the project (`npx tsc -p tsconfig.json`, or --build). It imports
../shared/tools/tv_programs.py (SHARED_DIR overrides ../shared) for recording; nothing of it is
copied here.

  derive_options.py --diff   [--models a,b]   record programs at num_classes 10 and 37 (and
                             zero_init_residual=True), print every step that differs from the
                             stored default program, and check that the TS transformation
                             (src/core/presets/options.ts) gives exactly the recorded program.
  derive_options.py --verify [--models a,b] [--seeds 8675309,11]
                             real `torch.manual_seed(s); torchvision.models.<m>(**opts)`
                             state_dict vs the TS core, every tensor, for num_classes in
                             {10, 1, 37} x (ResNet family) zero_init_residual {False, True}.
  derive_options.py --hashes write test/fixtures/models/default_hashes.json and
                             option_hashes.json from real torch.

Tensors whose last step is float32 trunc_normal are compared with the scheme's tolerance
(torch-parity §6: glibc erff/expf/logf are not ported, abs <= 1e-5*(|mean|+std)) on their first
SAMPLE_N elements when their hash differs; everything else must be byte-equal.
"""
import argparse
import base64
import hashlib
import json
import os
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED = os.environ.get("SHARED_DIR", os.path.join(ROOT, "..", "shared"))
sys.path.insert(0, os.path.join(SHARED, "tools"))
import tv_programs as tv  # noqa: E402  (imports torch, torchvision; sets threads)
import torch  # noqa: E402
import torchvision  # noqa: E402

FIXTURES = os.path.join(ROOT, "test", "fixtures", "models")
RESNETS = ["resnet18", "resnet50", "resnext50_32x4d", "wide_resnet50_2"]
MODELS = tv.MODELS
VERIFY_SEEDS = (8675309, 11)          # never used by the tests
DEFAULT_SEED, EXTRA_SEED = 31337, 4242  # test/fixtures/models/default_hashes.json
OPTION_SEED, OPTION_SEED2 = 1618, 2718  # option_hashes.json
SMALL = ["mobilenet_v2", "mobilenet_v3_small", "mobilenet_v3_large", "squeezenet1_0",
         "squeezenet1_1", "densenet121", "efficientnet_b0", "regnet_y_400mf",
         "shufflenet_v2_x1_0", "mnasnet1_0"]   # second default seed (cheap in the TS core)
HASH_PREFIX = 16                         # hex digits kept per tensor (the 'all' hash is full)
SAMPLE_N = 8                             # trunc_normal float32 tensors: strided sample kept
TOL_SAMPLE = 4096                        # --verify: elements compared with tolerance


# ------------------------------------------------------------------------------------------
# the TS side: one node process, JSON lines
# ------------------------------------------------------------------------------------------

class TS:
    def __init__(self):
        self.p = subprocess.Popen(["node", os.path.join(ROOT, "tools", "models", "ts_presets.mjs")],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT)

    def run(self, job):
        self.p.stdin.write(json.dumps(job) + "\n")
        self.p.stdin.flush()
        line = self.p.stdout.readline()
        if not line:
            raise RuntimeError("ts_presets.mjs exited")
        out = json.loads(line)
        if "error" in out:
            raise RuntimeError(out["error"])
        return out

    def close(self):
        self.p.stdin.close()
        self.p.wait()


def build():
    r = subprocess.run(["npx", "tsc", "-p", "tsconfig.json"], cwd=ROOT, capture_output=True, text=True)
    for f in ("dist/src/core/presets/index.js", "dist/src/core/rules.js", "dist/src/core/program.js"):
        if not os.path.exists(os.path.join(ROOT, f)):
            sys.exit("build failed (%s missing):\n%s" % (f, r.stdout[-3000:]))
    if r.returncode:
        print("note: tsc reported errors (output still emitted):\n" + r.stdout[-1500:], file=sys.stderr)


# ------------------------------------------------------------------------------------------
# real torch
# ------------------------------------------------------------------------------------------

def real_state(name, seed, opts):
    torch.manual_seed(seed)
    m = getattr(torchvision.models, name)(**opts)
    return [(k, v.detach()) for k, v in m.state_dict().items()]


def layout_hash(entries):
    """sha256 of the canonical JSON of [[name, shape, dtype], ...] (JS JSON.stringify gives the same)."""
    s = json.dumps([[k, list(shape), dt] for k, shape, dt in entries], separators=(",", ":"))
    return hashlib.sha256(s.encode()).hexdigest()


def hashes(sd):
    allh = hashlib.sha256()
    per = []
    for _, v in sd:
        b = tv.tensor_bytes(v)
        per.append(hashlib.sha256(b).hexdigest())
        allh.update(b)
    return per, allh.hexdigest()


def entries(sd):
    return [(k, list(v.shape), tv.DTYPE_NAME[v.dtype]) for k, v in sd]


def trunc_final(program):
    """name -> params of tensors whose last full step is float32 trunc_normal."""
    last = {}
    for s in program["steps"]:
        if "view" not in s:
            last[s["name"]] = s
    return {k: s["params"] for k, s in last.items()
            if s["scheme"] == "trunc_normal" and s.get("dtype", "float32") == "float32"}


def sample_idx(n):
    return [i * (n // SAMPLE_N) for i in range(SAMPLE_N)] if n >= SAMPLE_N else list(range(n))


def opt_text(opts):
    return ", ".join("%s=%s" % kv for kv in opts.items()) or "defaults"


# ------------------------------------------------------------------------------------------
# --diff
# ------------------------------------------------------------------------------------------

def recorded_program(name, opts):
    m, ev, sd = tv.record_module(lambda: getattr(torchvision.models, name)(**opts))
    p, _meta = tv.build_program(name, "", ev, sd)
    return tv.public_program(p)


def norm_steps(steps):
    out = []
    for s in steps:
        s = dict(s)
        s.setdefault("dtype", "float32")
        s.setdefault("params", {})
        out.append(s)
    return out


def run_diff(models, ts):
    ok_all = True
    for name in models:
        with open(os.path.join(ROOT, "src", "core", "data", "presets", name + ".json")) as f:
            base = json.load(f)
        sets = [{"num_classes": 10}, {"num_classes": 37}]
        if name in RESNETS:
            sets += [{"zero_init_residual": True}, {"num_classes": 37, "zero_init_residual": True}]
        for opts in sets:
            rec = recorded_program(name, opts)
            if opts.get("zero_init_residual"):
                tail = rec["steps"][len(rec["steps"]) - sum(1 for s in rec["steps"][::-1]
                                                            if s["scheme"] == "constant" and s["params"] == {"val": 0}
                                                            and s["name"].endswith(("bn2.weight", "bn3.weight"))):]
                print("  %s(%s): %d steps recorded (%d stored); the last %d are constant 0 on %s ... %s"
                      % (name, opt_text(opts), len(rec["steps"]), len(base["steps"]), len(tail),
                         tail[0]["name"] if tail else "-", tail[-1]["name"] if tail else "-"))
            elif len(rec["steps"]) == len(base["steps"]):
                for i, (a, b) in enumerate(zip(base["steps"], rec["steps"])):
                    if a != b:
                        d = {k: (a.get(k), b.get(k)) for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)}
                        print("  %s(%s) step %d %s %s: %s" % (name, opt_text(opts), i, a["name"], a["scheme"], d))
            else:
                print("  %s(%s): %d steps recorded vs %d stored (compaction dropped/added steps)"
                      % (name, opt_text(opts), len(rec["steps"]), len(base["steps"])))
            tsp = ts_program(ts, name, opts)
            same_steps = norm_steps(tsp["steps"]) == norm_steps(rec["steps"])
            same_sd = tsp["state_dict"] == rec["state_dict"]
            ok = same_steps and same_sd
            ok_all &= ok
            print("%s(%s): TS program %s the recorded program" % (name, opt_text(opts), "EQUALS" if ok else "DIFFERS FROM"),
                  flush=True)
    return ok_all


def ts_program(ts, name, opts):
    """The program presetProgram() builds, without running it."""
    out = ts.run({"op": "program", "model": name, "options": opts})
    return out["program"]


# ------------------------------------------------------------------------------------------
# --verify
# ------------------------------------------------------------------------------------------

def option_sets(name):
    sets = [{"num_classes": k} for k in (10, 1, 37)]
    if name in RESNETS:
        sets = [dict(s, zero_init_residual=z) for s in sets for z in (False, True)]
    return sets


def compare_case(ts, name, seed, opts):
    sd = real_state(name, seed, opts)
    per, allh = hashes(sd)
    t0 = time.time()
    out = ts.run({"op": "preset", "model": name, "seed": str(seed), "options": opts, "withProgram": True})
    ms = out["ms"]
    if [list(e) for e in entries(sd)] != [[a, b, c] for a, b, c in zip(out["names"], out["shapes"], out["dtypes"])]:
        return "FAIL names/shapes/dtypes differ", ms
    bad = [i for i, h in enumerate(per) if out["sha256"][i] != h]
    if not bad:
        return ("EXACT" if out["all"] == allh else "FAIL all-hash"), ms
    tf = trunc_final(out["program"])
    hard = [sd[i][0] for i in bad if sd[i][0] not in tf]
    if hard:
        return "FAIL %d tensors differ: %s" % (len(bad), hard[:4]), ms
    dump = ts.run({"op": "preset", "model": name, "seed": str(seed), "options": opts,
                   "dump": {sd[i][0]: TOL_SAMPLE for i in bad}})["dumps"]
    worst = 0.0
    for i in bad:
        k, v = sd[i]
        p = tf[k]
        tol = 1e-5 * (abs(p.get("mean", 0.0)) + p.get("std", 1.0))
        got = np.frombuffer(base64.b64decode(dump[k]), dtype=np.float32)
        want = v.reshape(-1)[:len(got)].numpy()
        err = float(np.max(np.abs(got.astype(np.float64) - want.astype(np.float64)))) if len(got) else 0.0
        worst = max(worst, err / tol)
        if err > tol:
            return "FAIL %s beyond tolerance (%g > %g)" % (k, err, tol), ms
    return "TOLERANCE (%d trunc_normal tensors not bit-exact; worst err = %.3f x tol on first %d elements)" % (
        len(bad), worst, TOL_SAMPLE), ms


def run_verify(models, seeds, ts):
    counts = {}
    for name in models:
        for opts in option_sets(name):
            for seed in seeds:
                res, ms = compare_case(ts, name, seed, opts)
                kind = res.split()[0]
                counts[kind] = counts.get(kind, 0) + 1
                print("%-20s %-45s seed %-8d TS %6d ms  %s" % (name, opt_text(opts), seed, ms, res), flush=True)
    print("summary:", counts)
    return "FAIL" not in counts


# ------------------------------------------------------------------------------------------
# --hashes
# ------------------------------------------------------------------------------------------

def fixture_case(ts, name, seed, opts):
    sd = real_state(name, seed, opts)
    per, allh = hashes(sd)
    tsp = ts_program(ts, name, opts)
    tf = trunc_final(tsp)
    samples = {}
    for k, v in sd:
        if k in tf:
            flat = v.reshape(-1)
            samples[k] = [float("%.9g" % float(flat[i])) for i in sample_idx(flat.numel())]
    case = {"model": name, "options": opts, "seed": seed, "layout": layout_hash(entries(sd)),
            "all": allh, "sha256": [h[:HASH_PREFIX] for h in per]}
    if samples:
        case["trunc_samples"] = samples
    return case


HOW = ("torch.manual_seed(seed); torchvision.models.<model>(**options).state_dict() on CPU (AVX2); "
       "'layout' = sha256 of JSON [[name, shape, dtype], ...] in state_dict order (no spaces); "
       "'sha256' = first %d hex digits of the sha256 of each tensor's little-endian C-order bytes, "
       "in state_dict order; 'all' = full sha256 of the concatenation; 'trunc_samples' = elements "
       "[i*(n//%d) for i in range(%d)] of tensors whose last step is float32 trunc_normal (parity "
       "'tolerance' in the core until glibc erff/expf/logf are ported)" % (HASH_PREFIX, SAMPLE_N, SAMPLE_N))


def write_fixture(path, cases, what):
    doc = {"format": "preset-hashes/1", "what": what, "how": HOW, "build": tv.BUILD,
           "generated_by": "tools/models/derive_options.py --hashes", "cases": cases}
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write('{\n')
        for k in ("format", "what", "how", "build", "generated_by"):
            f.write("  %s: %s,\n" % (json.dumps(k), json.dumps(doc[k])))
        f.write('  "cases": [\n')
        f.write(",\n".join("    " + json.dumps(c, separators=(",", ":")) for c in cases))
        f.write("\n  ]\n}\n")
    print("wrote", path, os.path.getsize(path), "bytes")


def run_hashes(models, ts):
    cases = []
    for name in models:
        for seed in ([DEFAULT_SEED] + ([EXTRA_SEED] if name in SMALL else [])):
            cases.append(fixture_case(ts, name, seed, {}))
            print("default", name, seed, flush=True)
    write_fixture(os.path.join(FIXTURES, "default_hashes.json"), cases, "default constructor")
    ocases = []
    plan = [(n, OPTION_SEED, {"num_classes": 10}) for n in models]
    plan += [(n, OPTION_SEED, {"zero_init_residual": True}) for n in models if n in RESNETS]
    extra = [("resnet18", {"num_classes": 37, "zero_init_residual": True}),
             ("efficientnet_b0", {"num_classes": 37}), ("squeezenet1_1", {"num_classes": 1}),
             ("mobilenet_v3_small", {"num_classes": 1}), ("resnet50", {"num_classes": 1, "zero_init_residual": True})]
    plan += [(n, OPTION_SEED2, o) for n, o in extra if n in models]
    for name, seed, opts in plan:
        ocases.append(fixture_case(ts, name, seed, opts))
        print("options", name, seed, opts, flush=True)
    write_fixture(os.path.join(FIXTURES, "option_hashes.json"), ocases, "constructor options")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--diff", action="store_true")
    ap.add_argument("--verify", action="store_true")
    ap.add_argument("--hashes", action="store_true")
    ap.add_argument("--build", action="store_true", help="run tsc first")
    ap.add_argument("--models", default=",".join(MODELS))
    ap.add_argument("--seeds", default=",".join(map(str, VERIFY_SEEDS)))
    a = ap.parse_args()
    models = [m for m in a.models.split(",") if m]
    if a.build:
        build()
    ts = TS()
    ok = True
    try:
        if a.diff:
            ok &= run_diff(models, ts)
        if a.verify:
            ok &= run_verify(models, [int(s) for s in a.seeds.split(",")], ts)
        if a.hashes:
            run_hashes(models, ts)
    finally:
        ts.close()
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
