#!/usr/bin/env python3
"""Cross-checks src/core/encode against the real readers (optional; CI has only Node).

    /usr/bin/python3 tools/check-encoders.py

A small Node script (run through tap's TypeScript loader, so no build is needed) encodes a set of
tensors into every format; this script then checks, with numpy (1.24 here):

  npy          byte-identical to np.save of the same array, and np.load gives the array back
  headers      npyHeader for many shapes equals numpy's own header writer (np.save's)
  npz          np.load lists the members in order with the same arrays; each member is
               byte-identical to np.save; zipfile's CRC check passes; the members equal those of
               np.savez; a sparse archive past 4 GiB (ZIP64) opens and its small member loads
  safetensors  safetensors.numpy.load when the package is installed, else the reference reader's
               rules (huggingface/safetensors read_metadata/validate), checked here
  json         nested like tolist(); each token parses (binary64, then one rounding to the dtype,
               numpy's casts) to the element bit for bit; never longer than numpy's repr (equal to
               it but for the double-rounding cases the contract allows); float64 data is exactly
               json.dumps(a.tolist(), separators=(',', ':')); all 65536 float16 patterns

Exits 0 with a "skipped" line when numpy, node or the project's node_modules are missing.
"""
import io
import json
import math
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LOADER = os.path.join(ROOT, 'node_modules', '@tapjs', 'typescript', 'dist', 'esm', 'import.mjs')


def skip(why):
    print(f'check-encoders: skipped ({why})')
    sys.exit(0)


try:
    import numpy as np
except ImportError:
    skip('numpy is not installed')
if shutil.which('node') is None:
    skip('node is not on PATH')
if not os.path.exists(LOADER):
    skip('node_modules is missing: run npm ci first')

