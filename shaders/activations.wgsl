// Element-wise activations and their derivatives.
//
// Math (ACTIVATION picks one, an override constant, so each is its own
// pipeline; the codes and the two functions are the prelude's activation
// table, shaders/common/activations.wgsl, shared with matmul's epilogue):
//   1 relu:    y = x < 0 ? 0 : x            dy/dx = y > 0 ? 1 : 0
//   2 sigmoid: y = 1 / (1 + exp(-x))        dy/dx = y (1 - y)
//   3 tanh:    y = tanh(x)                  dy/dx = 1 - y^2
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

override ACTIVATION: u32 = ACTIVATION_RELU;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<storage, read> dy: array<f32>;
@group(0) @binding(4) var<storage, read> fwd_out: array<f32>;
@group(0) @binding(5) var<storage, read_write> dx: array<f32>;

@compute @workgroup_size(64)
fn forward(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
           @builtin(local_invocation_index) lid: u32) {
  let i = linear_index(wid, nwg, lid, 64u);
  if (i >= params.n) { return; }
  y[i] = activate(x[i], ACTIVATION);
}

@compute @workgroup_size(64)
fn backward(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
            @builtin(local_invocation_index) lid: u32) {
  let i = linear_index(wid, nwg, lid, 64u);
  if (i >= params.n) { return; }
  dx[i] = activation_grad(dy[i], fwd_out[i], ACTIVATION);
}
