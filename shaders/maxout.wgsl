// Maxout (Goodfellow et al. 2013): each output unit is the max of a group of
// `pieces` consecutive input columns.
//
// Math, x [rows, units * pieces] -> y [rows, units]:
//   forward:  y[r, j]      = max_k x[r, j * pieces + k]              k in [0, pieces)
//             argmax[r, j] = the first k reaching that max (strict > on ties)
//   backward: dx[r, j * pieces + k] = dy[r, j] if k == argmax[r, j], else 0
//             (the max passes its gradient to the winning piece only)
// Because x is row-major, output o = r * units + j starts at input o * pieces,
// so both passes index flat arrays and never need rows or units separately.
//
// Shapes: x, dx [outputs * pieces] f32; y, dy [outputs] f32; argmax, winner [outputs] u32.
// Bindings (group 0):
//   forward:  0 params (uniform), 1 x (read), 2 y (write), 3 argmax (write)
//   backward: 0 params (uniform), 4 dy (read), 5 winner = argmax (read), 6 dx (write)
// Dispatch: workgroups of 64, one thread per output (forward) or per input
// element (backward), folded into a 2-D grid beyond 65535 workgroups.

struct Params {
  outputs: u32,
  pieces: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<storage, read_write> argmax: array<u32>;
@group(0) @binding(4) var<storage, read> dy: array<f32>;
@group(0) @binding(5) var<storage, read> winner: array<u32>;
@group(0) @binding(6) var<storage, read_write> dx: array<f32>;

@compute @workgroup_size(64)
fn forward(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
           @builtin(local_invocation_index) lid: u32) {
  let o = linear_index(wid, nwg, lid, 64u);
  if (o >= params.outputs) { return; }
  let base = o * params.pieces;
  var best = x[base];
  var best_k = 0u;
  for (var k = 1u; k < params.pieces; k++) {
    let v = x[base + k];
    if (v > best) { best = v; best_k = k; }
  }
  y[o] = best;
  argmax[o] = best_k;
}

@compute @workgroup_size(64)
fn backward(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
            @builtin(local_invocation_index) lid: u32) {
  let i = linear_index(wid, nwg, lid, 64u);
  if (i >= params.outputs * params.pieces) { return; }
  let o = i / params.pieces;
  let k = i % params.pieces;
  dx[i] = select(0.0, dy[o], winner[o] == k);
}
