/**
 * The whole-model gradient check: the gradients `computeGradients` returns
 * (what fit uses) against central finite differences of the loss, one
 * parameter at a time, with the dropout masks of a fixed step.
 */
import type { Sequential } from '../../src/index.js';

/** Parameter indices (into the packed weights) to check, and how to name one in a report. */
export interface GradientCheck {
  indices: number[];
  /** Names a failing index in the report. */
  label(i: number): string;
}

/** Each index's analytic gradient against (L(w + h) − L(w − h)) / 2h; returns the mismatches. */
export async function gradientMismatches(model: Sequential, x: Float32Array, y: ArrayLike<number>, check: GradientCheck,
  options = { training: true, step: 1 }, h = 2e-3): Promise<string[]> {
  const w0 = await model.getWeights();
  const { gradients } = await model.computeGradients(x, y, options);
  const bad: string[] = [];
  try {
    for (const i of check.indices) {
      const plus = w0.slice(); plus[i]! += h;
      const minus = w0.slice(); minus[i]! -= h;
      model.setWeights(plus);
      const lp = (await model.computeGradients(x, y, options)).loss;
      model.setWeights(minus);
      const lm = (await model.computeGradients(x, y, options)).loss;
      const numeric = (lp - lm) / (2 * h);
      if (Math.abs(numeric - gradients[i]!) > 2e-3 + 0.05 * Math.abs(numeric)) bad.push(`${check.label(i)}: fit ${gradients[i]} vs numeric ${numeric}`);
    }
  } finally {
    model.setWeights(w0);
  }
  return bad;
}
