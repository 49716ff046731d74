// Fused softmax + cross-entropy, forward and backward in one pass over the logits.
//
// Math, for each real row r (r < params.rows) with label l = labels[r]:
//   m        = max_j x_j                          (x = logits[r, :])
//   s        = sum_j exp(x_j - m)
//   loss_r   = log(s) + m - x_l                   (= logsumexp(x) - x_l = -log softmax(x)_l,
//                                                  finite for any finite logits: no exp overflows,
//                                                  and log(s) is in [0, log cols])
//   dlogits  = (softmax(x) - onehot(l)) / rows    (gradient of the MEAN loss over real rows;
//                                                  at the label -(s - e_l) / (s rows), see below)
//   hit_r    = 1 if the first maximum of x is at l, else 0
// Why fused: d(-log softmax_l)/dx = softmax - onehot, so the softmax Jacobian
// never has to be formed, and the logits are read once for loss and gradient.
//
// Padded rows (params.rows <= r < params.n, the tail of the last batch of an
// epoch): loss_r = hit_r = 0 and dlogits = 0, so they change nothing.
// A label outside [0, cols) cannot be reported from a kernel: that row gets
// loss_r = NaN, dlogits = NaN and hit_r = 0, so the mean loss and the loss
// sum become NaN and the error is visible (the training API validates labels
// on the CPU before they reach the GPU).
//
// This kernel writes per-row loss_r and hit_r; reductions.wgsl's finish_loss
// then sums them into loss[0] (the mean) and adds to the GPU-side metric
// accumulators (WGSL has no f32 atomics, hence the second dispatch).
//
// One thread per row: classification heads have few classes (10 for MNIST),
// and a thread looping over its own row needs no barriers. A row of thousands
// of classes still works, just serially.
//
// Shapes: logits, dlogits [params.n, params.cols] f32; labels [params.n] i32;
//         row_loss, row_hit [params.n] f32.
// Bindings (group 0): 0 params (uniform), 1 logits (read), 2 labels (read),
//   3 dlogits (write), 4 row_loss (write), 5 row_hit (write).
// Dispatch: ceil(n / 64) workgroups of 64, folded into a 2-D grid beyond 65535.

struct Params {
  n: u32,
  cols: u32,
  rows: u32,
  inv_rows: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read> labels: array<i32>;
@group(0) @binding(3) var<storage, read_write> dlogits: array<f32>;
@group(0) @binding(4) var<storage, read_write> row_loss: array<f32>;
@group(0) @binding(5) var<storage, read_write> row_hit: array<f32>;

const QUIET_NAN: u32 = 0x7fc00000u;

@compute @workgroup_size(64)
fn per_row(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
           @builtin(local_invocation_index) lid: u32) {
  let r = (wid.y * nwg.x + wid.x) * 64u + lid;
  if (r >= params.n) { return; }
  let cols = params.cols;
  let base = r * cols;

  if (r >= params.rows) {
    for (var j = 0u; j < cols; j++) { dlogits[base + j] = 0.0; }
    row_loss[r] = 0.0;
    row_hit[r] = 0.0;
    return;
  }

  // Row max and the first column holding it (strict > keeps the first on ties).
  var m = logits[base];
  var best = 0u;
  for (var j = 1u; j < cols; j++) {
    let v = logits[base + j];
    if (v > m) { m = v; best = j; }
  }
  let label = labels[r];
  if (label < 0 || u32(label) >= cols) {
    // Through a var: a NaN constant expression is a compile error in WGSL.
    var nan_bits = QUIET_NAN;
    let nan = bitcast<f32>(nan_bits);
    for (var j = 0u; j < cols; j++) { dlogits[base + j] = nan; }
    row_loss[r] = nan;
    row_hit[r] = 0.0;
    return;
  }
  let l = u32(label);

  // s = e_l + others, where e_j = exp(x_j - m) and `others` sums the columns
  // other than the label. The label's gradient p_l - 1 = -others / s is formed
  // from `others` directly: computing p_l - 1 would cancel when p_l is close to
  // 1 (a confident, correct row), leaving only the rounding error of p_l.
  var others = 0.0;
  for (var j = 0u; j < cols; j++) {
    if (j != l) { others += exp(logits[base + j] - m); }
  }
  let e_l = exp(logits[base + l] - m);
  let s = e_l + others;

  let scale = params.inv_rows / s; // softmax_j / rows = e_j * scale
  for (var j = 0u; j < cols; j++) { dlogits[base + j] = exp(logits[base + j] - m) * scale; }
  dlogits[base + l] = -others * scale;
  row_loss[r] = log(s) + (m - logits[base + l]);
  row_hit[r] = select(0.0, 1.0, best == l);
}
