/**
 * torch.nn.init.calculate_gain(nonlinearity, param=None), 1.13 semantics (torch-parity §4):
 * 1 for linear, conv* and sigmoid, 5/3 tanh, √2 relu, 3/4 selu, √(2/(1+slope²)) leaky_relu
 * (slope 0.01 by default; slope² as slope·slope, see the pow caveat in the spec).
 */
import { TorchError, pyStr } from './errors.js';

export const NONLINEARITIES = ['linear', 'conv1d', 'conv2d', 'conv3d', 'conv_transpose1d', 'conv_transpose2d', 'conv_transpose3d', 'sigmoid', 'tanh', 'relu', 'leaky_relu', 'selu'] as const;
const UNIT = new Set(['linear', 'conv1d', 'conv2d', 'conv3d', 'conv_transpose1d', 'conv_transpose2d', 'conv_transpose3d', 'sigmoid']);

export function calculateGain(nonlinearity: string, param?: number | boolean | string | null): number {
  if (UNIT.has(nonlinearity)) return 1;
  if (nonlinearity === 'tanh') return 5.0 / 3;
  if (nonlinearity === 'relu') return Math.sqrt(2.0);
  if (nonlinearity === 'leaky_relu') {
    let slope: number;
    if (param === null || param === undefined) slope = 0.01;
    else if (typeof param === 'number') slope = param;
    else throw new TorchError('ValueError', `negative_slope ${pyStr(param)} not a valid number`);
    return Math.sqrt(2.0 / (1 + slope * slope));
  }
  if (nonlinearity === 'selu') return 3.0 / 4;
  throw new TorchError('ValueError', `Unsupported nonlinearity ${nonlinearity}`);
}

/** Whether calculate_gain returns Python's int 1 (so JSON shows 1, not 1.0). */
export function gainIsInt(nonlinearity: string): boolean {
  return UNIT.has(nonlinearity);
}
