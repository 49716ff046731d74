// Batch gather: builds one mini-batch from a dataset that stays on the GPU.
//
// Math: for batch row r in [0, rows) and feature j in [0, features):
//   s        = order[start + r]                  (this epoch's shuffled sample index)
//   x[r, j]  = scale * source[s, j]              (u8 pixels -> f32, e.g. scale 1/255)
//   y[r]     = labels[s]
// The dataset is uploaded once; each step moves only `rows` samples, on the GPU.
//
// SOURCE_U8 = true:  source holds bytes packed 4 per u32 word (little-endian), so
//                    byte k of the flat [count, features] array is
//                    (source[k / 4] >> (8 * (k % 4))) & 0xff. MNIST's 47 MB of
//                    pixels fit where 188 MB of f32 would not (lavapipe binds 128 MiB).
// SOURCE_U8 = false: source holds f32 bit patterns (read with bitcast).
//
// Shapes: source [count * features] (u8 packed or f32), labels [count] i32,
//         order [>= start + rows] u32, x [rows, features] f32, y [rows] i32.
// Bindings (group 0): 0 params, 1 source (read), 2 labels (read), 3 order (read),
//                     4 x (write), 5 y (write).
// Dispatch: one invocation per element of x (rows * features), 64 per
// workgroup, folded into a 2-D grid beyond 65535 workgroups.

struct Params {
  rows: u32,
  features: u32,
  start: u32,
  scale: f32,
}

override SOURCE_U8: bool = true;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> source: array<u32>;
@group(0) @binding(2) var<storage, read> labels: array<i32>;
@group(0) @binding(3) var<storage, read> order: array<u32>;
@group(0) @binding(4) var<storage, read_write> x: array<f32>;
@group(0) @binding(5) var<storage, read_write> y: array<i32>;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * 64u + lid;
  if (i >= params.rows * params.features) { return; }
  let r = i / params.features;
  let j = i - r * params.features;
  let s = order[params.start + r];
  let k = s * params.features + j;
  var value: f32;
  if (SOURCE_U8) {
    value = f32((source[k >> 2u] >> (8u * (k & 3u))) & 0xffu);
  } else {
    value = bitcast<f32>(source[k]);
  }
  x[i] = value * params.scale;
  if (j == 0u) { y[r] = labels[s]; }
}
