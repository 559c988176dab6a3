// Regression (found by tools/crosscheck against real torch): dirac_ on a tensor with an empty
// kernel dimension raises PyTorch's IndexError instead of returning an empty tensor.
import t from 'tap';
import { initTensor } from '../../src/core/program.js';
import { TorchError } from '../../src/core/errors.js';

const cases: [number[], number, string | null][] = [
  [[2, 2, 0], 1, 'index 0 is out of bounds for dimension 2 with size 0'],
  [[2, 2, 3, 0], 1, 'index 0 is out of bounds for dimension 3 with size 0'],
  [[1, 1, 0, 3, 5], 1, 'index 0 is out of bounds for dimension 2 with size 0'],
  [[0, 2, 0], 1, null], // no (g, d) pair: nothing is indexed
  [[2, 0, 0], 1, null],
];
for (const [shape, groups, text] of cases) {
  t.test(`dirac ${shape.join('x')}`, async (t) => {
    if (text === null) {
      t.equal(initTensor(0n, 'dirac', shape, 'float32', { groups }).data.length, 0);
      return;
    }
    let err: unknown;
    try {
      initTensor(0n, 'dirac', shape, 'float64', { groups });
    } catch (e) {
      err = e;
    }
    t.type(err, TorchError);
    t.equal((err as TorchError).pyType, 'IndexError');
    t.equal((err as TorchError).message, text);
  });
}
