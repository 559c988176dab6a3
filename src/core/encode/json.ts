/**
 * JSON bodies (API "Formats" → json, "JSON numbers", "Order").
 *
 * `data` is nested lists exactly as `tensor.tolist()` nests them: a 0-d tensor is a bare
 * number, shape [0, 5] is `[]`, shape [2, 0] is `[[],[]]`. Elements are floatfmt tokens
 * (shortest round-trip digits in the tensor's dtype; "nan"/"inf"/"-inf" strings); int64
 * elements are integers. Separators are compact (`,` and `:`), like `JSON.stringify`.
 *
 * Bytes are written straight into one reused per-thread scratch buffer and copied out once into
 * an exactly sized Buffer that owns its ArrayBuffer (a worker can transfer it without a copy).
 * Building strings per element and joining them costs several times more.
 */
import { type Tensor, numel } from '../dtype.js';
import type { NamedTensor } from '../program.js';
import { MAX_ELEMENT_BYTES, floatJson, float64Token, tokenCache, writeFloat32, type TokenCache } from './floatfmt.js';
import { fmt32, rowF32Wasm } from './fmt32-wasm.js';

/** The envelope of a single-tensor JSON body, in output key order. */
export interface TensorJsonMeta {
  scheme: string;
  shape: number[];
  dtype: string;
  seed: string;
  generator: string;
  params: Record<string, unknown>;
}

/** Kept between calls up to this size: fresh pages cost ~2 µs per 4 KiB on this stack. */
const KEEP_SCRATCH = 64 << 20;
let scratch = new Uint8Array(1 << 16);

/** Append-only byte sink over the scratch buffer (`view` is a DataView of the same bytes). */
class Sink {
  buf: Uint8Array<ArrayBufferLike> = scratch;
  view: DataView<ArrayBufferLike> = new DataView(scratch.buffer);
  bytes: Buffer = Buffer.from(scratch.buffer);
  pos = 0;
  /** writing into a caller's fixed region (it guaranteed the room): never grow */
  fixed = false;

  /** A sink over out[0..): the caller sized it with jsonRowsBound. */
  static into(out: Uint8Array): Sink {
    const s = new Sink();
    s.buf = out;
    s.view = new DataView(out.buffer, out.byteOffset, out.byteLength);
    s.bytes = Buffer.from(out.buffer, out.byteOffset, out.byteLength);
    s.fixed = true;
    return s;
  }

  ensure(n: number): Uint8Array {
    const need = this.pos + n;
    if (need > this.buf.length) {
      if (this.fixed) throw new RangeError('json: the fixed output region is too small');
      const grown = new Uint8Array(Math.max(need, this.buf.length * 2));
      grown.set(this.buf.subarray(0, this.pos));
      this.buf = grown;
      this.view = new DataView(grown.buffer);
      this.bytes = Buffer.from(grown.buffer);
    }
    return this.buf;
  }

  /** ASCII or any string (UTF-8 encoded). */
  text(s: string): void {
    const b = this.ensure(s.length * 3);
    let p = this.pos;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        this.pos = p + this.bytes.write(s.slice(i), p, 'utf8');
        return;
      }
      b[p++] = c;
    }
    this.pos = p;
  }

  byte(c: number): void {
    this.ensure(1)[this.pos++] = c;
  }

  /** An exactly sized Buffer with its own ArrayBuffer; the scratch is kept for the next call. */
  take(): Buffer {
    const out = Buffer.allocUnsafeSlow(this.pos);
    out.set(this.buf.subarray(0, this.pos));
    if (!this.fixed && this.buf.length <= KEEP_SCRATCH) scratch = this.buf as Uint8Array<ArrayBuffer>;
    return out;
  }
}

const COMMA = 44;
const OPEN = 91;
const CLOSE = 93;
/** Elements per `ensure` in a long row, so a 1-D tensor does not reserve its worst case at once. */
const BLOCK = 1 << 14;

// Row writers: elements [from, end) at p, each followed by a comma, returning the new p. Plain
// functions with every input a parameter: the same loop inside a closure ran ~2x slower (V8
// reloads captured variables from the context on every iteration).

/**
 * Rows of at least this many float32 elements go through the WebAssembly writer (fmt32-wasm.ts:
 * the same bytes, 3-4x faster per element); for a single element its call and copies cost as
 * much as the JS writer.
 */
const WASM_MIN_F32 = 2;

function rowF32(b: Uint8Array, v: DataView, p: number, d: Float32Array, u: Uint32Array, from: number, end: number): number {
  if (end - from >= WASM_MIN_F32) {
    const F = fmt32();
    if (F !== null) return rowF32Wasm(F, b, v, p, d, u, from, end);
  }
  for (let i = from; i < end; i++) {
    p = writeFloat32(b, v, p, d[i], u[i]);
    b[p++] = COMMA;
  }
  return p;
}