GEN = r'''
import { writeFileSync, openSync, writeSync, closeSync, ftruncateSync } from 'node:fs';
import * as E from '%(root)s/src/core/encode/index.js';

const out = process.argv[2];
let seed = 0x9e3779b9;
const rnd = () => { // mulberry32
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const numel = (s) => s.reduce((a, b) => a * b, 1);
const f32bits = (n, f) => { const u = new Uint32Array(n); for (let i = 0; i < n; i++) u[i] = f(i); return new Float32Array(u.buffer); };

const cases = [];
const add = (name, dtype, shape, data) => cases.push({ name, dtype, shape, data });
add('conv.weight', 'float32', [64, 3, 7, 7], new Float32Array(64 * 147).map(() => 0.05 * Math.sqrt(-2 * Math.log(rnd() || 1)) * Math.cos(6.283185307179586 * rnd())));
add('f32.bits', 'float32', [4000], f32bits(4000, () => Math.floor(rnd() * 0x7f800000) | (rnd() < 0.5 ? 0x80000000 : 0)));
add('f32.subnormal', 'float32', [500], f32bits(500, () => Math.floor(rnd() * 0x00800000)));
add('f32.pow2', 'float32', [254], f32bits(254, (i) => (i + 1) << 23));
add('f32.special', 'float32', [2, 4], new Float32Array([0, -0, NaN, Infinity, -Infinity, 3.4028234663852886e38, 1.401298464324817e-45, 1]));
add('f64.mix', 'float64', [3, 4], new Float64Array([0.1, -0.0, 1e-7, 1e16, 5e-324, 1.7976931348623157e308, 1 / 3, 2 ** 53, 123456.789, -2.5e-5, 1e21, 0.0001]));
add('f64.bits', 'float64', [2000], (() => { const d = new DataView(new ArrayBuffer(16000)); for (let i = 0; i < 2000; i++) { d.setUint32(8 * i + 4, Math.floor(rnd() * 0x7ff00000), true); d.setUint32(8 * i, Math.floor(rnd() * 2 ** 32), true); } return new Float64Array(d.buffer); })());
add('f16.all', 'float16', [256, 256], new Uint16Array(65536).map((_, i) => i));
add('bf16.all', 'bfloat16', [65536], new Uint16Array(65536).map((_, i) => i));
add('bn.num_batches_tracked', 'int64', [], new BigInt64Array([7n]));
add('i64', 'int64', [5], new BigInt64Array([0n, -1n, 9223372036854775807n, -9223372036854775808n, 42n]));
add('scalar', 'float32', [], new Float32Array([0.5]));
add('empty.0x5', 'float32', [0, 5], new Float32Array(0));
add('empty.2x0', 'float64', [2, 0], new Float64Array(0));
add('ünïcödé', 'float16', [2], new Uint16Array([0x3c00, 0xc000]));

const manifest = { cases: [], headers: [] };
for (const c of cases) {
  const i = manifest.cases.length;
  writeFileSync(`${out}/${i}.bin`, E.encodeRaw(c));
  writeFileSync(`${out}/${i}.json`, E.encodeJsonData(c));
  if (c.dtype !== 'bfloat16') writeFileSync(`${out}/${i}.npy`, E.encodeNpy(c));
  manifest.cases.push({ name: c.name, dtype: c.dtype, shape: c.shape });
}
writeFileSync(`${out}/all.safetensors`, E.encodeSafetensors(cases, { format: 'pt', source: 'check-encoders' }));
const npyable = cases.filter((c) => c.dtype !== 'bfloat16');
writeFileSync(`${out}/all.npz`, E.encodeNpz(npyable));
manifest.npz = npyable.map((c) => c.name);
if (E.npzEncodedLength(npyable) !== E.encodeNpz(npyable).length) throw new Error('npzEncodedLength');
if (E.safetensorsEncodedLength(cases, { format: 'pt', source: 'check-encoders' }) !== E.encodeSafetensors(cases, { format: 'pt', source: 'check-encoders' }).length) throw new Error('safetensorsEncodedLength');

for (let k = 0; k < 400; k++) {
  const rank = Math.floor(rnd() * 24);
  const shape = Array.from({ length: rank }, () => Math.floor(10 ** (rnd() * (rnd() < 0.1 ? 12 : 3))));
  for (const dtype of ['float32', 'float64', 'float16', 'int64']) manifest.headers.push({ dtype, shape, hex: E.npyHeader(dtype, shape).toString('hex') });
}

// ZIP64: a sparse archive whose first member is 2^30 float32 zeros (4 GiB + 128 bytes)
const layout = E.npzLayout([{ name: 'big', dtype: 'float32', shape: [2 ** 30] }, { name: 'small', dtype: 'float32', shape: [3] }]);
const [big, small] = layout.members;
const smallData = new Float32Array([1.5, -2, 3.25]);
const zeros = new Uint8Array(1 << 20);
let crcBig = E.crc32(big.npyHeader);
for (let n = 0; n < 2 ** 32; n += zeros.length) crcBig = E.crc32(zeros, crcBig);
const crcSmall = E.crc32(new Uint8Array(smallData.buffer), E.crc32(small.npyHeader));
const fd = openSync(`${out}/zip64.npz`, 'w');
writeSync(fd, E.npzLocalHeader(big, crcBig), 0, big.localLength, 0);
writeSync(fd, big.npyHeader, 0, big.npyHeader.length, big.localLength);
// the 4 GiB of zeros are a hole in the file
writeSync(fd, E.npzLocalHeader(small, crcSmall), 0, small.localLength, small.offset);
writeSync(fd, small.npyHeader, 0, small.npyHeader.length, small.offset + small.localLength);
writeSync(fd, new Uint8Array(smallData.buffer), 0, 12, small.offset + small.localLength + small.npyHeader.length);
const cd = E.npzCentralDirectory(layout, [crcBig, crcSmall]);
writeSync(fd, cd, 0, cd.length, layout.centralOffset);
closeSync(fd);
manifest.zip64Length = layout.totalLength;

writeFileSync(`${out}/manifest.json`, JSON.stringify(manifest));
'''

NP_DTYPE = {'float32': '<f4', 'float64': '<f8', 'float16': '<f2', 'int64': '<i8', 'bfloat16': '<u2'}
ST_DTYPE = {'float32': 'F32', 'float64': 'F64', 'float16': 'F16', 'bfloat16': 'BF16', 'int64': 'I64'}
failures = []
checked_tokens = [0]


def fail(msg):
    failures.append(msg)
    if len(failures) <= 30:
        print('FAIL', msg)


def raw_array(d, i, c):
    with open(os.path.join(d, f'{i}.bin'), 'rb') as f:
        return np.frombuffer(f.read(), dtype=NP_DTYPE[c['dtype']]).reshape(c['shape'])


def npy_bytes(a):
    b = io.BytesIO()
    np.save(b, a)
    return b.getvalue()


def same_bits(a, b):
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def bf16_round(x):
    """A double rounded once to bfloat16 (round half to even), as the bfloat16 value's bits."""
    if math.isnan(x):
        return None
    if x == 0 or math.isinf(x):
        v = x
    else:
        m, e = math.frexp(abs(x))  # |x| = m·2^e, 0.5 <= m < 1
        q = 2.0 ** (max(e - 1, -126) - 7)
        v = math.copysign(round(abs(x) / q) * q, x)  # round(): half to even, exact here
        if abs(v) > 3.3895313892515355e38:
            v = math.copysign(math.inf, x)
    return int(np.array(v, dtype='<f4').view('<u4')) >> 16


