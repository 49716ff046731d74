// Matrix multiply with a fused epilogue (bias, activation, accumulate).
//
// Math:  C[m, n] = act( sum_k op(A)[m, k] * op(B)[k, n] + bias[n] )      (0 <= m < M, 0 <= n < N)
//        or, with ACCUMULATE:  C[m, n] = C_old[m, n] + sum_k op(A)[m, k] * op(B)[k, n]
// op(A) = A, stored row-major [M, K], or A^T with A stored [K, M] (TRANSPOSE_A);
// op(B) = B, stored row-major [K, N], or B^T with B stored [N, K] (TRANSPOSE_B).
// Transposes are read in place (only the index arithmetic changes), so the
// backward pass gets dW = X^T dY and dX = dY W^T without copying anything.
//
// Override constants (each combination is its own cached pipeline):
//   TRANSPOSE_A, TRANSPOSE_B: storage layouts above
//   ACTIVATION: a code of the prelude's activation table (shaders/common/activations.wgsl:
//               0 linear, 1 relu, 2 sigmoid, 3 tanh; same formulas and edge conventions
//               as shaders/activations.wgsl: NaN passes through, relu(-0) = -0,
//               tanh(|x| > 10) = sign(x))
//   HAS_BIAS:   add bias[n]; without it `bias` is bound to any readable buffer and never read
//   ACCUMULATE: add the old value of C (gradient accumulation); linear, no bias
//   UNROLL_K2:  tiled_vec4 / tiled_vec4_at do two k steps per loop iteration (the `+k2`
//               variants). SwiftShader's JIT in Chromium ran it 10-20% faster, lavapipe's
//               LLVM about 30% slower: the default rule takes the per-adapter guess
//               (src/gpu/tuning.ts), engine.autotune times both. (Scalar `tiled` gained nothing.)
//   WG_X, WG_Y: invocations per workgroup of the tiled kernels along n and m (default 8x8).
//               Small ones (2x2, 4x1, 1x4: the `@XxY` variants) spread a C of few 8x8
//               blocks over several workgroups (see the tiled section).
//
// Backward-pass fusions (the training step uses them to save whole dispatches):
//   GATE_MASK:  C[m, n] *= gate_mask[m, n]            (dropout backward: dX = dY * mask)
//   GATE_ACTIVATION: C[m, n] = activation_grad(C[m, n], gate_y[m, n], code) (a code of the
//               activation table; 0, linear, means no gate): act' from the forward OUTPUT y.
//               So dZ_below = (dY W^T) * mask * act'(y_below) comes out of ONE kernel,
//               bit-identical to the three separate kernels (same f32 operations in the same order).
//   SUMS_ROW:   op(A) gets a virtual extra row M of ONES, whose output row is the
//               column sums  s[n] = sum_k op(B)[k, n],  stored at c[params.sums_offset + n].
//               With A = X^T and B = dZ that row is the bias gradient db = 1^T dZ, computed
//               in the same dispatch as dW = X^T dZ: a bias is a weight on a constant-1 input.
//               The dispatch covers M + 1 rows; `c` is bound from C's start to past s's end.
//
// The kernel families: one entry point each, one reason each, all ending in the
// same epilogue (`store`: bias, old value, activation, backward gates). A
// variant is a family with fixed WG_X/WG_Y and UNROLL_K2; the op
// (src/ops/matmul.ts, MATMUL_VARIANTS) gives each shape class one variant,
// timed by engine.autotune or by its default rule; each binds only the A and
// B arrays it reads. The tiled ones compute an 8x8 block of C per invocation in
// registers (16 vec4 accumulators), a workgroup of 8x8 invocations covering
// 64x64 of C: no workgroup memory and no barriers, because on CPU adapters
// (SwiftShader runs 4 lanes wide and turns every barrier into a coroutine
// switch) register blocking is what pays; each loaded A value is used 8 times
// and each B value 8 times. Rows/columns past the edge are CLAMPED to the last
// valid one for loading, so the k loop has no bounds checks and no branches;
// only the final store is guarded. Dispatch: (ceil(N / 64), ceil(M / 64)).
//   tiled         - any layout: scalar reads of A (a) and B (b). The fallback.
//   tiled_vec4    - B not transposed and N % 4 == 0 (every MLP forward): B read
//                   four columns at a time (b4), about 10-15% faster on
//                   SwiftShader and lavapipe than tiled's scalar reads.
//   tiled_vec4_at - tiled_vec4 with A stored [K, M] (transposed) and M % 4 == 0
//                   (the weight gradient dW = X^T dZ): the 8 values of op(A) a k
//                   step needs are 8 consecutive floats of a stored row of A,
//                   read as two vec4s (a_vec4) instead of 8 scalars.
//   tiled_bt_vec4 - A B^T with B stored [N, K], A not transposed, K % 4 == 0 (the
//                   input gradient dX = dZ W^T): rows of A and of the stored B are
//                   both contiguous in k, so both are read four k at a time.
//   per_output    - one invocation per element of C, a plain dot product (one
//                   running sum in k order). For a C of few rows (batch-1
//                   inference 1x784x512): there 8x8 blocks would compute mostly
//                   clamped duplicate rows.
// Skinny products (the 10-unit layer: forward 256x512x10, dW 512x256x10) run a
// tiled kernel in small workgroups: 8x8 workgroups would give 1-2 of them (one
// busy core of a CPU adapter), one invocation per output (per_output) reads B
// with a stride per multiply-add; 32x8 strips of C (WG 1x4) measured 3-10x
// per_output on lavapipe and SwiftShader (src/ops/matmul.ts, SKINNY_WORKGROUP).
//                   Dispatch: grid1D(M * N, 64) workgroups (2-D when > 65535).
//
// Bindings (group 0): 0 params (uniform), 1 a (read), 2 b (read), 3 bias (read), 4 c (read_write),
//   5 b4 (read: B as vec4), 6 gate_mask (read, [M, N]), 7 gate_y (read, [M, N]),
//   8 a_vec4 (read: A as vec4). Each variant binds one of a / a_vec4 and one of b / b4;
//   bias, gate_mask and gate_y are read by the shared epilogue, so every variant
//   binds them (to any readable buffer when its override leaves them unread).
// Every variant sums each output in k order with one running sum (the tiled ones
// per register lane), so all give the same bits: the variant a shape class gets
// never changes a result (test/matmul.test.ts checks it on each adapter).
// Workgroup memory is not used anywhere: shared-memory tiles need barriers,
// which cost a coroutine switch each on SwiftShader (see shared TOOLCHAIN notes).

