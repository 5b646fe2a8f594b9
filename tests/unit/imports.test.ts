/**
 * The import graph of src/, read as text: no circle (type-only imports count, since they tie
 * files together for a reader as much as for the compiler), and no folder imports from a layer
 * above it (DESIGN.md: matrix/ → archive/ → rooms/ → view/ → web/).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '..', '..', 'src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? sources(path) : entry.name.endsWith('.ts') ? [path] : [];
  });
}

const IMPORT = /^\s*(?:import|export)\b[^'"]*?from\s+'(\.[^']+)'|^\s*import\s+'(\.[^']+)'/gm;

function graph(): Map<string, string[]> {
  const edges = new Map<string, string[]>();
  for (const file of sources(SRC)) {
    const text = readFileSync(file, 'utf8');
    const targets: string[] = [];
    for (const match of text.matchAll(IMPORT)) {
      const spec = (match[1] ?? match[2])!;
      targets.push(relative(SRC, resolve(dirname(file), spec.replace(/\.js$/, '.ts'))));
    }
    edges.set(relative(SRC, file), targets);
  }
  return edges;
}

/** Every circle, each as the path that closes it (Tarjan would be shorter; this is clearer). */
function circles(edges: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const done = new Set<string>();
  const visit = (file: string, path: string[]): void => {
    const at = path.indexOf(file);
    if (at >= 0) {
      found.push([...path.slice(at), file]);
      return;
    }
    if (done.has(file)) return;
    for (const next of edges.get(file) ?? []) visit(next, [...path, file]);
    done.add(file);
  };
  for (const file of edges.keys()) visit(file, []);
  return found;
}

const LAYERS = ['matrix', 'archive', 'rooms', 'view', 'web'];
const layerOf = (file: string): number => LAYERS.indexOf(file.split('/')[0]!);

describe('the import graph of src/', () => {
  const edges = graph();

  it('has no circle', () => {
    expect(circles(edges)).toEqual([]);
  });

  it('never imports from a layer above', () => {
    const upward: string[] = [];
    for (const [file, targets] of edges) {
      const own = layerOf(file);
      if (own < 0) continue;
      for (const target of targets) if (layerOf(target) > own) upward.push(`${file} → ${target}`);
    }
    expect(upward).toEqual([]);
  });
});
