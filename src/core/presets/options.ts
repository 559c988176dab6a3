/**
 * Constructor options as a transformation of the stored (default) program, so that
 * `presetProgram(name, seed, opts)` replays `torch.manual_seed(seed);
 * torchvision.models.<name>(**opts).state_dict()` bit for bit without storing a program per value.
 *
 * How this table was found (tools/models/derive_options.py --diff): the programs recorded at
 * num_classes 1000, 10 and 37 have the same steps in the same order; the only differences are
 *   - dim 0 (out_features / out_channels) of the classifier heads' weight and bias, in every step
 *     on them (construction draws and the model's re-initialisation alike). Bias bounds of the
 *     construction draw are 1/√in_features (or 1/√fan_in of the 1×1 conv) and do not depend on it;
 *     fan-based schemes (kaiming/xavier) recompute their fans from the shape; `normal`,
 *     `trunc_normal`, `constant`, `zeros` params do not depend on it;
 *   - EfficientNet (b0, v2_s) re-initialises its Linear with
 *     `init_range = 1.0 / math.sqrt(m.out_features)`; `uniform_(w, -init_range, init_range)`:
 *     the only param that is a function of num_classes (IEEE `1 / Math.sqrt(K)` is the same double).
 * Heads: googlenet has three (aux1.fc2, aux2.fc2, fc), inception_v3 two (AuxLogits.fc, fc),
 * squeezenet's is the 1×1 conv classifier.1 (normal(0, 0.01) over [K, 512, 1, 1]), maxvit's
 * classifier.5 has no bias.
 *
 * zero_init_residual (ResNet family): torchvision runs, after its init loop,
 * `for m in self.modules(): constant_(m.bn3.weight, 0)` (Bottleneck) / `bn2` (BasicBlock). Those
 * steps draw nothing and nothing is written after them, so the program gets them appended in
 * module order (= state_dict order), and the earlier `constant 1` step of the same tensor is
 * dropped, which is exactly the compacted program tv_programs.py records for that constructor.
 */
import { numel } from '../dtype.js';
import type { StepSpec } from '../program.js';
import { type ModelName, type PresetDocument, type ResolvedPresetOptions, RESNET_FAMILY, constructorText } from './catalog.js';

export interface HeadSpec {
  /** Module paths of the classifier heads: `<path>.weight` / `<path>.bias`, dim 0 = num_classes. */
  modules: string[];
  /** EfficientNet: the head weight's `uniform` step has bounds ±1/√num_classes. */
  initRangeFromOut?: boolean;
}

export const DEFAULT_NUM_CLASSES = 1000;

export const HEADS: Readonly<Record<ModelName, HeadSpec>> = {
  resnet18: { modules: ['fc'] },
  resnet50: { modules: ['fc'] },
  resnext50_32x4d: { modules: ['fc'] },
  wide_resnet50_2: { modules: ['fc'] },
  mobilenet_v2: { modules: ['classifier.1'] },
  mobilenet_v3_small: { modules: ['classifier.3'] },
  mobilenet_v3_large: { modules: ['classifier.3'] },
  squeezenet1_0: { modules: ['classifier.1'] },
  squeezenet1_1: { modules: ['classifier.1'] },
  alexnet: { modules: ['classifier.6'] },
  vgg11: { modules: ['classifier.6'] },
  vgg16_bn: { modules: ['classifier.6'] },
  googlenet: { modules: ['aux1.fc2', 'aux2.fc2', 'fc'] },
  inception_v3: { modules: ['AuxLogits.fc', 'fc'] },
  densenet121: { modules: ['classifier'] },
  efficientnet_b0: { modules: ['classifier.1'], initRangeFromOut: true },
  efficientnet_v2_s: { modules: ['classifier.1'], initRangeFromOut: true },
  regnet_y_400mf: { modules: ['fc'] },
  shufflenet_v2_x1_0: { modules: ['fc'] },
  mnasnet1_0: { modules: ['classifier.1'] },
  vit_b_16: { modules: ['heads.head'] },
  convnext_tiny: { modules: ['classifier.2'] },
  swin_t: { modules: ['head'] },
  swin_v2_t: { modules: ['head'] },
  maxvit_t: { modules: ['classifier.5'] },
};