struct Params {
  m: u32,
  n: u32,
  k: u32,
  sums_offset: u32, // SUMS_ROW: element index in c where the column sums go
}

override TRANSPOSE_A: bool = false;
override TRANSPOSE_B: bool = false;
override ACTIVATION: u32 = ACTIVATION_LINEAR;
override HAS_BIAS: bool = false;
override ACCUMULATE: bool = false;
override GATE_MASK: bool = false;
override GATE_ACTIVATION: u32 = ACTIVATION_LINEAR;
override SUMS_ROW: bool = false;
override UNROLL_K2: bool = false;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> c: array<f32>;
@group(0) @binding(5) var<storage, read> b4: array<vec4f>;
@group(0) @binding(6) var<storage, read> gate_mask: array<f32>;
@group(0) @binding(7) var<storage, read> gate_y: array<f32>;
@group(0) @binding(8) var<storage, read> a_vec4: array<vec4f>;

// ---- the epilogue every variant shares (activate / activation_grad: the prelude's table) ----

/** Bias, old value, activation and backward gates for C[row, col], then the store. The caller checks bounds. */
fn store(row: u32, col: u32, sum: f32) {
  let i = row * params.n + col;
  var v = sum;
  if (HAS_BIAS) { v += bias[col]; }
  if (ACCUMULATE) { v += c[i]; }
  v = activate(v, ACTIVATION);
  if (GATE_MASK) { v = v * gate_mask[i]; }
  if (GATE_ACTIVATION != ACTIVATION_LINEAR) { v = activation_grad(v, gate_y[i], GATE_ACTIVATION); }
  c[i] = v;
}

/** SUMS_ROW: store the column sum of op(B) for column col. */
fn store_sum(col: u32, sum: f32) {
  let i = params.sums_offset + col;
  var v = sum;
  if (ACCUMULATE) { v += c[i]; }
  c[i] = v;
}

/** Does the 8-row block starting at m0 hold the virtual ones row (row M)? */
fn holds_sums_row(m0: u32) -> bool {
  return SUMS_ROW && m0 <= params.m && params.m < m0 + TILE;
}

