// Shared esbuild settings: WGSL files load as text, wgsl_reflect resolves to its
// ESM build ("module" field), Dawn's `webgpu` package is never bundled.
export const common = {
  bundle: true,
  format: 'esm',
  target: 'es2022',
  loader: { '.wgsl': 'text' },
  mainFields: ['module', 'main'],
  external: ['webgpu', 'node:*'],
  sourcemap: 'inline',
  logLevel: 'warning',
};
