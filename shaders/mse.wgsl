// Mean squared error (Keras 'mse'), forward and backward in one pass, and the
// one-hot targets it is usually compared against.
//
// Math, for each real row r (r < params.rows) of pred, target [params.n, params.cols]:
//   d_j      = pred_j - target_j
//   loss_r   = (1 / cols) sum_j d_j^2                 (the row's mean squared error)
//   dpred_j  = 2 d_j / (rows * cols)                  (gradient of the mean over real rows
//                                                      of loss_r; grad_scale = 2 / (rows * cols))
// Padded rows (params.rows <= r < params.n): loss_r = 0 and dpred = 0.
// reductions.wgsl's finish_loss then turns row_loss into the mean loss and adds
// the sum to the loss accumulator.
//
// one_hot: out[r, j] = 1 if labels[r] == j else 0, for out [params.n, params.cols]
// (a label outside [0, cols) gives a row of zeros).
//
// Bindings (group 0):
//   per_row: 0 params (uniform), 1 pred (read), 2 targets (read), 3 dpred (write), 4 row_loss (write)
//   one_hot: 0 params (uniform), 5 labels (read), 6 out (write)
// Dispatch: workgroups of 64, folded into a 2-D grid beyond 65535 workgroups:
//   per_row: one thread per row (ceil(n / 64) workgroups);
//   one_hot: one thread per element of out (ceil(n * cols / 64)).

struct Params {
  n: u32,
  cols: u32,
  rows: u32,
  grad_scale: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> pred: array<f32>;
@group(0) @binding(2) var<storage, read> targets: array<f32>;
@group(0) @binding(3) var<storage, read_write> dpred: array<f32>;
@group(0) @binding(4) var<storage, read_write> row_loss: array<f32>;
@group(0) @binding(5) var<storage, read> labels: array<i32>;
@group(0) @binding(6) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(64)
fn per_row(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
           @builtin(local_invocation_index) lid: u32) {
  let r = linear_index(wid, nwg, lid, 64u);
  if (r >= params.n) { return; }
  let cols = params.cols;
  let base = r * cols;
  if (r >= params.rows) {
    for (var j = 0u; j < cols; j++) { dpred[base + j] = 0.0; }
    row_loss[r] = 0.0;
    return;
  }
  var sum_sq = 0.0;
  for (var j = 0u; j < cols; j++) {
    let d = pred[base + j] - targets[base + j];
    sum_sq += d * d;
    dpred[base + j] = d * params.grad_scale;
  }
  row_loss[r] = sum_sq / f32(cols);
}

@compute @workgroup_size(64)
fn one_hot(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
           @builtin(local_invocation_index) lid: u32) {
  let i = linear_index(wid, nwg, lid, 64u);
  if (i >= params.n * params.cols) { return; }
  let r = i / params.cols;
  let j = i % params.cols;
  out[i] = select(0.0, 1.0, labels[r] == i32(j));
}
