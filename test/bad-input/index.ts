/**
 * Rows of the bad-input table kept by topic, one file each; the table in
 * test/bad-input.test.ts runs them after its own rows, with the same checks.
 */
import type { Row } from '../helpers/bad-input-table.js';
import { packagingRows } from './packaging.rows.js';

export const extraRows: Row[] = [
  ...packagingRows,
];