/** Names of the norm weights zero_init_residual zeroes, in module order. */
export function residualNormWeights(model: ModelName, doc: Pick<PresetDocument, 'state_dict'>): string[] {
  if (!RESNET_FAMILY.has(model)) return [];
  const bn = model === 'resnet18' ? 'bn2' : 'bn3'; // BasicBlock vs Bottleneck
  const re = new RegExp(`^layer\\d+\\.\\d+\\.${bn}\\.weight$`);
  return doc.state_dict.filter((e) => re.test(e.name)).map((e) => e.name);
}

function internal(model: string, why: string): Error {
  return new Error(`preset ${model}: option transform does not fit the stored program (${why})`);
}

/** The head's `uniform` bound of EfficientNet for num_classes K: `1.0 / math.sqrt(K)`. */
export const initRange = (k: number): number => 1 / Math.sqrt(k);

/**
 * The program of `torchvision.models.<model>(**opts)` from the stored default program.
 * `opts` must come from `resolvePresetOptions`. Pure; returns a new document (steps that do not
 * change are shared with the input).
 */
export function applyPresetOptions(model: ModelName, doc: PresetDocument, opts: ResolvedPresetOptions): PresetDocument {
  const k = opts.num_classes ?? DEFAULT_NUM_CLASSES;
  const head = HEADS[model];
  const headNames = new Set(head.modules.flatMap((m) => [`${m}.weight`, `${m}.bias`]));
  const resize = (name: string, shape: number[]): number[] => {
    if (shape[0] !== DEFAULT_NUM_CLASSES) throw internal(model, `${name} has dim 0 = ${shape[0]}`);
    return [k, ...shape.slice(1)];
  };

  let steps: StepSpec[] = doc.steps;
  let state_dict = doc.state_dict;
  if (k !== DEFAULT_NUM_CLASSES) {
    const weights = new Set(head.modules.map((m) => `${m}.weight`));
    for (const w of weights) if (!doc.state_dict.some((e) => e.name === w)) throw internal(model, `no ${w}`);
    state_dict = doc.state_dict.map((e) => (headNames.has(e.name) ? { ...e, shape: resize(e.name, e.shape) } : e));
    steps = doc.steps.map((s) => {
      if (!headNames.has(s.name)) return s;
      if (s.view) throw internal(model, `view step on ${s.name}`);
      const out: StepSpec = { ...s, shape: resize(s.name, s.shape) };
      if (head.initRangeFromOut && s.scheme === 'uniform' && weights.has(s.name)) {
        const r0 = initRange(DEFAULT_NUM_CLASSES);
        if (s.params?.a !== -r0 || s.params?.b !== r0) throw internal(model, `${s.name} uniform bounds are not ±1/√1000`);
        const r = initRange(k);
        out.params = { ...s.params, a: -r, b: r };
      }
      return out;
    });
  }

  if (opts.zero_init_residual) {
    const zero = residualNormWeights(model, doc);
    const zs = new Set(zero);
    for (const s of steps) {
      if (zs.has(s.name) && (s.view || !['constant', 'ones', 'zeros'].includes(s.scheme))) throw internal(model, `${s.name} has a ${s.scheme} step`);
    }
    const byName = new Map(state_dict.map((e) => [e.name, e]));
    steps = [
      ...steps.filter((s) => !zs.has(s.name)),
      ...zero.map((nm): StepSpec => ({ name: nm, shape: byName.get(nm)!.shape, dtype: byName.get(nm)!.dtype, scheme: 'constant', params: { val: 0 } })),
    ];
  }

  if (steps === doc.steps && state_dict === doc.state_dict) return { ...doc, constructor: constructorText(model, opts) };
  return { ...doc, constructor: constructorText(model, opts), state_dict, steps };
}

/** Elements of a document's outputs (what a response holds), before any work. */
export function documentElements(doc: Pick<PresetDocument, 'state_dict'>): number {
  let n = 0;
  for (const e of doc.state_dict) n += numel(e.shape);
  return n;
}