// ---- addressing of op(A)[m, k] and op(B)[k, n] ----
// Index = offset of the row (column) + k * stride: the offsets are computed
// once per invocation, and the k loop only adds a stride.

fn a_row_offset(m: u32) -> u32 { return select(m * params.k, m, TRANSPOSE_A); }
fn a_k_stride() -> u32 { return select(1u, params.m, TRANSPOSE_A); }
fn b_col_offset(n: u32) -> u32 { return select(n, n * params.k, TRANSPOSE_B); }
fn b_k_stride() -> u32 { return select(params.n, 1u, TRANSPOSE_B); }

// ---- tiled: 8x8 outputs per invocation ----

const TILE = 8u;          // outputs per invocation along m and along n
// Invocations per workgroup along n (x) and m (y). 8x8 (64 invocations, 64x64 of C)
// by default; the skinny variants use smaller workgroups, so that a C of few
// 8x8 blocks (the 10-unit layer: 256x10 is 32x2 blocks) still spreads over
// several workgroups, i.e. over every core of a CPU adapter.
override WG_X: u32 = 8u;
override WG_Y: u32 = 8u;

@compute @workgroup_size(WG_X, WG_Y)
fn tiled(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let m0 = (wid.y * WG_Y + lid.y) * TILE;
  let n0 = (wid.x * WG_X + lid.x) * TILE;
  let last_m = params.m - 1u;
  let last_n = params.n - 1u;

  // Clamped rows and columns: out-of-range ones load valid (duplicate) data whose results are never stored.
  let ra0 = a_row_offset(min(m0, last_m));
  let ra1 = a_row_offset(min(m0 + 1u, last_m));
  let ra2 = a_row_offset(min(m0 + 2u, last_m));
  let ra3 = a_row_offset(min(m0 + 3u, last_m));
  let ra4 = a_row_offset(min(m0 + 4u, last_m));
  let ra5 = a_row_offset(min(m0 + 5u, last_m));
  let ra6 = a_row_offset(min(m0 + 6u, last_m));
  let ra7 = a_row_offset(min(m0 + 7u, last_m));
  let cb0 = b_col_offset(min(n0, last_n));
  let cb1 = b_col_offset(min(n0 + 1u, last_n));
  let cb2 = b_col_offset(min(n0 + 2u, last_n));
  let cb3 = b_col_offset(min(n0 + 3u, last_n));
  let cb4 = b_col_offset(min(n0 + 4u, last_n));
  let cb5 = b_col_offset(min(n0 + 5u, last_n));
  let cb6 = b_col_offset(min(n0 + 6u, last_n));
  let cb7 = b_col_offset(min(n0 + 7u, last_n));
  let sa = a_k_stride();
  let sb = b_k_stride();
  // A block of only the virtual ones row (SUMS_ROW) has no real row: skip the product.
  let k_end = select(params.k, 0u, SUMS_ROW && m0 >= params.m);

  // acc[2 * i] holds C[m0 + i, n0 .. n0 + 3], acc[2 * i + 1] holds C[m0 + i, n0 + 4 .. n0 + 7].
  // Only constant indices are used, so the array lives in registers.
  var acc: array<vec4f, 16>;
  var ka = 0u;
  var kb = 0u;
  for (var k = 0u; k < k_end; k++) {
    let lo = vec4f(b[cb0 + kb], b[cb1 + kb], b[cb2 + kb], b[cb3 + kb]);
    let hi = vec4f(b[cb4 + kb], b[cb5 + kb], b[cb6 + kb], b[cb7 + kb]);
    let a0 = a[ra0 + ka];
    let a1 = a[ra1 + ka];
    let a2 = a[ra2 + ka];
    let a3 = a[ra3 + ka];
    let a4 = a[ra4 + ka];
    let a5 = a[ra5 + ka];
    let a6 = a[ra6 + ka];
    let a7 = a[ra7 + ka];
    acc[0] += a0 * lo;  acc[1] += a0 * hi;
    acc[2] += a1 * lo;  acc[3] += a1 * hi;
    acc[4] += a2 * lo;  acc[5] += a2 * hi;
    acc[6] += a3 * lo;  acc[7] += a3 * hi;
    acc[8] += a4 * lo;  acc[9] += a4 * hi;
    acc[10] += a5 * lo; acc[11] += a5 * hi;
    acc[12] += a6 * lo; acc[13] += a6 * hi;
    acc[14] += a7 * lo; acc[15] += a7 * hi;
    ka += sa;
    kb += sb;
  }

  // Stores are unrolled like the accumulators (a loop would index acc dynamically
  // and push it out of registers); each is guarded against the edge of C.
  store_row(m0, n0, acc[0], acc[1]);
  store_row(m0 + 1u, n0, acc[2], acc[3]);
  store_row(m0 + 2u, n0, acc[4], acc[5]);
  store_row(m0 + 3u, n0, acc[6], acc[7]);
  store_row(m0 + 4u, n0, acc[8], acc[9]);
  store_row(m0 + 5u, n0, acc[10], acc[11]);
  store_row(m0 + 6u, n0, acc[12], acc[13]);
  store_row(m0 + 7u, n0, acc[14], acc[15]);

  if (holds_sums_row(m0)) {
    var lo = vec4f(0.0);
    var hi = vec4f(0.0);
    var kk = 0u;
    for (var k = 0u; k < params.k; k++) {
      lo += vec4f(b[cb0 + kk], b[cb1 + kk], b[cb2 + kk], b[cb3 + kk]);
      hi += vec4f(b[cb4 + kk], b[cb5 + kk], b[cb6 + kk], b[cb7 + kk]);
      kk += sb;
    }
    store_sums(n0, lo, hi);
  }
}