/**
 * float64 goes through the engine's `String(x)`: the tokens of a block are concatenated and
 * written with one latin1 copy, ~1.5x faster than copying each string by charCodeAt.
 */
function rowF64(b: Buffer, p: number, d: Float64Array, from: number, end: number): number {
  let s = '';
  for (let i = from; i < end; i++) s += float64Token(d[i]) + ',';
  return p + b.write(s, p, 'latin1');
}

function row16(b: Uint8Array, p: number, d: Uint16Array, cache: TokenCache, from: number, end: number): number {
  for (let i = from; i < end; i++) {
    p = cache.write(b, p, d[i]);
    b[p++] = COMMA;
  }
  return p;
}

function rowI64(b: Uint8Array, p: number, d: BigInt64Array, from: number, end: number): number {
  for (let i = from; i < end; i++) {
    const s = String(d[i]);
    for (let k = 0; k < s.length; k++) b[p + k] = s.charCodeAt(k);
    p += s.length;
    b[p++] = COMMA;
  }
  return p;
}

/** One tensor's element source for the row writers. */
class Rows {
  private readonly u32: Uint32Array | null;
  private readonly cache: TokenCache | null;
  private readonly max: number;

  constructor(private readonly t: Tensor) {
    const d = t.data;
    this.u32 = t.dtype === 'float32' ? new Uint32Array(d.buffer, d.byteOffset, d.length) : null;
    this.cache = t.dtype === 'float16' || t.dtype === 'bfloat16' ? tokenCache(t.dtype) : null;
    this.max = MAX_ELEMENT_BYTES[t.dtype] + 1;
  }

  /** Writes `count` comma-separated elements starting at flat index `start`. */
  write(sink: Sink, start: number, count: number): void {
    const d = this.t.data;
    for (let s = 0; s < count; s += BLOCK) {
      const n = Math.min(BLOCK, count - s);
      const b = sink.ensure(n * this.max + 2);
      const from = start + s;
      const p = sink.pos;
      switch (this.t.dtype) {
        case 'float32': sink.pos = rowF32(b, sink.view, p, d as Float32Array, this.u32!, from, from + n); break;
        case 'float64': sink.pos = rowF64(sink.bytes, p, d as Float64Array, from, from + n); break;
        case 'int64': sink.pos = rowI64(b, p, d as BigInt64Array, from, from + n); break;
        default: sink.pos = row16(b, p, d as Uint16Array, this.cache!, from, from + n);
      }
    }
    if (count > 0) sink.pos--; // the last element's comma
  }

  /**
   * `rows` innermost lists of `count` elements, the first at flat index `start`, as
   * `[..],[..]`: one call per group of rows, so a shape like [n, 1] costs little more than [n].
   */
  writeRows(sink: Sink, start: number, rows: number, count: number): void {
    for (let r = 0; r < rows; r++) {
      const b = sink.ensure(3);
      if (r > 0) b[sink.pos++] = COMMA;
      b[sink.pos++] = OPEN;
      this.write(sink, start + r * count, count);
      sink.buf[sink.pos++] = CLOSE; // write() reserved room for it
    }
  }
}

/** Nested lists of t's elements (C order) as `tolist()` shapes them. */
function writeData(sink: Sink, t: Tensor): void {
  const shape = t.shape;
  const nd = shape.length;
  if (t.data.length !== numel(shape)) throw new RangeError(`tensor data has ${t.data.length} elements; shape [${shape.join(', ')}] needs ${numel(shape)}`);
  const rows = new Rows(t);
  if (nd === 0) {
    rows.write(sink, 0, 1);
    return;
  }
  const strides = new Array<number>(nd);
  let s = 1;
  for (let d = nd - 1; d >= 0; d--) { strides[d] = s; s *= shape[d]; }
  const level = (d: number, offset: number): void => {
    sink.byte(OPEN);
    if (d === nd - 1) rows.write(sink, offset, shape[d]);
    else if (d === nd - 2) rows.writeRows(sink, offset, shape[d], shape[d + 1]);
    else {
      for (let i = 0; i < shape[d]; i++) {
        if (i > 0) sink.byte(COMMA);
        level(d + 1, offset + i * strides[d]);
      }
    }
    sink.byte(CLOSE);
  };
  level(0, 0);
}

/** A JSON integer for an integral number of any size (`String` would write 1e+21). */
function integerText(v: number): string {
  return Number.isSafeInteger(v) ? String(v) : BigInt(v).toString();
}

/**
 * One param value as JSON. Numbers of a float param (`asFloat`) print as Python floats (`0.0`,
 * `0.01`, `1e-05`); other integral numbers as integers; non-finite numbers as the strings
 * "inf" / "-inf" / "nan". Arrays and objects recurse with the same float-ness.
 */
