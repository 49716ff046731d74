// Element-wise activations and their derivatives.
//
// Math (ACTIVATION picks one, an override constant, so each is its own pipeline):
//   0 relu:    y = x < 0 ? 0 : x            dy/dx = y > 0 ? 1 : 0
//   1 sigmoid: y = 1 / (1 + exp(-x))        dy/dx = y (1 - y)
//   2 tanh:    y = tanh(x)                  dy/dx = 1 - y^2
// The backward entry point takes the forward OUTPUT y (not x): every
// derivative above is a function of y, and the training path keeps y anyway
// (the matmul epilogue writes act(xW+b) and never stores xW+b).
//
// Edge values (tested against src/reference/activations.ts):
//   every activation passes NaN through (checked on the bits), relu(-0) = -0;
//   sigmoid(±1e30) = 1 / 0 exactly; tanh(|x| > 10) = sign(x) (tanh(10) rounds
//   to 1 in f32, and some GPU tanh builtins return NaN for huge |x|).
//   Backward: relu' at y = NaN is 0 (no gradient through a NaN unit).
//
// Shapes: x, y, dy, dx are flat arrays of params.n elements.
// Bindings (group 0):
//   forward:  0 params (uniform), 1 x (read), 2 y (write)
//   backward: 0 params (uniform), 3 dy (read), 4 forward output y (read), 5 dx (write)
// Dispatch: ceil(n / 64) workgroups of 64, folded into a 2-D grid when there
// are more than 65535 (see grid1D in src/gpu/uniforms.ts).

struct Params {
  n: u32,
}

override ACTIVATION: u32 = 0u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<storage, read> dy: array<f32>;
@group(0) @binding(4) var<storage, read> fwd_out: array<f32>;
@group(0) @binding(5) var<storage, read_write> dx: array<f32>;

// NaN is tested on the bit pattern: WGSL lets compilers assume floats are not
// NaN, so `v != v` or a comparison may be folded away (SwiftShader does).
fn is_nan(v: f32) -> bool {
  let bits = bitcast<u32>(v);
  return (bits & 0x7f800000u) == 0x7f800000u && (bits & 0x007fffffu) != 0u;
}

fn activate(v: f32) -> f32 {
  if (is_nan(v)) { return v; }
  switch ACTIVATION {
    case 1u: { return 1.0 / (1.0 + exp(-v)); }
    case 2u: { return select(tanh(v), sign(v), abs(v) > 10.0); }
    default: { return select(v, 0.0, v < 0.0); }
  }
}

fn derivative_from_output(out: f32) -> f32 {
  switch ACTIVATION {
    case 1u: { return out * (1.0 - out); }
    case 2u: { return 1.0 - out * out; }
    default: { return select(0.0, 1.0, out > 0.0); }
  }
}

fn linear_index(wid: vec3u, nwg: vec3u, lid: u32) -> u32 {
  return (wid.y * nwg.x + wid.x) * 64u + lid;
}

@compute @workgroup_size(64)
fn forward(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
           @builtin(local_invocation_index) lid: u32) {
  let i = linear_index(wid, nwg, lid);
  if (i >= params.n) { return; }
  y[i] = activate(x[i]);
}

@compute @workgroup_size(64)
fn backward(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
            @builtin(local_invocation_index) lid: u32) {
  let i = linear_index(wid, nwg, lid);
  if (i >= params.n) { return; }
  let g = dy[i];
  // select() rather than a multiply for relu, so a masked unit gives exactly 0 even if dy is inf/NaN.
  if (ACTIVATION == 0u) {
    dx[i] = select(0.0, g, fwd_out[i] > 0.0);
  } else {
    dx[i] = g * derivative_from_output(fwd_out[i]);
  }
}