// ---- tiled_vec4 and tiled_vec4_at: the same 8x8 blocks, reading B four columns at a time ----
// Need B not transposed and N % 4 == 0, so each row of B starts on a 16-byte
// boundary. (Reading A as vec4 too, stepping k by 4, measured slower on
// lavapipe (6.7 vs 12 GFLOP/s at 1024^3) and no faster on SwiftShader.)
// The two differ only in how the 8 values of op(A) for a k step are loaded.

@compute @workgroup_size(WG_X, WG_Y)
fn tiled_vec4(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let m0 = (wid.y * WG_Y + lid.y) * TILE;
  let n0 = (wid.x * WG_X + lid.x) * TILE;
  let last_m = params.m - 1u;
  let n4 = params.n / 4u;
  let ra0 = a_row_offset(min(m0, last_m));
  let ra1 = a_row_offset(min(m0 + 1u, last_m));
  let ra2 = a_row_offset(min(m0 + 2u, last_m));
  let ra3 = a_row_offset(min(m0 + 3u, last_m));
  let ra4 = a_row_offset(min(m0 + 4u, last_m));
  let ra5 = a_row_offset(min(m0 + 5u, last_m));
  let ra6 = a_row_offset(min(m0 + 6u, last_m));
  let ra7 = a_row_offset(min(m0 + 7u, last_m));
  // Columns n0..n0+3 and n0+4..n0+7 of row k are b4[k * n4 + cb_lo] and [k * n4 + cb_hi] (clamped).
  let cb_lo = min(n0 / 4u, n4 - 1u);
  let cb_hi = min(n0 / 4u + 1u, n4 - 1u);
  let sa = a_k_stride();
  let k_end = select(params.k, 0u, SUMS_ROW && m0 >= params.m);
  var acc: array<vec4f, 16>;
  var ka = 0u;
  var kb = 0u;
  var k = 0u;
  if (UNROLL_K2) { // two k steps per iteration (see the header)
    for (; k + 1u < k_end; k += 2u) {
      {
        let lo = b4[cb_lo + kb];
        let hi = b4[cb_hi + kb];
        let al = vec4f(a[ra0 + ka], a[ra1 + ka], a[ra2 + ka], a[ra3 + ka]); // op(A)[m0 .. m0+3, k]
        let ah = vec4f(a[ra4 + ka], a[ra5 + ka], a[ra6 + ka], a[ra7 + ka]); // op(A)[m0+4 .. m0+7, k]
        acc[0] += al.x * lo;  acc[1] += al.x * hi;
        acc[2] += al.y * lo;  acc[3] += al.y * hi;
        acc[4] += al.z * lo;  acc[5] += al.z * hi;
        acc[6] += al.w * lo;  acc[7] += al.w * hi;
        acc[8] += ah.x * lo;  acc[9] += ah.x * hi;
        acc[10] += ah.y * lo; acc[11] += ah.y * hi;
        acc[12] += ah.z * lo; acc[13] += ah.z * hi;
        acc[14] += ah.w * lo; acc[15] += ah.w * hi;
        ka += sa;
        kb += n4;
      }
      {
        let lo = b4[cb_lo + kb];
        let hi = b4[cb_hi + kb];
        let al = vec4f(a[ra0 + ka], a[ra1 + ka], a[ra2 + ka], a[ra3 + ka]); // op(A)[m0 .. m0+3, k]
        let ah = vec4f(a[ra4 + ka], a[ra5 + ka], a[ra6 + ka], a[ra7 + ka]); // op(A)[m0+4 .. m0+7, k]
        acc[0] += al.x * lo;  acc[1] += al.x * hi;
        acc[2] += al.y * lo;  acc[3] += al.y * hi;
        acc[4] += al.z * lo;  acc[5] += al.z * hi;
        acc[6] += al.w * lo;  acc[7] += al.w * hi;
        acc[8] += ah.x * lo;  acc[9] += ah.x * hi;
        acc[10] += ah.y * lo; acc[11] += ah.y * hi;
        acc[12] += ah.z * lo; acc[13] += ah.z * hi;
        acc[14] += ah.w * lo; acc[15] += ah.w * hi;
        ka += sa;
        kb += n4;
      }
    }
  }
  for (; k < k_end; k++) {
    let lo = b4[cb_lo + kb];
    let hi = b4[cb_hi + kb];
    let al = vec4f(a[ra0 + ka], a[ra1 + ka], a[ra2 + ka], a[ra3 + ka]); // op(A)[m0 .. m0+3, k]
    let ah = vec4f(a[ra4 + ka], a[ra5 + ka], a[ra6 + ka], a[ra7 + ka]); // op(A)[m0+4 .. m0+7, k]
    acc[0] += al.x * lo;  acc[1] += al.x * hi;
    acc[2] += al.y * lo;  acc[3] += al.y * hi;
    acc[4] += al.z * lo;  acc[5] += al.z * hi;
    acc[6] += al.w * lo;  acc[7] += al.w * hi;
    acc[8] += ah.x * lo;  acc[9] += ah.x * hi;
    acc[10] += ah.y * lo; acc[11] += ah.y * hi;
    acc[12] += ah.z * lo; acc[13] += ah.z * hi;
    acc[14] += ah.w * lo; acc[15] += ah.w * hi;
    ka += sa;
    kb += n4;
  }
  store_row(m0, n0, acc[0], acc[1]);
  store_row(m0 + 1u, n0, acc[2], acc[3]);
  store_row(m0 + 2u, n0, acc[4], acc[5]);
  store_row(m0 + 3u, n0, acc[6], acc[7]);
  store_row(m0 + 4u, n0, acc[8], acc[9]);
  store_row(m0 + 5u, n0, acc[10], acc[11]);
  store_row(m0 + 6u, n0, acc[12], acc[13]);
  store_row(m0 + 7u, n0, acc[14], acc[15]);

  if (holds_sums_row(m0)) {
    var lo = vec4f(0.0);
    var hi = vec4f(0.0);
    var kk = 0u;
    for (var k = 0u; k < params.k; k++) {
      lo += b4[cb_lo + kk];
      hi += b4[cb_hi + kk];
      kk += n4;
    }
    store_sums(n0, lo, hi);
  }
}