export function paramJson(v: unknown, asFloat: boolean): string {
  switch (typeof v) {
    case 'number':
      if (!Number.isFinite(v)) return floatJson('float64', v);
      return asFloat || !Number.isInteger(v) ? floatJson('float64', v) : integerText(v);
    case 'bigint': return v.toString();
    case 'string': return JSON.stringify(v);
    case 'boolean': return v ? 'true' : 'false';
    case 'object': {
      if (v === null) return 'null';
      if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? 'null' : paramJson(x, asFloat))).join(',')}]`;
      const parts: string[] = [];
      for (const [k, x] of Object.entries(v)) if (x !== undefined) parts.push(`${JSON.stringify(k)}:${paramJson(x, asFloat)}`);
      return `{${parts.join(',')}}`;
    }
    default: return 'null';
  }
}

/** The params object, keys in their given order; `floatParams` names the float-typed ones. */
export function paramsJson(params: Record<string, unknown>, floatParams: ReadonlySet<string> = new Set()): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined) parts.push(`${JSON.stringify(k)}:${paramJson(v, floatParams.has(k))}`);
  }
  return `{${parts.join(',')}}`;
}

/**
 * `{"scheme","shape","dtype","seed","generator","params","data"}` in that order. The envelope
 * prints `meta` as given (meta.shape is the response's shape, normally t.shape); `data` follows
 * t.shape. `floatParams` names the params PyTorch takes as floats.
 */
export function encodeTensorJson(t: Tensor, meta: TensorJsonMeta, floatParams: ReadonlySet<string> = new Set()): Buffer {
  const sink = new Sink();
  sink.text(tensorJsonPrefix(meta, floatParams));
  writeData(sink, t);
  sink.byte(0x7d);
  return sink.take();
}

/** The envelope of encodeTensorJson up to and including `"data":` (the body ends with `}`). */
export function tensorJsonPrefix(meta: TensorJsonMeta, floatParams: ReadonlySet<string> = new Set()): string {
  return `{"scheme":${JSON.stringify(meta.scheme)},"shape":[${meta.shape.map(integerText).join(',')}],` +
    `"dtype":${JSON.stringify(meta.dtype)},"seed":${JSON.stringify(meta.seed)},` +
    `"generator":${JSON.stringify(meta.generator)},"params":${paramsJson(meta.params, floatParams)},"data":`;
}

/**
 * The data text of rows [start, end) along dim 0 (elements of a 1-D tensor), comma-joined and
 * without the enclosing brackets, so slices encoded in parallel join into `tolist()`'s text:
 * `[` + slice₀ + `,` + slice₁ + `]`.
 */
export function encodeJsonRows(t: Tensor, start: number, end: number): Buffer {
  const b = encodeJsonData(rowsOf(t, start, end));
  return b.subarray(1, b.length - 1);
}

/** Upper bound of the bytes encodeJsonRowsInto writes for rows [start, end). */
export function jsonRowsBound(t: { dtype: Tensor['dtype']; shape: readonly number[] }, start: number, end: number): number {
  const rowElems = t.shape.slice(1).reduce((a, b) => a * b, 1);
  const per = (MAX_ELEMENT_BYTES as Record<string, number>)[t.dtype] + 1;
  // every element with its comma, plus at most two brackets and a comma per nested list
  let lists = 0;
  let k = end - start;
  for (let d = 1; d < t.shape.length; d++) { lists += k; k *= t.shape[d]; }
  // + one row of slack: the writers reserve a whole row's worst case before writing it
  return (end - start + 1) * rowElems * per + lists * 3 + 64;
}

/**
 * encodeJsonRows written straight into `out` (e.g. a shared response body); returns the
 * length. Sink.ensure asks for room ahead of each write, so the region must hold
 * jsonRowsBound bytes.
 */
export function encodeJsonRowsInto(t: Tensor, start: number, end: number, out: Uint8Array): number {
  const sink = Sink.into(out);
  writeData(sink, rowsOf(t, start, end));
  // drop the outer brackets: shift left by one, cut the last
  out.copyWithin(0, 1, sink.pos - 1);
  return sink.pos - 2;
}

function rowsOf(t: Tensor, start: number, end: number): Tensor {
  const row = t.shape.slice(1).reduce((a, b) => a * b, 1);
  return { dtype: t.dtype, shape: [end - start, ...t.shape.slice(1)], data: t.data.subarray(start * row, end * row) as Tensor['data'] };
}

/** `{"name": nested lists, ...}` in the given (program output) order. */
export function encodeProgramJson(tensors: readonly NamedTensor[]): Buffer {
  const sink = new Sink();
  sink.byte(0x7b);
  tensors.forEach((t, i) => {
    sink.text(`${i > 0 ? ',' : ''}${JSON.stringify(t.name)}:`);
    writeData(sink, t);
  });
  sink.byte(0x7d);
  return sink.take();
}

/** Just the nested lists of one tensor (what `json.dumps(t.tolist())` holds). */
export function encodeJsonData(t: Tensor): Buffer {
  const sink = new Sink();
  writeData(sink, t);
  return sink.take();
}
