import t from 'tap';
import { runDefaults, GROUP_B } from './_default.js';

runDefaults(t, GROUP_B);
