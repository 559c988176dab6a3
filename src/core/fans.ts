/**
 * torch.nn.init._calculate_fan_in_and_fan_out: rf = ∏ shape[2:], fan_in = shape[1]·rf,
 * fan_out = shape[0]·rf; fewer than 2 dims is PyTorch's ValueError.
 */
import { TorchError } from './errors.js';

export function fans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length < 2) throw new TorchError('ValueError', 'Fan in and fan out can not be computed for tensor with fewer than 2 dimensions');
  let rf = 1;
  for (let i = 2; i < shape.length; i++) rf *= shape[i];
  return { fanIn: shape[1] * rf, fanOut: shape[0] * rf };
}

/** _calculate_correct_fan: mode is lower-cased first, as PyTorch does. */
export function correctFan(shape: readonly number[], mode: string): number {
  const m = mode.toLowerCase();
  if (m !== 'fan_in' && m !== 'fan_out') throw new TorchError('ValueError', `Mode ${m} not supported, please use one of ['fan_in', 'fan_out']`);
  const f = fans(shape);
  return m === 'fan_in' ? f.fanIn : f.fanOut;
}
