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
import type { ModelPlan, PlannedLayer } from './layer-plan.js';

const count = (n: number) => n.toLocaleString('en-US');

/** Parameters of a planned layer, its branch's included. */
function layerParameterCount(layer: PlannedLayer): number {
  return layer.parameters.reduce((sum, p) => sum + p.size, 0) + layer.children.reduce((sum, c) => sum + layerParameterCount(c), 0);
}

/** Table rows: each layer, a block's branch below it indented. */
function rows(layers: readonly PlannedLayer[], depth: number): string[][] {
  return layers.flatMap((layer) => [
    [`${'  '.repeat(depth)}${layer.name.split('/').pop()} (${layer.kind.title})`, `[batch, ${layer.outUnits}]`, count(layerParameterCount(layer))],
    ...rows(layer.children, depth + 1),
  ]);
}

export function modelSummary(plan: ModelPlan): string {
  const body = rows(plan.layers, 0);
  const header = ['Layer (type)', 'Output Shape', 'Param #'];
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((r) => r[c]!.length)) + 2);
  const format = (r: string[]) => (r[0]!.padEnd(widths[0]!) + r[1]!.padEnd(widths[1]!) + r[2]!.padStart(widths[2]!)).trimEnd();
  const rule = (ch: string) => ch.repeat(widths.reduce((a, b) => a + b, 0));
  const padding = plan.bufferLength - plan.parameterCount;
  return [
    'Model: "sequential"',
    rule('━'),
    format(header),
    rule('━'),
    ...body.map(format),
    rule('━'),
    `Total params: ${count(plan.parameterCount)}`,
    `Trainable params: ${count(plan.parameterCount)}`,
    'Non-trainable params: 0',
    `Parameter buffer: ${count(plan.bufferLength)} floats (${count(padding)} padding)`,
  ].join('\n');
}