def sig_digits(tok):
    s = tok.lstrip('-').split('e')[0].replace('.', '').lstrip('0').rstrip('0')
    return max(1, len(s))


def flatten(x, shape, out):
    if len(shape) == 0:
        out.append(x)
        return True
    if not isinstance(x, list) or len(x) != shape[0]:
        return False
    return all(flatten(y, shape[1:], out) for y in x)


def check_json(d, i, c, a):
    with open(os.path.join(d, f'{i}.json'), 'rb') as f:
        text = f.read().decode('utf-8')
    tree = json.loads(text)
    flat = []
    if not flatten(tree, c['shape'], flat):
        return fail(f"{c['name']}: json nesting is not tolist()'s")
    if c['dtype'] == 'int64':
        if [int(v) for v in a.reshape(-1)] != flat:
            fail(f"{c['name']}: json int64 values")
        return
    if c['dtype'] == 'float64' and not any(isinstance(v, str) for v in flat):
        if text != json.dumps(a.tolist(), separators=(',', ':')):
            fail(f"{c['name']}: float64 json differs from json.dumps(tolist())")
    # tokens in file order, to compare digit counts with numpy's repr
    tokens = text.replace('[', ' ').replace(']', ' ').replace(',', ' ').split()
    if len(tokens) != len(flat):
        return fail(f"{c['name']}: token count")
    vals = a.reshape(-1)
    shorter = 0
    for tok, v, elem in zip(tokens, flat, vals):
        if isinstance(v, str):
            want = {'"nan"': 'nan', '"inf"': 'inf', '"-inf"': '-inf'}[tok]
            if c['dtype'] == 'bfloat16':
                b = int(elem)
                ok = (want == 'nan' and (b & 0x7f80) == 0x7f80 and b & 0x7f) or (want == 'inf' and b == 0x7f80) or (want == '-inf' and b == 0xff80)
            else:
                ok = (want == 'nan' and np.isnan(elem)) or (want != 'nan' and float(elem) == float(want))
            if not ok:
                fail(f"{c['name']}: {tok} for {elem}")
            continue
        if '.' not in tok and 'e' not in tok:
            fail(f"{c['name']}: {tok} is not printed as a float")
        x = float(tok)
        if c['dtype'] == 'bfloat16':
            checked_tokens[0] += 1
            if bf16_round(x) != int(elem) and not (x == 0 and int(elem) & 0x7fff == 0 and math.copysign(1, x) == (-1 if int(elem) & 0x8000 else 1)):
                fail(f"{c['name']}: {tok} does not round to bfloat16 {int(elem):#06x}")
            continue
        checked_tokens[0] += 1
        back = np.array(x).astype(a.dtype)
        if back.tobytes() != np.array(elem).tobytes():
            fail(f"{c['name']}: {tok} parses to {back!r}, not {elem!r}")
            continue
        if c['dtype'] in ('float32', 'float16'):
            ref = str(elem)  # numpy's shortest repr digits (Dragon4)
            if tok != ref:
                if sig_digits(tok) < sig_digits(ref):
                    shorter += 1  # numpy bounds digits by the exact interval; the contract by a binary64 parse
                else:
                    fail(f"{c['name']}: {tok} vs numpy repr {ref}")
    if shorter:
        print(f"  {c['name']}: {shorter} tokens shorter than numpy's repr (double-rounding cases, allowed)")