// tiled_vec4_at: A stored [K, M] (transposed), M % 4 == 0 (the dW = X^T dZ form).

@compute @workgroup_size(WG_X, WG_Y)
fn tiled_vec4_at(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let m0 = (wid.y * WG_Y + lid.y) * TILE;
  let n0 = (wid.x * WG_X + lid.x) * TILE;
  let n4 = params.n / 4u;
  // Columns n0..n0+3 and n0+4..n0+7 of row k are b4[k * n4 + cb_lo] and [k * n4 + cb_hi] (clamped).
  let cb_lo = min(n0 / 4u, n4 - 1u);
  let cb_hi = min(n0 / 4u + 1u, n4 - 1u);
  // A stored [K, M], M % 4 == 0: rows m0..m0+7 of op(A) at step k are two
  // vec4s of stored row k, at a_vec4[k * M/4 + ca_lo] and [.. + ca_hi] (clamped).
  let ca_lo = min(m0 / 4u, params.m / 4u - 1u);
  let ca_hi = min(m0 / 4u + 1u, params.m / 4u - 1u);
  let sa = params.m / 4u;
  let k_end = select(params.k, 0u, SUMS_ROW && m0 >= params.m);
  var acc: array<vec4f, 16>;
  var ka = 0u;
  var kb = 0u;
  var k = 0u;
  if (UNROLL_K2) { // two k steps per iteration (see the header)
    for (; k + 1u < k_end; k += 2u) {
      {
        let lo = b4[cb_lo + kb];
        let hi = b4[cb_hi + kb];
        let al = a_vec4[ca_lo + ka]; // op(A)[m0 .. m0+3, k]
        let ah = a_vec4[ca_hi + ka]; // op(A)[m0+4 .. m0+7, k]
        acc[0] += al.x * lo;  acc[1] += al.x * hi;
        acc[2] += al.y * lo;  acc[3] += al.y * hi;
        acc[4] += al.z * lo;  acc[5] += al.z * hi;
        acc[6] += al.w * lo;  acc[7] += al.w * hi;
        acc[8] += ah.x * lo;  acc[9] += ah.x * hi;
        acc[10] += ah.y * lo; acc[11] += ah.y * hi;
        acc[12] += ah.z * lo; acc[13] += ah.z * hi;
        acc[14] += ah.w * lo; acc[15] += ah.w * hi;
        ka += sa;
        kb += n4;
      }
      {
        let lo = b4[cb_lo + kb];
        let hi = b4[cb_hi + kb];
        let al = a_vec4[ca_lo + ka]; // op(A)[m0 .. m0+3, k]
        let ah = a_vec4[ca_hi + ka]; // op(A)[m0+4 .. m0+7, k]
        acc[0] += al.x * lo;  acc[1] += al.x * hi;
        acc[2] += al.y * lo;  acc[3] += al.y * hi;
        acc[4] += al.z * lo;  acc[5] += al.z * hi;
        acc[6] += al.w * lo;  acc[7] += al.w * hi;
        acc[8] += ah.x * lo;  acc[9] += ah.x * hi;
        acc[10] += ah.y * lo; acc[11] += ah.y * hi;
        acc[12] += ah.z * lo; acc[13] += ah.z * hi;
        acc[14] += ah.w * lo; acc[15] += ah.w * hi;
        ka += sa;
        kb += n4;
      }
    }
  }
  for (; k < k_end; k++) {
    let lo = b4[cb_lo + kb];
    let hi = b4[cb_hi + kb];
    let al = a_vec4[ca_lo + ka]; // op(A)[m0 .. m0+3, k]
    let ah = a_vec4[ca_hi + ka]; // op(A)[m0+4 .. m0+7, k]
    acc[0] += al.x * lo;  acc[1] += al.x * hi;
    acc[2] += al.y * lo;  acc[3] += al.y * hi;
    acc[4] += al.z * lo;  acc[5] += al.z * hi;
    acc[6] += al.w * lo;  acc[7] += al.w * hi;
    acc[8] += ah.x * lo;  acc[9] += ah.x * hi;
    acc[10] += ah.y * lo; acc[11] += ah.y * hi;
    acc[12] += ah.z * lo; acc[13] += ah.z * hi;
    acc[14] += ah.w * lo; acc[15] += ah.w * hi;
    ka += sa;
    kb += n4;
  }
  store_row(m0, n0, acc[0], acc[1]);
  store_row(m0 + 1u, n0, acc[2], acc[3]);
  store_row(m0 + 2u, n0, acc[4], acc[5]);
  store_row(m0 + 3u, n0, acc[6], acc[7]);
  store_row(m0 + 4u, n0, acc[8], acc[9]);
  store_row(m0 + 5u, n0, acc[10], acc[11]);
  store_row(m0 + 6u, n0, acc[12], acc[13]);
  store_row(m0 + 7u, n0, acc[14], acc[15]);

  if (holds_sums_row(m0)) {
    var lo = vec4f(0.0);
    var hi = vec4f(0.0);
    var kk = 0u;
    for (var k = 0u; k < params.k; k++) {
      lo += b4[cb_lo + kk];
      hi += b4[cb_hi + kk];
      kk += n4;
    }
    store_sums(n0, lo, hi);
  }
}

