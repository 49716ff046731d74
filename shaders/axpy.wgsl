// In-place scaling kernels used around the optimizer step.
//
// Math:
//   axpy:             y += alpha * x          (BLAS axpy; per-layer L2: grads += l2 * weights)
//   scale:            x *= alpha              (BLAS scal)
//   max_norm_columns: for a weight matrix w [rows, cols] (row-major: [in, out]),
//                     each COLUMN j (the incoming weights of output unit j) whose
//                     L2 norm ||w[:, j]|| exceeds max_norm is rescaled to norm
//                     max_norm: w[:, j] *= max_norm / ||w[:, j]||; columns within
//                     the limit are left bit-for-bit unchanged. This is the
//                     max-norm constraint of the maxout and dropout papers
//                     (pylearn2 `max_col_norm`; pylearn2 divides by 1e-7 + norm,
//                     which also shrinks columns below the limit by a hair — we don't).
//
// Shapes: axpy: y, x flat arrays of params.n f32; scale: scaled, params.n f32;
//   max_norm_columns: matrix params.rows x params.cols f32.
// Bindings (group 0):
//   0 params (uniform)
//   axpy:             1 y (read_write), 2 x (read)
//   scale:            3 scaled (read_write)
//   max_norm_columns: 4 matrix (read_write)
// Dispatch: axpy / scale: ceil(n / 64) workgroups of 64; max_norm_columns: one
// thread per column, ceil(cols / 64) workgroups. Both fold into a 2-D grid when
// there are more than 65535 workgroups (see grid1D in src/gpu/uniforms.ts).
// One thread walks a whole column: adjacent threads read adjacent columns, so
// each row's loads are contiguous across the workgroup, and no barrier is needed.

struct Params {
  n: u32,
  alpha: f32,
  rows: u32,
  cols: u32,
  max_norm: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read_write> scaled: array<f32>;
@group(0) @binding(4) var<storage, read_write> matrix: array<f32>;

@compute @workgroup_size(64)
fn axpy(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let i = linear_index(wid, nwg, lid, 64u);
  if (i >= params.n) { return; }
  y[i] = y[i] + params.alpha * x[i];
}

@compute @workgroup_size(64)
fn scale(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
         @builtin(local_invocation_index) lid: u32) {
  let i = linear_index(wid, nwg, lid, 64u);
  if (i >= params.n) { return; }
  scaled[i] = scaled[i] * params.alpha;
}

@compute @workgroup_size(64)
fn max_norm_columns(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
                    @builtin(local_invocation_index) lid: u32) {
  let col = linear_index(wid, nwg, lid, 64u);
  if (col >= params.cols) { return; }
  var sum_sq = 0.0;
  for (var r = 0u; r < params.rows; r++) {
    let v = matrix[r * params.cols + col];
    sum_sq += v * v;
  }
  let norm = sqrt(sum_sq);
  if (norm <= params.max_norm) { return; }
  let factor = params.max_norm / norm;
  for (var r = 0u; r < params.rows; r++) {
    let k = r * params.cols + col;
    matrix[k] = matrix[k] * factor;
  }
}
