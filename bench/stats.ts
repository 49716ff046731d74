/**
 * Summary statistics for benchmark figures.
 *
 * Every figure in the JSON report is a `Stat`: min, median and max over the
 * repetitions, plus the raw samples. The median is the headline number
 * because one slow repetition (another process taking the core, a GC pause)
 * moves it far less than the mean; min and max show how noisy the run was.
 */

export interface Stat {
  min: number;
  median: number;
  max: number;
  /** Number of repetitions behind the figure. */
  n: number;
  samples: number[];
}

export function summarize(samples: readonly number[]): Stat {
  if (samples.length === 0) throw new Error('summarize: no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { min: sorted[0]!, median, max: sorted[sorted.length - 1]!, n: samples.length, samples: [...samples] };
}

/** The same figure in other units: e.g. seconds per call -> GFLOP/s (a decreasing map swaps min and max). */
export function mapStat(stat: Stat, f: (x: number) => number): Stat {
  return summarize(stat.samples.map(f));
}

/** A single measurement (one epoch, one accuracy) as a Stat with n = 1. */
export function single(value: number): Stat {
  return summarize([value]);
}
