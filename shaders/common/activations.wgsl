// The activation table: ONE numbering for every shader (an `override` such as
// ACTIVATION or GATE_ACTIVATION holds one of these codes) and for the
// TypeScript side (ACTIVATION_CODES in src/ops/activation-codes.ts; a spec
// checks the two agree).
const ACTIVATION_LINEAR = 0u;
const ACTIVATION_RELU = 1u;
const ACTIVATION_SIGMOID = 2u;
const ACTIVATION_TANH = 3u;

// act(act_in). NaN passes through; relu(-0) = -0 (a select, not max);
// tanh(|act_in| > 10) = sign(act_in) exactly (some tanh implementations overflow there).
fn activate(act_in: f32, code: u32) -> f32 {
  if (code == ACTIVATION_LINEAR || is_nan(act_in)) { return act_in; }
  switch code {
    case ACTIVATION_SIGMOID: { return 1.0 / (1.0 + exp(-act_in)); }
    case ACTIVATION_TANH: { return select(tanh(act_in), sign(act_in), abs(act_in) > 10.0); }
    default: { return select(act_in, 0.0, act_in < 0.0); }
  }
}

// act_grad * act'(.), with act' taken from the forward output `act_out`: relu act_out > 0 ? 1 : 0
// (a select, so a masked unit is exactly 0 even when act_grad is inf/NaN),
// sigmoid act_out (1 - act_out), tanh 1 - act_out^2; linear passes act_grad through.
// (Parameter names differ from the shaders' buffer names: wgsl_reflect
// counts a buffer as used wherever its name appears.)
fn activation_grad(act_grad: f32, act_out: f32, code: u32) -> f32 {
  switch code {
    case ACTIVATION_LINEAR: { return act_grad; }
    case ACTIVATION_SIGMOID: { return act_grad * (act_out * (1.0 - act_out)); }
    case ACTIVATION_TANH: { return act_grad * (1.0 - act_out * act_out); }
    default: { return select(0.0, act_grad, act_out > 0.0); }
  }
}
