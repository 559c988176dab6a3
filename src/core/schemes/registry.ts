/**
 * The scheme catalogue: every torch.nn.init function (named without the underscore), its
 * keyword params with PyTorch's defaults, and the parity level each dtype reaches under the
 * `torch` generator (torch-parity §6).
 */
import type { FloatDtype } from '../dtype.js';
import type { InitContext } from './context.js';
import { uniform, normal, truncNormal } from './random.js';
import { constant, ones, zeros, eye, dirac } from './fill.js';
import { xavierUniform, xavierNormal, kaimingUniform, kaimingNormal } from './fan-based.js';
import { orthogonal } from './orthogonal.js';
import { sparse } from './sparse.js';

export type ParamType = 'float' | 'integer' | 'string' | 'float_or_bool';
export interface ParamSpec {
  name: string;
  type: ParamType;
  /** PyTorch's default; absent = required. */
  default?: number | string;
  description: string;
}
export type Parity = 'exact' | 'tolerance' | 'unsupported';
export interface SchemeDef {
  name: string;
  summary: string;
  params: ParamSpec[];
  parity: Record<FloatDtype, Parity>;
  /** Tolerance per dtype where parity is "tolerance" (a formula, as text). */
  tolerance?: Partial<Record<FloatDtype, string>>;
  draws: boolean;
  run: (ctx: InitContext) => void;
}

const ALL_EXACT: Record<FloatDtype, Parity> = { float32: 'exact', float64: 'exact', float16: 'exact', bfloat16: 'exact' };
const NORMAL_PARITY: Record<FloatDtype, Parity> = { float32: 'exact', float64: 'tolerance', float16: 'exact', bfloat16: 'exact' };
const NORMAL_TOL = { float64: 'abs <= 2^-48 * (|mean| + 8*std)' };
const gain = (d: string): ParamSpec => ({ name: 'gain', type: 'float', default: 1.0, description: d });
const kaimingParams: ParamSpec[] = [
  { name: 'a', type: 'float_or_bool', default: 0, description: 'negative slope of the rectifier after this layer (leaky_relu only)' },
  { name: 'mode', type: 'string', default: 'fan_in', description: "'fan_in' or 'fan_out' (lower-cased, as PyTorch does)" },
  { name: 'nonlinearity', type: 'string', default: 'leaky_relu', description: 'a calculate_gain nonlinearity (case-sensitive)' },
];

const defs: SchemeDef[] = [
  { name: 'uniform', summary: 'U(a, b)', params: [
    { name: 'a', type: 'float', default: 0.0, description: 'lower bound' },
    { name: 'b', type: 'float', default: 1.0, description: 'upper bound' }], parity: ALL_EXACT, draws: true, run: uniform },
  { name: 'normal', summary: 'N(mean, std²)', params: [
    { name: 'mean', type: 'float', default: 0.0, description: 'mean' },
    { name: 'std', type: 'float', default: 1.0, description: 'standard deviation' }], parity: NORMAL_PARITY, tolerance: NORMAL_TOL, draws: true, run: normal },
  { name: 'constant', summary: 'fill with val', params: [
    { name: 'val', type: 'float', description: 'the value (required)' }], parity: ALL_EXACT, draws: false, run: constant },
  { name: 'ones', summary: 'fill with 1', params: [], parity: ALL_EXACT, draws: false, run: ones },
  { name: 'zeros', summary: 'fill with 0', params: [], parity: ALL_EXACT, draws: false, run: zeros },
  { name: 'eye', summary: 'identity matrix (2-D)', params: [], parity: { ...ALL_EXACT, bfloat16: 'unsupported' }, draws: false, run: eye },
  { name: 'dirac', summary: 'Dirac delta per group (3/4/5-D)', params: [
    { name: 'groups', type: 'integer', default: 1, description: 'number of groups in the conv layer' }], parity: ALL_EXACT, draws: false, run: dirac },
  { name: 'xavier_uniform', summary: 'U(±gain·√(6/(fan_in+fan_out)))', params: [gain('scaling factor')], parity: ALL_EXACT, draws: true, run: xavierUniform },
  { name: 'xavier_normal', summary: 'N(0, gain²·2/(fan_in+fan_out))', params: [gain('scaling factor')], parity: NORMAL_PARITY, tolerance: NORMAL_TOL, draws: true, run: xavierNormal },
  { name: 'kaiming_uniform', summary: 'U(±gain·√(3/fan))', params: kaimingParams, parity: ALL_EXACT, draws: true, run: kaimingUniform },
  { name: 'kaiming_normal', summary: 'N(0, gain²/fan)', params: kaimingParams, parity: NORMAL_PARITY, tolerance: NORMAL_TOL, draws: true, run: kaimingNormal },
  { name: 'trunc_normal', summary: 'N(mean, std²) truncated to [a, b]', params: [
    { name: 'mean', type: 'float', default: 0.0, description: 'mean' },
    { name: 'std', type: 'float', default: 1.0, description: 'standard deviation' },
    { name: 'a', type: 'float', default: -2.0, description: 'minimum cutoff (absolute)' },
    { name: 'b', type: 'float', default: 2.0, description: 'maximum cutoff (absolute)' }],
    parity: { float32: 'tolerance', float64: 'tolerance', float16: 'unsupported', bfloat16: 'exact' },
    tolerance: { float32: 'abs <= 1e-5 * (|mean| + std)', float64: 'abs <= 1e-13 * (|mean| + std)' }, draws: true, run: truncNormal },
  { name: 'orthogonal', summary: '(semi-)orthogonal matrix from QR of a normal sample', params: [gain('scaling factor')],
    parity: { float32: 'tolerance', float64: 'tolerance', float16: 'unsupported', bfloat16: 'unsupported' },
    tolerance: { float32: 'abs <= 2e-5 * max(1, |gain|)', float64: 'abs <= 1e-13 * max(1, |gain|)' }, draws: true, run: orthogonal },
  { name: 'sparse', summary: 'N(0, std²) with a fraction of each column zeroed', params: [
    { name: 'sparsity', type: 'float', description: 'fraction of elements in each column set to zero (required)' },
    { name: 'std', type: 'float', default: 0.01, description: 'standard deviation of the non-zero values' }],
    parity: NORMAL_PARITY, tolerance: NORMAL_TOL, draws: true, run: sparse },
];

export const SCHEMES: ReadonlyMap<string, SchemeDef> = new Map(defs.map((d) => [d.name, d]));
export const SCHEME_NAMES = defs.map((d) => d.name);
