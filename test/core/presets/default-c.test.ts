import t from 'tap';
import { runDefaults, GROUP_A, GROUP_B } from './_default.js';
import { MODEL_NAMES } from '../../../src/core/presets/index.js';

// googlenet, the ResNets but wide_resnet50_2, vit_b_16, maxvit_t and the small models (two seeds)
const elsewhere = new Set([...GROUP_A, ...GROUP_B]);
runDefaults(t, MODEL_NAMES.filter((m) => !elsewhere.has(m)));
