/** Summaries of a V8 CPU profile (`Profiler.stop`): self and inclusive time by code area and by function. */

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface Share {
  readonly name: string;
  readonly ms: number;
  readonly share: number;
}

export interface ProfileSummary {
  readonly totalMs: number;
  readonly idleMs: number;
  readonly selfByArea: Share[];
  readonly inclusiveByArea: Share[];
  readonly selfByFunction: Share[];
  readonly inclusiveByFunction: Share[];
}

const PSEUDO = new Set(['(root)', '(program)', '(idle)', '(garbage collector)']);

/** Where a frame's code lives: an npm package, an OpenTeller source file, a node: module, or a pseudo frame. */
export function areaOf(frame: CallFrame): string {
  if (PSEUDO.has(frame.functionName) && !frame.url) return frame.functionName;
  const url = frame.url;
  if (!url) return '(native/V8)';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + '/node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
  }
  const src = url.indexOf('/src/');
  if (src >= 0) return `openteller ${url.slice(src + 1).replace(/\.ts$/, '')}`;
  // The compiled server (dist/…js, what the benchmarks run by default): named like its source file.
  const dist = url.indexOf('/dist/');
  if (dist >= 0) return `openteller src/${url.slice(dist + '/dist/'.length).replace(/\.js$/, '')}`;
  if (url.startsWith('node:')) return url;
  return url.replace(/^file:\/\//, '');
}

function functionLabel(frame: CallFrame): string {
  const area = areaOf(frame);
  if (PSEUDO.has(frame.functionName) && !frame.url) return frame.functionName;
  return `${frame.functionName || '(anonymous)'} [${area}:${frame.lineNumber + 1}]`;
}

export function summarizeProfile(profile: CpuProfile, top = 20): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const selfArea = new Map<string, number>();
  const inclusiveArea = new Map<string, number>();
  const selfFunction = new Map<string, number>();
  const inclusiveFunction = new Map<string, number>();
  const add = (map: Map<string, number>, key: string, value: number) => map.set(key, (map.get(key) ?? 0) + value);
  let totalMs = 0;
  let idleMs = 0;
  profile.samples.forEach((sample, index) => {
    const ms = (profile.timeDeltas[index + 1] ?? profile.timeDeltas[index] ?? 0) / 1000;
    const node = byId.get(sample);
    if (!node) return;
    totalMs += ms;
    if (node.callFrame.functionName === '(idle)') {
      idleMs += ms;
      return;
    }
    add(selfArea, areaOf(node.callFrame), ms);
    add(selfFunction, functionLabel(node.callFrame), ms);
    const areas = new Set<string>();
    const functions = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const frame = byId.get(id)?.callFrame;
      if (!frame || frame.functionName === '(root)') continue;
      areas.add(areaOf(frame));
      functions.add(functionLabel(frame));
    }
    for (const area of areas) add(inclusiveArea, area, ms);
    for (const label of functions) add(inclusiveFunction, label, ms);
  });
  const busy = totalMs - idleMs;
  const rank = (map: Map<string, number>, count: number): Share[] =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([name, ms]) => ({ name, ms, share: ms / busy }));
  return {
    totalMs,
    idleMs,
    selfByArea: rank(selfArea, top),
    inclusiveByArea: rank(inclusiveArea, top),
    selfByFunction: rank(selfFunction, top),
    inclusiveByFunction: rank(inclusiveFunction, top * 2),
  };
}
