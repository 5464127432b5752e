// Proves that the modules of src/config import one way: none of them imports, directly or through others, a module that imports it back (config.ts reads directory-config.ts and payments-config.ts, never the reverse).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const CONFIG_DIR = fileURLToPath(new URL('.', import.meta.url));

/** The modules of src/config (tests aside) and the sibling modules each one imports, types included. */
function importGraph(): Map<string, string[]> {
  const modules = readdirSync(CONFIG_DIR).filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'));
  return new Map(
    modules.map((file) => {
      const source = readFileSync(`${CONFIG_DIR}/${file}`, 'utf8');
      const siblings = [...source.matchAll(/from '\.\/([\w-]+)\.js'/g)].map((match) => `${match[1]}.ts`);
      return [file, siblings];
    }),
  );
}

/** The first import cycle found, as the chain of modules that closes it, or null. */
function findCycle(graph: Map<string, string[]>): string[] | null {
  const done = new Set<string>();
  const visit = (module: string, chain: string[]): string[] | null => {
    if (chain.includes(module)) return [...chain.slice(chain.indexOf(module)), module];
    if (done.has(module)) return null;
    for (const imported of graph.get(module) ?? []) {
      const cycle = visit(imported, [...chain, module]);
      if (cycle) return cycle;
    }
    done.add(module);
    return null;
  };
  for (const module of graph.keys()) {
    const cycle = visit(module, []);
    if (cycle) return cycle;
  }
  return null;
}

test('src/config modules → no import cycle', () => {
  const graph = importGraph();
  assert.ok((graph.get('config.ts') ?? []).includes('directory-config.ts'), 'config.ts reads directory-config.ts');
  const cycle = findCycle(graph);
  assert.equal(cycle, null, `import cycle: ${cycle?.join(' → ')}`);
});