// ---- tiled_bt_vec4: C = A B^T with both read four k at a time ----
// For dX = dZ W^T (B stored [N, K], the transposed form) with A not transposed and
// K % 4 == 0: then a row of A and a row of the stored B are both contiguous in k,
// so each is read as vec4 (k .. k+3) and one loop iteration does four k steps of
// the same 8x8 block. Measured against `tiled` on this shape, same run:
// SwiftShader 2.6 -> 3.0 GFLOP/s (256x512x512), lavapipe 5.6 -> 8.0 (1024^3).
// No SUMS_ROW here (the op does not pick this kernel for it).

@compute @workgroup_size(WG_X, WG_Y)
fn tiled_bt_vec4(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let m0 = (wid.y * WG_Y + lid.y) * TILE;
  let n0 = (wid.x * WG_X + lid.x) * TILE;
  let last_m = params.m - 1u;
  let last_n = params.n - 1u;
  let k4 = params.k / 4u;
  // Row starts, in vec4 units, of A's rows m0..m0+7 and of B's stored rows n0..n0+7 (clamped).
  let ra0 = min(m0 + 0u, last_m) * k4;
  let ra1 = min(m0 + 1u, last_m) * k4;
  let ra2 = min(m0 + 2u, last_m) * k4;
  let ra3 = min(m0 + 3u, last_m) * k4;
  let ra4 = min(m0 + 4u, last_m) * k4;
  let ra5 = min(m0 + 5u, last_m) * k4;
  let ra6 = min(m0 + 6u, last_m) * k4;
  let ra7 = min(m0 + 7u, last_m) * k4;
  let rb0 = min(n0 + 0u, last_n) * k4;
  let rb1 = min(n0 + 1u, last_n) * k4;
  let rb2 = min(n0 + 2u, last_n) * k4;
  let rb3 = min(n0 + 3u, last_n) * k4;
  let rb4 = min(n0 + 4u, last_n) * k4;
  let rb5 = min(n0 + 5u, last_n) * k4;
  let rb6 = min(n0 + 6u, last_n) * k4;
  let rb7 = min(n0 + 7u, last_n) * k4;
  var acc: array<vec4f, 16>;
  for (var q = 0u; q < k4; q++) {
    let b0_ = b4[rb0 + q];
    let b1_ = b4[rb1 + q];
    let b2_ = b4[rb2 + q];
    let b3_ = b4[rb3 + q];
    let b4_ = b4[rb4 + q];
    let b5_ = b4[rb5 + q];
    let b6_ = b4[rb6 + q];
    let b7_ = b4[rb7 + q];
    let a0_ = a_vec4[ra0 + q];
    let a1_ = a_vec4[ra1 + q];
    let a2_ = a_vec4[ra2 + q];
    let a3_ = a_vec4[ra3 + q];
    let a4_ = a_vec4[ra4 + q];
    let a5_ = a_vec4[ra5 + q];
    let a6_ = a_vec4[ra6 + q];
    let a7_ = a_vec4[ra7 + q];
    // k = 4q + 0: columns n0..n0+3 and n0+4..n0+7 of op(B)
    let lo0 = vec4f(b0_.x, b1_.x, b2_.x, b3_.x);
    let hi0 = vec4f(b4_.x, b5_.x, b6_.x, b7_.x);
    acc[0] += a0_.x * lo0; acc[1] += a0_.x * hi0; acc[2] += a1_.x * lo0; acc[3] += a1_.x * hi0;
    acc[4] += a2_.x * lo0; acc[5] += a2_.x * hi0; acc[6] += a3_.x * lo0; acc[7] += a3_.x * hi0;
    acc[8] += a4_.x * lo0; acc[9] += a4_.x * hi0; acc[10] += a5_.x * lo0; acc[11] += a5_.x * hi0;
    acc[12] += a6_.x * lo0; acc[13] += a6_.x * hi0; acc[14] += a7_.x * lo0; acc[15] += a7_.x * hi0;
    // k = 4q + 1: columns n0..n0+3 and n0+4..n0+7 of op(B)
    let lo1 = vec4f(b0_.y, b1_.y, b2_.y, b3_.y);
    let hi1 = vec4f(b4_.y, b5_.y, b6_.y, b7_.y);
    acc[0] += a0_.y * lo1; acc[1] += a0_.y * hi1; acc[2] += a1_.y * lo1; acc[3] += a1_.y * hi1;
    acc[4] += a2_.y * lo1; acc[5] += a2_.y * hi1; acc[6] += a3_.y * lo1; acc[7] += a3_.y * hi1;
    acc[8] += a4_.y * lo1; acc[9] += a4_.y * hi1; acc[10] += a5_.y * lo1; acc[11] += a5_.y * hi1;
    acc[12] += a6_.y * lo1; acc[13] += a6_.y * hi1; acc[14] += a7_.y * lo1; acc[15] += a7_.y * hi1;
    // k = 4q + 2: columns n0..n0+3 and n0+4..n0+7 of op(B)
    let lo2 = vec4f(b0_.z, b1_.z, b2_.z, b3_.z);
    let hi2 = vec4f(b4_.z, b5_.z, b6_.z, b7_.z);
    acc[0] += a0_.z * lo2; acc[1] += a0_.z * hi2; acc[2] += a1_.z * lo2; acc[3] += a1_.z * hi2;
    acc[4] += a2_.z * lo2; acc[5] += a2_.z * hi2; acc[6] += a3_.z * lo2; acc[7] += a3_.z * hi2;
    acc[8] += a4_.z * lo2; acc[9] += a4_.z * hi2; acc[10] += a5_.z * lo2; acc[11] += a5_.z * hi2;
    acc[12] += a6_.z * lo2; acc[13] += a6_.z * hi2; acc[14] += a7_.z * lo2; acc[15] += a7_.z * hi2;
    // k = 4q + 3: columns n0..n0+3 and n0+4..n0+7 of op(B)
    let lo3 = vec4f(b0_.w, b1_.w, b2_.w, b3_.w);
    let hi3 = vec4f(b4_.w, b5_.w, b6_.w, b7_.w);
    acc[0] += a0_.w * lo3; acc[1] += a0_.w * hi3; acc[2] += a1_.w * lo3; acc[3] += a1_.w * hi3;
    acc[4] += a2_.w * lo3; acc[5] += a2_.w * hi3; acc[6] += a3_.w * lo3; acc[7] += a3_.w * hi3;
    acc[8] += a4_.w * lo3; acc[9] += a4_.w * hi3; acc[10] += a5_.w * lo3; acc[11] += a5_.w * hi3;
    acc[12] += a6_.w * lo3; acc[13] += a6_.w * hi3; acc[14] += a7_.w * lo3; acc[15] += a7_.w * hi3;
  }
  store_row(m0, n0, acc[0], acc[1]);
  store_row(m0 + 1u, n0, acc[2], acc[3]);
  store_row(m0 + 2u, n0, acc[4], acc[5]);
  store_row(m0 + 3u, n0, acc[6], acc[7]);
  store_row(m0 + 4u, n0, acc[8], acc[9]);
  store_row(m0 + 5u, n0, acc[10], acc[11]);
  store_row(m0 + 6u, n0, acc[12], acc[13]);
  store_row(m0 + 7u, n0, acc[14], acc[15]);
}

