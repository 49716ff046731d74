/**
 * Where the engine's warnings go: uncaptured GPU errors of a shared device,
 * device-lost reasons, shader compiler warnings. A library embedded in other
 * people's pages must not write to their console, so the default is silence;
 * `createEngine({ onWarning })` receives them, and the environment variable
 * `WGSL_TENSOR_DEBUG=1` (Node) or `globalThis.WGSL_TENSOR_DEBUG = true`
 * (browser) prints them with console.warn while debugging.
 */
export type WarningSink = (message: string) => void;

function debugEnabled(): boolean {
  const g = globalThis as { WGSL_TENSOR_DEBUG?: unknown; process?: { env?: Record<string, string | undefined> } };
  if (g.WGSL_TENSOR_DEBUG) return true;
  const env = g.process?.env?.WGSL_TENSOR_DEBUG;
  return env !== undefined && env !== '' && env !== '0';
}

export function warningSink(onWarning?: (message: string) => void): WarningSink {
  return (message) => {
    const text = `wgsl-tensor: ${message}`;
    if (onWarning) {
      // A throwing callback must not break the engine's own error handling.
      try { onWarning(text); } catch { /* the app's callback failed; nothing sensible to do with that here */ }
    } else if (debugEnabled()) {
      console.warn(text);
    }
  };
}
