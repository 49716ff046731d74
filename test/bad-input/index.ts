/**
 * Rows of the bad-input table kept by topic, one file each; the table in
 * test/bad-input.test.ts runs them after its own rows, with the same checks.
 */
import type { Row } from '../helpers/bad-input-table.js';
import { opsRows } from './ops.rows.js';
import { optimizerRows } from './optimizers.rows.js';
import { layerRows } from './layers.rows.js';
import { dataRows } from './data.rows.js';
import { checkpointRows } from './checkpoint.rows.js';
import { engineRows } from './engine.rows.js';
import { layerSpecRows } from './layer-specs.rows.js';
import { subsetRows } from './subset.rows.js';
import { fitRows } from './fit.rows.js';
import { packagingRows } from './packaging.rows.js';
import { residualRows } from './residual.rows.js';
import { scheduleRows } from './schedules.rows.js';
import { tuningRows } from './tuning.rows.js';
import { limitRows } from './limits.rows.js';

export const extraRows: Row[] = [
  ...opsRows, ...optimizerRows, ...layerRows, ...dataRows, ...checkpointRows, ...engineRows, ...layerSpecRows, ...subsetRows, ...fitRows,
  ...packagingRows, ...residualRows, ...scheduleRows, ...tuningRows, ...limitRows,
];