def main():
    with tempfile.TemporaryDirectory(prefix='check-encoders-') as d:
        gen = os.path.join(d, 'gen.mts')
        with open(gen, 'w') as f:
            f.write(GEN % {'root': ROOT})
        env = dict(os.environ, TS_NODE_TRANSPILE_ONLY='1', TS_NODE_PROJECT=os.path.join(ROOT, 'tsconfig.json'))
        r = subprocess.run(['node', f'--import=file://{LOADER}', gen, d], cwd=ROOT, env=env, capture_output=True, text=True)
        if r.returncode != 0:
            print(r.stdout, r.stderr)
            print('check-encoders: FAILED (the node side did not run)')
            sys.exit(1)
        with open(os.path.join(d, 'manifest.json')) as f:
            manifest = json.load(f)
        cases = manifest['cases']
        arrays = {}

        # npy + json per tensor
        for i, c in enumerate(cases):
            a = raw_array(d, i, c)
            arrays[c['name']] = a
            if c['dtype'] != 'bfloat16':
                with open(os.path.join(d, f'{i}.npy'), 'rb') as f:
                    ours = f.read()
                if ours != npy_bytes(a):
                    fail(f"{c['name']}: npy bytes differ from np.save")
                try:
                    if not same_bits(np.load(io.BytesIO(ours)), a):
                        fail(f"{c['name']}: np.load differs")
                except Exception as e:  # a malformed file: report it, go on checking
                    fail(f"{c['name']}: np.load raised {e!r}")
            check_json(d, i, c, a)
        print(f"npy, json: {len(cases)} tensors, {checked_tokens[0]} float tokens checked")

        # headers for many shapes, against numpy's own header writer
        from numpy.lib import format as npformat
        for h in manifest['headers']:
            b = io.BytesIO()
            npformat._write_array_header(b, {'descr': NP_DTYPE[h['dtype']], 'fortran_order': False, 'shape': tuple(h['shape'])}, None)
            if b.getvalue().hex() != h['hex']:
                fail(f"npy header {h['dtype']} {h['shape']}")
        print(f"npy headers: {len(manifest['headers'])} shapes checked")

        # npz
        path = os.path.join(d, 'all.npz')
        with zipfile.ZipFile(path) as z:
            if z.testzip() is not None:
                fail('npz: CRC check failed')
            names = [n[:-4] for n in z.namelist()]
            if names != manifest['npz']:
                fail(f'npz: member order {names}')
            for n in manifest['npz']:
                if z.read(n + '.npy') != npy_bytes(arrays[n]):
                    fail(f'npz: member {n} differs from np.save')
        with np.load(path) as f:
            if list(f.files) != manifest['npz']:
                fail('npz: np.load file list')
            for n in manifest['npz']:
                if not same_bits(f[n], arrays[n]):
                    fail(f'npz: np.load {n}')
        b = io.BytesIO()
        np.savez(b, **{n: arrays[n] for n in manifest['npz']})
        with zipfile.ZipFile(b) as ref, zipfile.ZipFile(path) as z:
            for n in manifest['npz']:
                if ref.read(n + '.npy') != z.read(n + '.npy'):
                    fail(f'npz: member {n} differs from np.savez')
        print(f"npz: {len(manifest['npz'])} members checked")

        # ZIP64 (sparse file: the 4 GiB member is a hole)
        path = os.path.join(d, 'zip64.npz')
        if os.path.getsize(path) != manifest['zip64Length']:
            fail('zip64: length')
        with zipfile.ZipFile(path) as z:
            info = {i.filename: i for i in z.infolist()}
            if info['big.npy'].file_size != 2 ** 32 + 128 or info['small.npy'].header_offset <= 0xFFFFFFFF:
                fail('zip64: sizes or offsets')
        with np.load(path) as f:
            if list(f.files) != ['big', 'small'] or f['small'].tolist() != [1.5, -2.0, 3.25]:
                fail('zip64: np.load')
        print('npz zip64: checked')

        # safetensors
        path = os.path.join(d, 'all.safetensors')
        with open(path, 'rb') as f:
            buf = f.read()
        try:
            from safetensors.numpy import load as st_load
        except ImportError:
            st_load = None
        if st_load is not None:
            loaded = st_load(buf)
            for c in cases:
                if c['dtype'] != 'bfloat16' and not same_bits(loaded[c['name']], arrays[c['name']]):
                    fail(f"safetensors: {c['name']}")
            print('safetensors: loaded with safetensors.numpy')
        n = struct.unpack('<Q', buf[:8])[0]
        header = json.loads(buf[8:8 + n].decode('utf-8'))
        if n > 100_000_000 or not buf[8:9] == b'{' or n % 8:
            fail('safetensors: header size/start/alignment')
        if list(header) != ['__metadata__'] + [c['name'] for c in cases]:
            fail('safetensors: order')
        if header['__metadata__'] != {'format': 'pt', 'source': 'check-encoders'}:
            fail('safetensors: metadata')
        start = 0
        data = buf[8 + n:]
        for c in cases:
            info = header[c['name']]
            s, e = info['data_offsets']
            a = arrays[c['name']]
            if s != start or info['dtype'] != ST_DTYPE[c['dtype']] or info['shape'] != c['shape'] or e - s != a.nbytes or data[s:e] != a.tobytes():
                fail(f"safetensors: {c['name']}")
            start = e
        if start != len(data):
            fail('safetensors: data length')
        print('safetensors: header rules and data checked')

    if failures:
        print(f'check-encoders: FAILED ({len(failures)} problems)')
        sys.exit(1)
    print('check-encoders: all checks passed')


if __name__ == '__main__':
    main()
