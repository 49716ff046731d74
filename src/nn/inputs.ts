/** What fit, evaluate and predict take as data: a resident dataset, or CPU arrays (f32 features or u8 pixels). */
import type { ResidentDataset } from '../data/resident-dataset.js';

export type Inputs = ResidentDataset | Float32Array | Uint8Array;
