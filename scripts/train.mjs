// `npm run train`: bundle scripts/train.ts for Node and run it with the same arguments.
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { common } from './esbuild-options.mjs';

await esbuild.build({ ...common, entryPoints: ['scripts/train.ts'], platform: 'node', outfile: 'build/train.mjs' });
const run = spawnSync(process.execPath, ['build/train.mjs', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(run.status ?? 1);
