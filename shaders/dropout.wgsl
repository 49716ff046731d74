// Inverted dropout (Srivastava et al. 2014), with masks from a counter-based RNG.
//
// Math, for element i of x (any shape, flat length n):
//   r_i     = a random u32 for (seed, step, i)           (Philox-4x32-10, below)
//   keep_i  = r_i >= threshold,   threshold = floor(rate * 2^32)   (computed on the CPU)
//   mask_i  = keep_i ? scale : 0,  scale = 1 / (1 - rate)          (rounded to f32 on the CPU)
//   y_i     = x_i * mask_i
//   backward: dx_i = dy_i * mask_i
// P(keep) = (2^32 - threshold) / 2^32 = 1 - rate to within 2^-32. Comparing
// integers (not a float in [0,1) against rate) leaves no rounding that could
// differ between the GPU and the CPU reference (src/reference/dropout.ts), so
// masks agree bit for bit. "Inverted": scaling kept units by 1/(1-rate) in
// training keeps E[y] = x, so inference is the identity.
//
// The RNG is a pure function of (seed, step, i): no state to store or advance,
// any thread can compute any element, and the same (seed, step) reproduces
// the same mask. Thread t computes philox4x32(counter = (t, step, 0, 0),
// key = (seed, 0)) once and uses its 4 words for elements 4t .. 4t+3.
// Philox's 32x32 -> 64-bit products are built from 16-bit halves, as WGSL has
// no 64-bit integers; src/reference/random.ts does exactly the same.
//
// Bindings (group 0):
//   forward:  0 params (uniform), 1 x (read), 2 y (write), 3 mask (write)
//   backward: 0 params (uniform), 4 dy (read), 5 fwd_mask = mask (read), 6 dx (write)
// Dispatch: workgroups of 64, folded into a 2-D grid beyond 65535 workgroups;
//   forward: one thread per 4 elements (ceil(n / 4) threads);
//   backward: one thread per element.

struct Params {
  n: u32,
  seed: u32,
  step: u32,
  threshold: u32,
  scale: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<storage, read_write> mask: array<f32>;
@group(0) @binding(4) var<storage, read> dy: array<f32>;
@group(0) @binding(5) var<storage, read> fwd_mask: array<f32>;
@group(0) @binding(6) var<storage, read_write> dx: array<f32>;

const PHILOX_M0: u32 = 0xd2511f53u;
const PHILOX_M1: u32 = 0xcd9e8d57u;
const PHILOX_W0: u32 = 0x9e3779b9u;
const PHILOX_W1: u32 = 0xbb67ae85u;

// (high, low) 32 bits of the 64-bit product a * b, from 16-bit halves.
fn mul_hi_lo(a: u32, b: u32) -> vec2u {
  let a_lo = a & 0xffffu;
  let a_hi = a >> 16u;
  let b_lo = b & 0xffffu;
  let b_hi = b >> 16u;
  let ll = a_lo * b_lo;
  let lh = a_lo * b_hi;
  let hl = a_hi * b_lo;
  let hh = a_hi * b_hi;
  let mid = (ll >> 16u) + (lh & 0xffffu) + (hl & 0xffffu);
  let hi = hh + (lh >> 16u) + (hl >> 16u) + (mid >> 16u);
  return vec2u(hi, a * b);
}

fn philox4x32_10(counter: vec4u, key: vec2u) -> vec4u {
  var c = counter;
  var k = key;
  for (var round = 0u; round < 10u; round++) {
    if (round > 0u) { k += vec2u(PHILOX_W0, PHILOX_W1); }
    let p0 = mul_hi_lo(PHILOX_M0, c.x);
    let p1 = mul_hi_lo(PHILOX_M1, c.z);
    c = vec4u(p1.x ^ c.y ^ k.x, p1.y, p0.x ^ c.w ^ k.y, p0.y);
  }
  return c;
}

@compute @workgroup_size(64)
fn forward(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
           @builtin(local_invocation_index) lid: u32) {
  let t = linear_index(wid, nwg, lid, 64u);
  let first = t * 4u;
  if (first >= params.n) { return; }
  let r = philox4x32_10(vec4u(t, params.step, 0u, 0u), vec2u(params.seed, 0u));
  for (var k = 0u; k < 4u; k++) {
    let i = first + k;
    if (i >= params.n) { break; }
    let m = select(0.0, params.scale, r[k] >= params.threshold);
    mask[i] = m;
    y[i] = x[i] * m;
  }
}

@compute @workgroup_size(64)
fn backward(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
            @builtin(local_invocation_index) lid: u32) {
  let i = linear_index(wid, nwg, lid, 64u);
  if (i >= params.n) { return; }
  dx[i] = dy[i] * fwd_mask[i];
}
