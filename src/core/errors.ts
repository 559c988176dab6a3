/**
 * PyTorch's own refusals, carried with the Python exception class and `str(exception)`
 * (torch-parity §5). The HTTP layer maps them to 422 with the text as `detail`.
 */
export type PyErrorType = 'ValueError' | 'RuntimeError' | 'ZeroDivisionError' | 'TypeError' | 'OverflowError' | 'IndexError';

export class TorchError extends Error {
  readonly pyType: PyErrorType;
  constructor(pyType: PyErrorType, message: string) {
    super(message);
    this.name = 'TorchError';
    this.pyType = pyType;
  }
}

/** A program that cannot run for a reason of its own (not PyTorch's): HTTP 400/422. */
export class ProgramError extends Error {
  readonly status: 400 | 422;
  constructor(message: string, status: 400 | 422 = 422) {
    super(message);
    this.name = 'ProgramError';
    this.status = status;
  }
}

/** C++ `ostream << double`: printf %g with 6 significant digits (torch-parity §1.4). */
export function fmtG(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x < 0 ? '-inf' : 'inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const [mant, expStr] = x.toExponential(5).split('e');
  const exp = Number(expStr);
  const strip = (s: string) => (s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s);
  if (exp < -4 || exp >= 6) {
    const e = Math.abs(exp);
    return `${strip(mant)}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
  }
  return strip(x.toFixed(5 - exp));
}

/** Python's str() of a float/int/bool/str param, for texts built in torch/nn/init.py. */
export function pyStr(v: unknown): string {
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'number') return pyFloatRepr(v);
  return String(v);
}

/** Python repr of a float: shortest round-trip digits, '.0' for integral, e-notation from 1e16. */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x < 0 ? '-inf' : 'inf';
  if (Number.isInteger(x) && Math.abs(x) < 1e16) return `${x.toFixed(0)}.0`.replace(/^-0\.0$/, '-0.0');
  let s = String(x);
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-])(\d+)$/.exec(s);
  if (m) s = `${m[1]}${m[2]}${m[3] ? '.' + m[3] : ''}e${m[4]}${m[5].padStart(2, '0')}`;
  else if (Math.abs(x) < 1e-4) {
    const [mm, ee] = x.toExponential().split('e');
    s = `${mm}e${ee[0]}${ee.slice(1).padStart(2, '0')}`;
  }
  return s;
}

/** The caller asked to stop (client gone, time limit): thrown from long loops that poll. */
export class Aborted extends Error {
  constructor() {
    super('aborted');
    this.name = 'Aborted';
  }
}
