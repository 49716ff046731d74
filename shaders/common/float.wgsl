// NaN is tested on the bit pattern: WGSL lets compilers assume floats are not
// NaN, so `v != v` or a comparison may be folded away (SwiftShader does).
fn is_nan(v: f32) -> bool {
  let bits = bitcast<u32>(v);
  return (bits & 0x7f800000u) == 0x7f800000u && (bits & 0x007fffffu) != 0u;
}
