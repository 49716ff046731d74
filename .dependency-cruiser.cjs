// Dependency rules of the library, checked by `npm test` (scripts/test-deps.mjs)
// with dependency-cruiser. The layers run one way:
//
//   demo/, bench/  ->  src/index.ts (src/node.ts in Node)  ->  ...
//   src/nn/  ->  src/engine.ts (types), src/ops/  ->  src/tensor.ts  ->  src/gpu/
//   src/reference/: plain CPU loops, no GPU code at all
//
// Type-only imports (`import type`) count: the swc parser reports them like
// any other import, so "ops see the engine only as a KernelContext" holds for
// types too. WGSL files imported by ops are leaves. Patterns name modules
// without their extension (`engine[.]`), so test/fixtures/deps (plain .js
// files that break each rule once) checks that every rule still fires.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles-in-src',
      comment: 'An import loop in src/ makes the load order matter and the modules impossible to read one at a time.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'ops-see-a-kernel-context',
      comment: 'src/ops/ takes a KernelContext (src/ops/kernel-context.ts), never the Engine, and knows nothing of models.',
      severity: 'error',
      from: { path: '^src/ops/' },
      to: { path: '^src/(engine[.]|nn/|data/|index[.]|node[.])' },
    },
    {
      name: 'tensor-below-ops',
      comment: 'src/tensor.ts sits between ops and the GPU layer: it imports neither ops, models nor the engine.',
      severity: 'error',
      from: { path: '^src/(tensor|shape|tensor-data)[.]' },
      to: { path: '^src/(engine[.]|ops/|nn/|data/)' },
    },
    {
      name: 'gpu-is-the-bottom-layer',
      comment: 'src/gpu/ (device, registry, scheduler, pool) imports nothing above it.',
      severity: 'error',
      from: { path: '^src/gpu/' },
      to: { path: '^src/(engine[.]|tensor[.]|ops/|nn/|data/|reference/|index[.]|node[.])' },
    },
    {
      name: 'nn-goes-through-ops',
      comment: 'src/nn/ records GPU work through ops (and the Engine\'s public methods), not through src/gpu/ directly.',
      severity: 'error',
      from: { path: '^src/nn/' },
      to: { path: '^src/gpu/' },
    },
    {
      name: 'reference-is-cpu-only',
      comment: 'The CPU reference must not share code with what it checks: no GPU code, no ops, no engine.',
      severity: 'error',
      from: { path: '^src/reference/' },
      to: { path: '^src/(gpu/|ops/|nn/|engine[.]|tensor[.])|[.]wgsl$' },
    },
    {
      name: 'demo-and-bench-use-the-public-api',
      comment: 'The demo and the benchmarks use what users get: src/index.ts (and src/node.ts, the Node entry).',
      severity: 'error',
      from: { path: '^(demo|bench)/' },
      to: { path: '^src/', pathNot: '^src/(index|node)[.]' },
    },
    {
      name: 'library-stands-alone',
      comment: 'src/ never imports the tests, scripts, demo or benchmarks.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|scripts|demo|bench)/' },
    },
  ],
  options: {
    // TypeScript 7 has no compiler API, so the TypeScript sources are parsed with swc.
    parser: 'swc',
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|build|dist)/' },
    // `.js` in import specifiers names the `.ts` file (NodeNext style).
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'] },
  },
};
