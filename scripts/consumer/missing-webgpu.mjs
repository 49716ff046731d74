// Node without Dawn (a browser app's install): createEngine() is a typed error
// naming the install command.
import assert from 'node:assert/strict';
import { createEngine, MissingDependencyError } from 'wgsl-tensor';

await assert.rejects(() => createEngine(), (err) => err instanceof MissingDependencyError && /npm install webgpu/.test(err.message));