fn store_sums(n0: u32, lo: vec4f, hi: vec4f) {
  for (var j = 0u; j < TILE && n0 + j < params.n; j++) {
    store_sum(n0 + j, select(lo, hi, j >= 4u)[j & 3u]);
  }
}

fn store_row(row: u32, n0: u32, lo: vec4f, hi: vec4f) {
  if (row >= params.m) { return; }
  // A loop (not 8 copies of the epilogue) keeps the shader small and quick to compile.
  for (var j = 0u; j < TILE && n0 + j < params.n; j++) {
    store(row, n0 + j, select(lo, hi, j >= 4u)[j & 3u]);
  }
}

// ---- per_output: one output per invocation ----

@compute @workgroup_size(64)
fn per_output(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
              @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * 64u + lid;
  let rows = select(params.m, params.m + 1u, SUMS_ROW);
  if (i >= rows * params.n) { return; }
  let row = i / params.n;
  let col = i % params.n;
  let sb = b_k_stride();
  if (row == params.m) { // SUMS_ROW: the virtual row of ones
    var total = 0.0;
    for (var k = 0u; k < params.k; k++) { total += b[b_col_offset(col) + k * sb]; }
    store_sum(col, total);
    return;
  }
  let ra = a_row_offset(row);
  let cb = b_col_offset(col);
  let sa = a_k_stride();
  // One running sum in k order, like every tiled kernel: all variants then give the
  // same bits, so which one a shape class gets (engine.autotune, the default rule)
  // never changes a result, and a batch split differently (predict's batches vs
  // one tensor: 28 rows here, 60 there) computes each row identically. (Four
  // partial sums were faster on some shapes but rounded differently.)
  var sum = 0.0;
  var ka = ra;
  var kb = cb;
  for (var k = 0u; k < params.k; k++) {
    sum += a[ka] * b[kb];
    ka += sa;
    kb += sb;
  }
  store(row, col, sum);
}
