/**
 * The module graph of src/ (src/README.md): no import cycles, and dependencies point inward — the store imports
 * nothing above it, the domain (planning, lifecycle) no transport, the solver nothing of ours outside it.
 * Reads import statements (static, dynamic and type-only) as text.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** File (relative to src/, `/`-separated) → the src files it imports. */
function importGraph(): Map<string, string[]> {
  const files = sourceFiles(SRC);
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const deps: string[] = [];
    for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const spec = m[1] ?? m[2]!;
      if (!spec.startsWith('.')) continue;
      const target = resolve(dirname(file), spec.replace(/\.js$/, '.ts'));
      if (known.has(target)) deps.push(relative(SRC, target).split('\\').join('/'));
    }
    graph.set(relative(SRC, file).split('\\').join('/'), deps);
  }
  return graph;
}

/** Every cycle's files, one strongly connected component each (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)!) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || graph.get(v)!.includes(v)) found.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

/** Imports from files under `from/` into files under any of `forbidden/`, as `a -> b`. */
function crossings(graph: Map<string, string[]>, from: string, forbidden: readonly string[]): string[] {
  return [...graph].flatMap(([file, deps]) =>
    file.startsWith(`${from}/`)
      ? deps.filter((d) => forbidden.some((f) => d.startsWith(`${f}/`))).map((d) => `${file} -> ${d}`)
      : [],
  );
}

describe('src/ module graph', () => {
  const graph = importGraph();

  it('has no import cycles', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('keeps the store a leaf: nothing from the API, the domain or the transports', () => {
    expect(crossings(graph, 'store', ['api', 'lifecycle', 'planning', 'tracking', 'webhooks', 'cli', 'demo'])).toEqual([]);
  });

  it('keeps the domain (lifecycle, planning) free of transports', () => {
    expect(crossings(graph, 'lifecycle', ['api', 'tracking', 'webhooks', 'cli', 'planning'])).toEqual([]);
    expect(crossings(graph, 'planning', ['api', 'tracking', 'webhooks', 'cli'])).toEqual([]);
  });

  it('keeps the solver to itself', () => {
    const outside = [...graph].flatMap(([file, deps]) =>
      file.startsWith('solver/') ? deps.filter((d) => !d.startsWith('solver/')).map((d) => `${file} -> ${d}`) : [],
    );
    expect(outside).toEqual([]);
  });
});
