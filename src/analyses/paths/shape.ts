import { FupanError } from '../../core/errors/index.js';
import type { ResultDefinition } from '../shared/definition.js';
import { MAX_PATH_ROWS } from './compile.js';

export const OTHER_EVENT = '$other';

export interface PathNode {
  /** `step:event`, unique in the result. */
  id: string;
  /** 0 = the anchor; k = the k-th event after (before) it. */
  step: number;
  event: string;
  persons: number;
  /** Persons whose path ends at this node (no further event within the window). */
  dropOff: number;
}

export interface PathEdge {
  source: string;
  target: string;
  persons: number;
}

export interface PathsResult {
  nodes: PathNode[];
  edges: PathEdge[];
  definition: ResultDefinition;
}

export interface PathRow {
  step: number;
  src: string;
  dst: string;
  persons: number;
}

/**
 * Edge rows → Sankey nodes and edges. Per step only the `nodesPerStep` events with the
 * most persons keep their name; the rest are merged into `$other` (nodes and edges alike).
 */
export function shapePaths(rows: readonly PathRow[], nodesPerStep: number): Omit<PathsResult, 'definition'> {
  if (rows.length > MAX_PATH_ROWS) {
    throw new FupanError('too_expensive', { problem: `more than ${MAX_PATH_ROWS} distinct path edges`, hint: 'Filter the events / 请用 events 或 exclude 缩小事件范围' });
  }
  const totals = new Map<string, number>();
  for (const r of rows) totals.set(`${r.step}\u0000${r.src}`, (totals.get(`${r.step}\u0000${r.src}`) ?? 0) + Number(r.persons));
  const keep = new Set<string>();
  const steps = new Set(rows.map((r) => Number(r.step)));
  for (const step of steps) {
    [...totals.entries()]
      .filter(([k]) => k.startsWith(`${step}\u0000`))
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, nodesPerStep)
      .forEach(([k]) => keep.add(k));
  }
  const name = (step: number, event: string) => (keep.has(`${step}\u0000${event}`) ? event : OTHER_EVENT);
  const nodes = new Map<string, PathNode>();
  const edges = new Map<string, PathEdge>();
  for (const r of rows) {
    const step = Number(r.step);
    const persons = Number(r.persons);
    const from = name(step, r.src);
    const id = `${step}:${from}`;
    const node = nodes.get(id) ?? { id, step, event: from, persons: 0, dropOff: 0 };
    node.persons += persons;
    if (r.dst === '') node.dropOff += persons;
    nodes.set(id, node);
    if (r.dst !== '') {
      const target = `${step + 1}:${name(step + 1, r.dst)}`;
      const e = edges.get(`${id}>${target}`) ?? { source: id, target, persons: 0 };
      e.persons += persons;
      edges.set(`${id}>${target}`, e);
    }
  }
  const byStep = (a: { persons: number }, b: { persons: number }) => b.persons - a.persons;
  return {
    nodes: [...nodes.values()].sort((a, b) => a.step - b.step || byStep(a, b) || a.event.localeCompare(b.event)),
    edges: [...edges.values()].sort((a, b) => a.source.localeCompare(b.source) || byStep(a, b)),
  };
}
