// Row-wise softmax and its backward pass, over the last dimension of [rows, cols].
//
// Math (per row, numerically stable: subtracting the row max m makes every
// exponent <= 0, so exp never overflows and the largest term is exactly 1):
//   forward:  m = max_j x_j,  s = sum_j exp(x_j - m),  y_j = exp(x_j - m) / s
//   backward: given dy and the forward OUTPUT y,
//             dx_j = y_j (dy_j - sum_k dy_k y_k)      (the softmax Jacobian-vector product)
//
// THREADS_PER_ROW (override) picks how a row is shared out:
//   1:  each thread owns a whole row and loops over it: no barriers at all,
//       the fast shape for short rows (10 classes) and on CPU adapters.
//   64: a workgroup owns a row; its 64 threads take every 64th column and
//       combine their partial max / sum in workgroup memory (a tree of 6
//       barrier steps): the shape for long rows (thousands of columns).
// The op (src/ops/softmax.ts) picks 64 for rows of at least 128 columns.
//
// Shapes: x, y, dy, dx are [params.rows, params.cols] row-major f32.
// Bindings (group 0):
//   forward:  0 params (uniform), 1 x (read), 2 y (write)
//   backward: 0 params (uniform), 3 dy (read), 4 fwd_out = y (read), 5 dx (write)
// Dispatch: workgroups of 64; THREADS_PER_ROW = 1: ceil(rows / 64) workgroups,
// THREADS_PER_ROW = 64: one workgroup per row; either folded into a 2-D grid
// beyond 65535 (grid1D in src/gpu/uniforms.ts), the index rebuilt as
// wid.y * num_workgroups.x + wid.x.

struct Params {
  rows: u32,
  cols: u32,
}

override THREADS_PER_ROW: u32 = 1u;
const WORKGROUP_SIZE: u32 = 64u;
// The most negative finite f32: the identity of max over a thread's (possibly empty) share of a row.
const LOWEST_F32: f32 = bitcast<f32>(0xff7fffffu);

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<storage, read> dy: array<f32>;
@group(0) @binding(4) var<storage, read> fwd_out: array<f32>;
@group(0) @binding(5) var<storage, read_write> dx: array<f32>;

var<workgroup> partial: array<f32, WORKGROUP_SIZE>;

// Which row this thread works on, and its first column (its "lane").
fn row_index(wid: vec3u, nwg: vec3u, lid: u32) -> u32 {
  let group = wid.y * nwg.x + wid.x;
  if (THREADS_PER_ROW == 1u) { return group * WORKGROUP_SIZE + lid; }
  return group;
}

fn lane_index(lid: u32) -> u32 {
  if (THREADS_PER_ROW == 1u) { return 0u; }
  return lid;
}

// Combine the threads' partial results of one row. With one thread per row
// there is nothing to combine. Must be called in uniform control flow (every
// thread of the workgroup, no early return before it).
fn row_max(v: f32, lid: u32) -> f32 {
  if (THREADS_PER_ROW == 1u) { return v; }
  partial[lid] = v;
  workgroupBarrier();
  for (var stride = WORKGROUP_SIZE / 2u; stride > 0u; stride = stride / 2u) {
    if (lid < stride) { partial[lid] = max(partial[lid], partial[lid + stride]); }
    workgroupBarrier();
  }
  let result = partial[0];
  workgroupBarrier(); // everyone has read partial[0] before it is reused
  return result;
}

fn row_sum(v: f32, lid: u32) -> f32 {
  if (THREADS_PER_ROW == 1u) { return v; }
  partial[lid] = v;
  workgroupBarrier();
  for (var stride = WORKGROUP_SIZE / 2u; stride > 0u; stride = stride / 2u) {
    if (lid < stride) { partial[lid] = partial[lid] + partial[lid + stride]; }
    workgroupBarrier();
  }
  let result = partial[0];
  workgroupBarrier();
  return result;
}

@compute @workgroup_size(64)
fn forward(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
           @builtin(local_invocation_index) lid: u32) {
  let row = row_index(wid, nwg, lid);
  // No early return: the reductions below need every thread of the workgroup.
  let in_range = row < params.rows;
  let cols = params.cols;
  let base = row * cols;
  let lane = lane_index(lid);

  var m = LOWEST_F32;
  for (var j = lane; in_range && j < cols; j += THREADS_PER_ROW) { m = max(m, x[base + j]); }
  m = row_max(m, lid);

  var s = 0.0;
  for (var j = lane; in_range && j < cols; j += THREADS_PER_ROW) { s += exp(x[base + j] - m); }
  s = row_sum(s, lid);

  let inv_s = 1.0 / s;
  for (var j = lane; in_range && j < cols; j += THREADS_PER_ROW) { y[base + j] = exp(x[base + j] - m) * inv_s; }
}

@compute @workgroup_size(64)
fn backward(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
            @builtin(local_invocation_index) lid: u32) {
  let row = row_index(wid, nwg, lid);
  let in_range = row < params.rows;
  let cols = params.cols;
  let base = row * cols;
  let lane = lane_index(lid);

  var d = 0.0;
  for (var j = lane; in_range && j < cols; j += THREADS_PER_ROW) { d += dy[base + j] * fwd_out[base + j]; }
  d = row_sum(d, lid);

  for (var j = lane; in_range && j < cols; j += THREADS_PER_ROW) {
    dx[base + j] = fwd_out[base + j] * (dy[base + j] - d);
  }
}
