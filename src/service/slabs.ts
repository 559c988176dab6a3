/**
 * Reusable SharedArrayBuffer slabs for response bodies. A worker writes the tensor bytes
 * straight into a slab the main thread owns, right behind the format header the main thread
 * already wrote: no copy, no fresh pages to fault in (~2 µs per 4 KiB page here), and no 4 MB
 * ArrayBuffer per request for the main thread's GC to chase. A slab is held by the response
 * cache and by every response still writing it; when both let go it returns to the pool.
 */
import type { Dtype } from '../core/dtype.js';
import { numel, BYTES } from '../core/dtype.js';
import type { Format } from '../http/negotiate.js';
import { npyHeader, safetensorsLayout } from '../core/encode/index.js';

export class Slab {
  /** responses currently writing this slab */
  private sends = 0;
  private cached = true;
  /**
   * `memory`: a shared WebAssembly.Memory whose buffer this slab is (live preset bodies: the
   * workers' in-place kernels write into it, src/core/wasm/inplace.wat); its last 64 KiB page is
   * the kernels' scratch.
   */
  constructor(readonly sab: SharedArrayBuffer, private readonly pool: SlabPool, public length: number, readonly memory?: WebAssembly.Memory) {}

  body(): Uint8Array {
    return new Uint8Array(this.sab, 0, this.length);
  }

  pin(): void {
    this.sends++;
  }

  unpin(): void {
    this.sends--;
    this.maybeRelease();
  }

  /** The cache dropped it (evicted, or never kept). */
  evict(): void {
    this.cached = false;
    this.maybeRelease();
  }

  /**
   * Back to the pool once nobody holds it, checked again on the next turn of the event loop: a
   * response that got this body from the cache or a shared flight pins it a few microtasks
   * later, and must not find it reused by then. (Not later than that: back-to-back requests for
   * big bodies, e.g. models, should find the slab free — a fresh one costs a page fault per
   * 4 KiB written, ~50 ms for resnet50's 102 MB here.)
   */
  private maybeRelease(): void {
    if (this.cached || this.sends !== 0 || this.releasing) return;
    this.releasing = true;
    setImmediate(() => {
      this.releasing = false;
      if (!this.cached && this.sends === 0 && !this.released) {
        this.released = true;
        if (this.memory) this.pool.releaseMemory(this.memory);
        else this.pool.release(this.sab);
      }
    });
  }
  private releasing = false;
  private released = false;
}

const MIN_CLASS = 1 << 16;

export class SlabPool {
  private readonly free = new Map<number, SharedArrayBuffer[]>();
  private freeBytes = 0;
  created = 0;
  reused = 0;

  /** `maxFreeBytes`: idle slabs kept for reuse beyond what the cache holds. */
  constructor(private readonly maxFreeBytes: number) {}

  static sizeClass(n: number): number {
    let c = MIN_CLASS;
    while (c < n) c *= 2;
    return c;
  }

  acquire(length: number): Slab {
    const cls = SlabPool.sizeClass(length);
    const list = this.free.get(cls);
    let sab = list?.pop();
    if (sab) {
      this.freeBytes -= cls;
      this.reused++;
    } else {
      sab = new SharedArrayBuffer(cls);
      this.created++;
    }
    return new Slab(sab, this, length);
  }

  private readonly freeMemories = new Map<number, WebAssembly.Memory[]>();

  /**
   * A slab that is a shared WebAssembly.Memory of `length` bytes plus one 64 KiB scratch page at
   * its end, or null where such a memory cannot be had (V8 caps the address space it reserves for
   * wasm memories; the caller then uses acquire()).
   */
  acquireMemory(length: number): Slab | null {
    const pages = Math.ceil(length / 65536) + 1;
    let memory = this.freeMemories.get(pages)?.pop();
    if (memory) {
      this.freeBytes -= pages * 65536;
      this.reused++;
    } else {
      try {
        memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
      } catch {
        return null;
      }
      this.created++;
    }
    return new Slab(memory.buffer as unknown as SharedArrayBuffer, this, length, memory);
  }

  releaseMemory(memory: WebAssembly.Memory): void {
    const bytes = memory.buffer.byteLength;
    const list = this.freeMemories.get(bytes / 65536) ?? [];
    if (this.freeBytes + bytes > this.maxFreeBytes || list.length >= 2) return; // let GC have it
    list.push(memory);
    this.freeMemories.set(bytes / 65536, list);
    this.freeBytes += bytes;
  }

  release(sab: SharedArrayBuffer): void {
    const cls = sab.byteLength;
    if (this.freeBytes + cls > this.maxFreeBytes) return; // let GC have it
    const list = this.free.get(cls) ?? [];
    list.push(sab);
    this.free.set(cls, list);
    this.freeBytes += cls;
  }
}

/** Where each output tensor's bytes go inside the body, and the header in front of them. */
export interface BodyLayout {
  header: Uint8Array;
  offsets: Record<string, number>;
  total: number;
}

/** raw/npy/safetensors bodies are header + tensors at known offsets; others return null. */
export function bodyLayout(format: Format, outputs: { name: string; dtype: Dtype; shape: number[] }[], metadata?: Record<string, string>): BodyLayout | null {
  if (format === 'raw' && outputs.length === 1) {
    const o = outputs[0];
    return { header: new Uint8Array(0), offsets: { [o.name]: 0 }, total: numel(o.shape) * BYTES[o.dtype] };
  }
  if (format === 'npy' && outputs.length === 1) {
    const o = outputs[0];
    if (o.dtype === 'bfloat16') return null;
    const header = npyHeader(o.dtype, o.shape);
    return { header, offsets: { [o.name]: header.length }, total: header.length + numel(o.shape) * BYTES[o.dtype] };
  }
  if (format === 'safetensors') {
    const { header, dataLength, offsets } = safetensorsLayout(outputs, metadata);
    const map: Record<string, number> = {};
    outputs.forEach((o, i) => (map[o.name] = header.length + offsets[i][0]));
    return { header, offsets: map, total: header.length + dataLength };
  }
  return null;
}
