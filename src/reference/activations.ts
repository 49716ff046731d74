/**
 * CPU reference for shaders/activations.wgsl: plain loops in float64, each
 * result rounded to f32. Same edge-value conventions as the shader header.
 */
export type ActivationName = 'relu' | 'sigmoid' | 'tanh';
/** 'linear' is the identity: used by matmul's epilogue. */
export type EpilogueActivation = ActivationName | 'linear';

export function activateScalar(name: EpilogueActivation, x: number): number {
  switch (name) {
    case 'linear': return x;
    case 'relu': return x < 0 ? 0 : x;
    case 'sigmoid': return 1 / (1 + Math.exp(-x));
    case 'tanh': return Math.abs(x) > 10 ? Math.sign(x) : Math.tanh(x);
  }
}

/** Derivative as a function of the forward output y. */
export function derivativeFromOutput(name: EpilogueActivation, y: number): number {
  switch (name) {
    case 'linear': return 1;
    case 'relu': return y > 0 ? 1 : 0;
    case 'sigmoid': return y * (1 - y);
    case 'tanh': return 1 - y * y;
  }
}

export function activationForward(name: ActivationName, x: ArrayLike<number>): Float32Array {
  const y = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) y[i] = activateScalar(name, x[i]!);
  return y;
}

/** dx = dy * act'(.) evaluated from the forward output y. */
export function activationBackward(name: ActivationName, dy: ArrayLike<number>, y: ArrayLike<number>): Float32Array {
  const dx = new Float32Array(dy.length);
  for (let i = 0; i < dy.length; i++) {
    if (name === 'relu') dx[i] = y[i]! > 0 ? dy[i]! : 0;
    else dx[i] = dy[i]! * derivativeFromOutput(name, y[i]!);
  }
  return dx;
}
