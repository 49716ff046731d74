/**
 * model.summary(): the Keras table of a Sequential model.
 *
 *   Layer (type)            Output Shape       Param #
 *   ──────────────────────────────────────────────────
 *   dense_0 (Dense)         [batch, 512]       401,920
 *   relu_1 (ReLU)           [batch, 512]             0
 *   ...
 *   Total params: 669,706
 *   Trainable params: 669,706
 *   Non-trainable params: 0
 *   Parameter buffer: 669,760 floats (54 padding)
 *
 * The counts are exact (a dense layer has in·out weights plus out biases); the
 * last line reports the flat GPU buffer, whose tensors start at 64-float
 * (256-byte) aligned offsets, separately.
 */
import type { LayerSpec } from './layers.js';

/** What the table needs of a model (Sequential satisfies it). */
export interface SummarizedModel {
  readonly layers: readonly LayerSpec[];
  readonly outputUnits: readonly number[];
  readonly parameterCount: number;
  readonly parameterBufferLength: number;
}

const TYPE_NAMES: Record<string, string> = {
  dense: 'Dense', relu: 'ReLU', sigmoid: 'Sigmoid', tanh: 'Tanh', maxout: 'Maxout', dropout: 'Dropout',
};

const count = (n: number) => n.toLocaleString('en-US');

/** Weights and biases of one layer. */
export function layerParameterCount(layer: LayerSpec): number {
  return layer.kind === 'dense' ? layer.inUnits * layer.outUnits + (layer.useBias ? layer.outUnits : 0) : 0;
}

export function modelSummary(model: SummarizedModel): string {
  const rows = model.layers.map((layer, i) => [
    `${layer.kind}_${i} (${Object.hasOwn(TYPE_NAMES, layer.kind) ? TYPE_NAMES[layer.kind] : layer.kind})`,
    `[batch, ${model.outputUnits[i]}]`,
    count(layerParameterCount(layer)),
  ]);
  const header = ['Layer (type)', 'Output Shape', 'Param #'];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)) + 2);
  const format = (r: string[]) => (r[0]!.padEnd(widths[0]!) + r[1]!.padEnd(widths[1]!) + r[2]!.padStart(widths[2]!)).trimEnd();
  const rule = (ch: string) => ch.repeat(widths.reduce((a, b) => a + b, 0));
  const padding = model.parameterBufferLength - model.parameterCount;
  return [
    'Model: "sequential"',
    rule('━'),
    format(header),
    rule('━'),
    ...rows.map(format),
    rule('━'),
    `Total params: ${count(model.parameterCount)}`,
    `Trainable params: ${count(model.parameterCount)}`,
    'Non-trainable params: 0',
    `Parameter buffer: ${count(model.parameterBufferLength)} floats (${count(padding)} padding)`,
  ].join('\n');
}
