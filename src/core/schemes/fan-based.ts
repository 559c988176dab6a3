/**
 * xavier_* and kaiming_* (torch.nn.init 1.13), all scalar maths in binary64 in PyTorch's order:
 * - xavier_uniform(gain=1.): std = gain·√(2/(fan_in+fan_out)), U(±√3·std); exact.
 * - xavier_normal(gain=1.): N(0, std) with the same std; exact except float64 (tolerance).
 * - kaiming_uniform(a=0, mode='fan_in', nonlinearity='leaky_relu'): a shape with a 0 is a
 *   no-op; std = calculate_gain(nonlinearity, a)/√fan, U(±√3·std); exact.
 * - kaiming_normal(...): N(0, std); exact except float64 (tolerance).
 */
import { TorchError } from '../errors.js';
import { fans, correctFan } from '../fans.js';
import { calculateGain } from '../gain.js';
import type { InitContext } from './context.js';
import { uniformFill, normalFillCtx } from './random.js';

function xavierStd(ctx: InitContext): number {
  const { fanIn, fanOut } = fans(ctx.shape);
  if (fanIn + fanOut === 0) throw new TorchError('ZeroDivisionError', 'float division by zero');
  return (ctx.params.gain as number) * Math.sqrt(2.0 / (fanIn + fanOut));
}

export function xavierUniform(ctx: InitContext): void {
  const a = Math.sqrt(3.0) * xavierStd(ctx);
  uniformFill(ctx, -a, a);
}

export function xavierNormal(ctx: InitContext): void {
  normalFillCtx(ctx, 0, xavierStd(ctx));
}

/** null when PyTorch returns early (a zero-size dim: warning, no RNG use). */
function kaimingStd(ctx: InitContext): number | null {
  if (ctx.shape.includes(0)) return null;
  const fan = correctFan(ctx.shape, ctx.params.mode as string);
  const gain = calculateGain(ctx.params.nonlinearity as string, ctx.params.a as number | boolean);
  return gain / Math.sqrt(fan);
}

export function kaimingUniform(ctx: InitContext): void {
  const std = kaimingStd(ctx);
  if (std === null) return;
  const bound = Math.sqrt(3.0) * std;
  uniformFill(ctx, -bound, bound);
}

export function kaimingNormal(ctx: InitContext): void {
  const std = kaimingStd(ctx);
  if (std === null) return;
  normalFillCtx(ctx, 0, std);
}
