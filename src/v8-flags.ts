/**
 * V8 flags the service wants, set before any WebAssembly is compiled: import this module FIRST
 * (ES modules evaluate their imports in order, so its body runs before the engine's module).
 *
 * --experimental-wasm-relaxed-simd: Node 20's V8 (11.3) has the relaxed-SIMD proposal behind
 * this flag (V8 11.4 ships it). Its f32x4.relaxed_madd is the host's FMA instruction, the single
 * rounding torch's AVX2 kernels use: src/core/wasm/fused.wat runs the float32 normal/uniform
 * transforms ~2× faster with it, with the same bits (src/core/wasm/engine.ts probes that it
 * really is fused; otherwise, or without the flag, the exact kernels run). Flags are
 * process-wide, so worker threads started later see it too.
 */
import v8 from 'node:v8';

v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
