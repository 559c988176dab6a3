import t from 'tap';
import { runDefaults, GROUP_A } from './_default.js';

runDefaults(t, GROUP_A);
