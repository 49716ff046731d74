// Reductions over the rows of a [rows, cols] f32 matrix: column sums (bias
// gradients), row argmax / hit counts (accuracy), and the final sum of the
// per-row losses written by softmax-cross-entropy.wgsl and mse.wgsl.
//
// column_sums_partial / column_sums_finish — out[j] = sum_r x[r, j]:
//   Thread (column j, chunk c) sums rows [c * rows_per_chunk, (c + 1) * rows_per_chunk)
//   of column j into sums[c * cols + j]. Neighbouring threads read neighbouring
//   columns of the same row, so every load is coalesced (on a CPU adapter: one
//   4-lane vector load), and no thread waits at a barrier. A tall input is split
//   into chunks so there are enough threads; then column_sums_finish adds the
//   `chunks` partial sums of each column. With one chunk, the first pass writes
//   `out` directly (sums is bound to out) and the second is skipped.
//
// row_argmax:  argmax[r] = the first j with x[r, j] = max_k x[r, k]  (i32)
// row_hits:    hits[r]   = 1 if row_argmax(r) == labels[r] else 0    (f32, summed
//              by column_sums to count correct predictions)
//
// finish_loss (one workgroup): sums the per-row losses and hits of the first
//   `rows` rows and writes
//     loss[0]     = sum_r row_loss[r] / rows     (the mean loss of the batch)
//     loss_sum[0] += sum_r row_loss[r]           (accumulated across steps, on the GPU)
//     correct[0]  += sum_r row_hit[r]
//   WGSL has no f32 atomics, so the cross-row sum is this separate dispatch:
//   64 threads each add a strided share of rows, then a tree in workgroup memory.
//
// Shapes: x [rows, cols]; out [cols]; sums [chunks, cols]; argmax, labels [rows] i32;
//         hits, row_loss, row_hit [>= rows] f32; loss, loss_sum, correct [1] f32.
// Bindings (group 0):
//   column_sums_partial: 0 params, 1 x (read), 2 sums (write)
//   column_sums_finish:  0 params, 3 chunk_sums (read), 4 out (write)
//   row_argmax:          0 params, 1 x (read), 5 argmax (write)
//   row_hits:            0 params, 1 x (read), 6 labels (read), 7 hits (write)
//   finish_loss:         0 params, 8 row_loss (read), 9 row_hit (read),
//                        10 loss (write), 11 loss_sum (read-write), 12 correct (read-write)
// Dispatch (workgroups of 64):
//   column_sums_partial: (column blocks, chunks, ...) with column blocks =
//     ceil(cols / 64) folded into x and z beyond 65535;
//   column_sums_finish: ceil(cols / 64); row_argmax, row_hits: ceil(rows / 64),
//     both folded into a 2-D grid beyond 65535; finish_loss: 1.

struct Params {
  rows: u32,
  cols: u32,
  rows_per_chunk: u32,
  chunks: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> sums: array<f32>;
@group(0) @binding(3) var<storage, read> chunk_sums: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;
@group(0) @binding(5) var<storage, read_write> argmax: array<i32>;
@group(0) @binding(6) var<storage, read> labels: array<i32>;
@group(0) @binding(7) var<storage, read_write> hits: array<f32>;
@group(0) @binding(8) var<storage, read> row_loss: array<f32>;
@group(0) @binding(9) var<storage, read> row_hit: array<f32>;
@group(0) @binding(10) var<storage, read_write> loss: array<f32>;
@group(0) @binding(11) var<storage, read_write> loss_sum: array<f32>;
@group(0) @binding(12) var<storage, read_write> correct: array<f32>;

var<workgroup> loss_part: array<f32, 64>;
var<workgroup> hit_part: array<f32, 64>;

@compute @workgroup_size(64)
fn column_sums_partial(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
                       @builtin(local_invocation_index) lid: u32) {
  let col = (wid.z * nwg.x + wid.x) * 64u + lid;
  if (col >= params.cols) { return; }
  let chunk = wid.y;
  let first = chunk * params.rows_per_chunk;
  let last = min(first + params.rows_per_chunk, params.rows);
  var s = 0.0;
  for (var r = first; r < last; r++) { s += x[r * params.cols + col]; }
  sums[chunk * params.cols + col] = s;
}

@compute @workgroup_size(64)
fn column_sums_finish(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
                      @builtin(local_invocation_index) lid: u32) {
  let col = (wid.y * nwg.x + wid.x) * 64u + lid;
  if (col >= params.cols) { return; }
  var s = 0.0;
  for (var c = 0u; c < params.chunks; c++) { s += chunk_sums[c * params.cols + col]; }
  out[col] = s;
}

// The first column holding the row's maximum (strict > keeps the first on ties).
fn first_argmax(row: u32) -> u32 {
  let base = row * params.cols;
  var best = x[base];
  var best_j = 0u;
  for (var j = 1u; j < params.cols; j++) {
    let v = x[base + j];
    if (v > best) { best = v; best_j = j; }
  }
  return best_j;
}

@compute @workgroup_size(64)
fn row_argmax(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
              @builtin(local_invocation_index) lid: u32) {
  let r = (wid.y * nwg.x + wid.x) * 64u + lid;
  if (r >= params.rows) { return; }
  argmax[r] = i32(first_argmax(r));
}

@compute @workgroup_size(64)
fn row_hits(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
            @builtin(local_invocation_index) lid: u32) {
  let r = (wid.y * nwg.x + wid.x) * 64u + lid;
  if (r >= params.rows) { return; }
  hits[r] = select(0.0, 1.0, i32(first_argmax(r)) == labels[r]);
}

@compute @workgroup_size(64)
fn finish_loss(@builtin(local_invocation_index) lid: u32) {
  var l = 0.0;
  var h = 0.0;
  for (var r = lid; r < params.rows; r += 64u) {
    l += row_loss[r];
    h += row_hit[r];
  }
  loss_part[lid] = l;
  hit_part[lid] = h;
  workgroupBarrier();
  for (var stride = 32u; stride > 0u; stride = stride / 2u) {
    if (lid < stride) {
      loss_part[lid] += loss_part[lid + stride];
      hit_part[lid] += hit_part[lid + stride];
    }
    workgroupBarrier();
  }
  if (lid == 0u) {
    let total = loss_part[0];
    loss[0] = total / f32(params.rows);
    loss_sum[0] += total;
    correct[0] += hit_part[0];
  }
}
