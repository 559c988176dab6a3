/**
 * The benchmark cases shared by bench/core.mjs and bench/torch_peer.py (which receives them as
 * JSON on stdin; it has the same list built in for standalone runs).
 *
 * Each case: { id, section, scheme, shape, dtype, params, floor? }
 *   floor: 'uniform' (>= 0.6x torch 1-thread rate), 'normal' (>= 0.12x) or
 *          { maxSeconds } (absolute time limit).
 */
const M = [1024, 1024]; // 1,048,576 elements
export const SEED = 42;

export const CORE_CASES = [
  { id: 'uniform', section: 'float32, 1,048,576 elements', scheme: 'uniform', shape: M, dtype: 'float32', params: {}, floor: 'uniform' },
  { id: 'normal', section: 'float32, 1,048,576 elements', scheme: 'normal', shape: M, dtype: 'float32', params: {}, floor: 'normal' },
  { id: 'xavier_uniform', section: 'float32, 1,048,576 elements', scheme: 'xavier_uniform', shape: M, dtype: 'float32', params: {}, floor: 'uniform' },
  { id: 'xavier_normal', section: 'float32, 1,048,576 elements', scheme: 'xavier_normal', shape: M, dtype: 'float32', params: {}, floor: 'normal' },
  { id: 'kaiming_uniform', section: 'float32, 1,048,576 elements', scheme: 'kaiming_uniform', shape: M, dtype: 'float32', params: { a: Math.sqrt(5) }, floor: 'uniform' },
  { id: 'kaiming_normal', section: 'float32, 1,048,576 elements', scheme: 'kaiming_normal', shape: M, dtype: 'float32', params: { mode: 'fan_out', nonlinearity: 'relu' }, floor: 'normal' },
  { id: 'trunc_normal', section: 'float32, 1,048,576 elements', scheme: 'trunc_normal', shape: M, dtype: 'float32', params: { std: 0.02 } },
  { id: 'sparse', section: 'float32, 1,048,576 elements', scheme: 'sparse', shape: M, dtype: 'float32', params: { sparsity: 0.1 } },
  { id: 'constant', section: 'float32, 1,048,576 elements', scheme: 'constant', shape: M, dtype: 'float32', params: { val: 0.5 } },
  { id: 'eye', section: 'float32, 1,048,576 elements', scheme: 'eye', shape: M, dtype: 'float32', params: {} },
  { id: 'dirac', section: 'float32, 1,048,576 elements', scheme: 'dirac', shape: [64, 64, 16, 16], dtype: 'float32', params: {} },
  { id: 'orthogonal-256', section: 'orthogonal (float32)', scheme: 'orthogonal', shape: [256, 256], dtype: 'float32', params: {} },
  { id: 'orthogonal-1024', section: 'orthogonal (float32)', scheme: 'orthogonal', shape: M, dtype: 'float32', params: {}, floor: { maxSeconds: 1.5 } },
  { id: 'uniform-float64', section: 'other dtypes, 1,048,576 elements', scheme: 'uniform', shape: M, dtype: 'float64', params: {} },
  { id: 'normal-float64', section: 'other dtypes, 1,048,576 elements', scheme: 'normal', shape: M, dtype: 'float64', params: {} },
  { id: 'uniform-float16', section: 'other dtypes, 1,048,576 elements', scheme: 'uniform', shape: M, dtype: 'float16', params: {} },
  { id: 'normal-float16', section: 'other dtypes, 1,048,576 elements', scheme: 'normal', shape: M, dtype: 'float16', params: {} },
  { id: 'uniform-bfloat16', section: 'other dtypes, 1,048,576 elements', scheme: 'uniform', shape: M, dtype: 'bfloat16', params: {} },
  { id: 'normal-bfloat16', section: 'other dtypes, 1,048,576 elements', scheme: 'normal', shape: M, dtype: 'bfloat16', params: {} },
];

export const FLOORS = {
  uniform: { minRatio: 0.6, text: 'uniform family >= 0.6x torch 1-thread rate' },
  normal: { minRatio: 0.12, text: 'normal family >= 0.12x torch 1-thread rate' },
};

export const numel = (shape) => shape.reduce((a, b) => a * b, 1);
