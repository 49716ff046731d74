// The element index of an invocation of a 1-D element-wise kernel.
// Large dispatches spill into a second grid dimension (at most 65535
// workgroups per dimension; see grid1D in src/gpu/uniforms.ts), so the index
// is rebuilt from both: row-major over the grid, then the lane within its
// workgroup of `workgroup_size` invocations. Callers bounds-check it.
fn linear_index(wid: vec3u, nwg: vec3u, lid: u32, workgroup_size: u32) -> u32 {
  return (wid.y * nwg.x + wid.x) * workgroup_size + lid;
}
