/**
 * Bind groups built once, replayed every step.
 *
 * A training step records the same dispatches every time: the same pipelines
 * over the same buffers (the model's flat parameters and gradients, the
 * dataset, and scratch buffers the pool hands back in the same order every
 * step), with each dispatch's uniforms in the same slot of the uniform arena.
 * Creating a GPUBindGroup is the costliest CPU call in recording a dispatch,
 * so the scheduler keeps each one, keyed by the pipeline and exactly what it
 * binds (buffer, offset, size per binding), and only builds a new one when a
 * bound buffer changes. What changes between steps — the uniform values
 * (step counters, learning rates) — lives in the arena, written once per
 * submit; a cached bind group points at the arena slot, not at the values.
 *
 * A buffer the pool destroys takes its bind groups with it (`forget`), and the
 * cache is emptied when it grows past a bound (a workload that never repeats).
 */
const MAX_GROUPS = 4096;

export interface BindGroupCacheStats {
  /** Bind groups reused from the cache, and built. */
  bindGroupHits: number;
  bindGroupsCreated: number;
}

export class BindGroupCache {
  private readonly ids = new WeakMap<GPUBuffer, number>();
  private nextId = 1;
  private readonly groups = new Map<string, GPUBindGroup>();
  /** Cache keys by buffer id, so a destroyed buffer's groups go with it. */
  private readonly keysByBuffer = new Map<number, string[]>();
  private hits = 0;
  private created = 0;
  /** Off: every dispatch builds its bind group (for A/B measurements and the replay tests). */
  enabled = true;

  /** Bind groups held now. */
  get size(): number {
    return this.groups.size;
  }

  private idOf(buffer: GPUBuffer): number {
    let id = this.ids.get(buffer);
    if (id === undefined) {
      id = this.nextId++;
      this.ids.set(buffer, id);
    }
    return id;
  }

  /**
   * The bind group for `pipelineKey` over `entries` (every resource a buffer
   * binding with explicit offset and size): cached, or made by `create`.
   */
  get(pipelineKey: string, entries: readonly { binding: number; resource: GPUBufferBinding }[], create: () => GPUBindGroup): GPUBindGroup {
    // Off, or a resource that is not a buffer (the runtime will refuse it inside create's error scopes).
    if (!this.enabled || entries.some((e) => typeof e.resource.buffer !== 'object' || e.resource.buffer === null)) {
      this.created++;
      return create();
    }
    let key = pipelineKey;
    for (const e of entries) {
      const r = e.resource;
      key += `|${e.binding}:${this.idOf(r.buffer)}:${r.offset ?? 0}:${r.size ?? -1}`;
    }
    const cached = this.groups.get(key);
    if (cached) {
      this.hits++;
      return cached;
    }
    if (this.groups.size >= MAX_GROUPS) this.clear();
    const group = create();
    this.created++;
    this.groups.set(key, group);
    for (const e of entries) {
      const id = this.idOf(e.resource.buffer);
      const keys = this.keysByBuffer.get(id);
      if (keys) keys.push(key);
      else this.keysByBuffer.set(id, [key]);
    }
    return group;
  }

  /** The buffer is being destroyed: drop every bind group that binds it. */
  forget(buffer: GPUBuffer): void {
    const id = this.ids.get(buffer);
    if (id === undefined) return;
    for (const key of this.keysByBuffer.get(id) ?? []) this.groups.delete(key);
    this.keysByBuffer.delete(id);
    this.ids.delete(buffer);
  }

  clear(): void {
    this.groups.clear();
    this.keysByBuffer.clear();
  }

  stats(): BindGroupCacheStats {
    return { bindGroupHits: this.hits, bindGroupsCreated: this.created };
  }
}
