// Optimizer updates, in place, one thread per parameter.
//
// The training code keeps every weight of a model in ONE flat f32 buffer and
// every gradient in another of the same size (the optimizer state buffers too),
// so one dispatch of one entry point below updates the whole model.
//
// Math (w weights, g gradient, all element-wise; l2 >= 0 is L2 weight decay,
// folded into the gradient first, with w before this step's update):
//   g = grads + l2 * w
//   sgd:       w -= lr * g
//   momentum:  velocity = momentum * velocity - lr * g        (Keras / TF form)
//              classic:   w += velocity
//              NESTEROV:  w += momentum * velocity - lr * g   (the UPDATED velocity)
//              (PyTorch keeps v' = momentum v' + g and steps w -= lr (...); for a
//              constant lr it is the same trajectory with v' = -velocity / lr.)
//   adagrad:   accum += g^2 ;  w -= lr * g / (sqrt(accum) + eps)        (Duchi 2011)
//   rmsprop:   mean_square = rho * mean_square + (1 - rho) * g^2
//              canonical (PyTorch):        w -= lr * g / (sqrt(mean_square) + eps)
//              EPS_INSIDE_SQRT (Keras 3):  w -= lr * g / sqrt(mean_square + eps)
//   adam:      m = beta1 m + (1 - beta1) g ;  v = beta2 v + (1 - beta2) g^2
//              w -= lr * (m * mhat_scale) / (sqrt(v * vhat_scale) + eps)
//              with mhat_scale = 1 / (1 - beta1^step), vhat_scale = 1 / (1 - beta2^step)
//              computed on the CPU in float64 (no pow here, and no precision lost
//              to 1 - beta2^step for small steps).
// The complements (1 - rho), (1 - beta) are also computed on the CPU: in f32,
// 1 - 0.999 is off by 1.3e-5 relative (0.999 is not exact in binary).
//
// Shapes: weights, grads and each state buffer are flat arrays of params.n f32.
// Bindings (group 0; every entry point binds only what its rule uses):
//   0 params (uniform), 1 weights (read_write), 2 grads (read),
//   momentum: 3 velocity ; adagrad: 4 accum ; rmsprop: 5 mean_square ;
//   adam: 6 first_moment (m), 7 second_moment (v)   (all read_write)
// Dispatch: workgroups of 256 in a grid-stride loop. On a GPU there is one
// invocation per parameter (ceil(n / 256) workgroups, folded into a 2-D grid
// when there are more than 65535: grid1D in src/gpu/uniforms.ts). CPU adapters
// get 32 workgroups whose invocations each loop over many parameters: there
// every workgroup and invocation has a fixed cost, and RMSprop over the 670k
// parameters of the MLP ran 20% (SwiftShader) to 58% (lavapipe) faster that
// way (src/gpu/tuning.ts).

struct Params {
  n: u32,
  lr: f32,
  l2: f32,
  eps: f32,
  momentum: f32,
  rho: f32,
  one_minus_rho: f32,
  beta1: f32,
  one_minus_beta1: f32,
  beta2: f32,
  one_minus_beta2: f32,
  mhat_scale: f32,
  vhat_scale: f32,
  stride: u32, // invocations in the dispatch: each handles parameters i, i + stride, ...
}

// Variants, each its own pipeline: 1 = on.
override NESTEROV: u32 = 0u;
override EPS_INSIDE_SQRT: u32 = 0u;

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> weights: array<f32>;
@group(0) @binding(2) var<storage, read> grads: array<f32>;
@group(0) @binding(3) var<storage, read_write> velocity: array<f32>;
@group(0) @binding(4) var<storage, read_write> accum: array<f32>;
@group(0) @binding(5) var<storage, read_write> mean_square: array<f32>;
@group(0) @binding(6) var<storage, read_write> first_moment: array<f32>;
@group(0) @binding(7) var<storage, read_write> second_moment: array<f32>;

// The gradient with L2 weight decay folded in: g + l2 * w.
fn decayed_gradient(i: u32, w: f32) -> f32 {
  return grads[i] + params.l2 * w;
}

@compute @workgroup_size(256)
fn sgd(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
       @builtin(local_invocation_index) lid: u32) {
  // Grid-stride loop: each invocation updates every `stride`-th parameter.
  for (var i = linear_index(wid, nwg, lid, 256u); i < params.n; i += params.stride) {
    let w = weights[i];
    let g = decayed_gradient(i, w);
    weights[i] = w - params.lr * g;
  }
}

@compute @workgroup_size(256)
fn momentum(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
            @builtin(local_invocation_index) lid: u32) {
  // Grid-stride loop: each invocation updates every `stride`-th parameter.
  for (var i = linear_index(wid, nwg, lid, 256u); i < params.n; i += params.stride) {
    let w = weights[i];
    let g = decayed_gradient(i, w);
    let step = params.lr * g;
    let v = params.momentum * velocity[i] - step;
    velocity[i] = v;
    if (NESTEROV == 1u) {
      // look ahead: the step the velocity will take next, plus this gradient's step
      weights[i] = w + (params.momentum * v - step);
    } else {
      weights[i] = w + v;
    }
  }
}

@compute @workgroup_size(256)
fn adagrad(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
           @builtin(local_invocation_index) lid: u32) {
  // Grid-stride loop: each invocation updates every `stride`-th parameter.
  for (var i = linear_index(wid, nwg, lid, 256u); i < params.n; i += params.stride) {
    let w = weights[i];
    let g = decayed_gradient(i, w);
    let a = accum[i] + g * g;
    accum[i] = a;
    weights[i] = w - params.lr * g / (sqrt(a) + params.eps);
  }
}

@compute @workgroup_size(256)
fn rmsprop(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
           @builtin(local_invocation_index) lid: u32) {
  // Grid-stride loop: each invocation updates every `stride`-th parameter.
  for (var i = linear_index(wid, nwg, lid, 256u); i < params.n; i += params.stride) {
    let w = weights[i];
    let g = decayed_gradient(i, w);
    let ms = params.rho * mean_square[i] + params.one_minus_rho * (g * g);
    mean_square[i] = ms;
    var denom: f32;
    if (EPS_INSIDE_SQRT == 1u) {
      denom = sqrt(ms + params.eps);
    } else {
      denom = sqrt(ms) + params.eps;
    }
    weights[i] = w - params.lr * g / denom;
  }
}

@compute @workgroup_size(256)
fn adam(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  // Grid-stride loop: each invocation updates every `stride`-th parameter.
  for (var i = linear_index(wid, nwg, lid, 256u); i < params.n; i += params.stride) {
    let w = weights[i];
    let g = decayed_gradient(i, w);
    let m = params.beta1 * first_moment[i] + params.one_minus_beta1 * g;
    let v = params.beta2 * second_moment[i] + params.one_minus_beta2 * (g * g);
    first_moment[i] = m;
    second_moment[i] = v;
    let mhat = m * params.mhat_scale;
    let vhat = v * params.vhat_scale;
    weights[i] = w - params.lr * mhat / (sqrt(vhat) + params.eps);
  }
}
