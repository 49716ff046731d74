// WGSL files are imported as text: esbuild's `--loader:.wgsl=text` turns
// `import source from '../../shaders/x.wgsl'` into the file's contents.
declare module '*.wgsl' {
  const source: string;
  export default source;
}
