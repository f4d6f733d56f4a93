// The state graph of an execution, drawn from its ASL definition as inline SVG, the way the Step
// Functions console shows it: Start, the top-level states in layers from top to bottom, End, with
// each state coloured by what happened to it (from the server's reading of the history).
// Parallel and Map states are drawn as one node; their inner states appear in the step table.
import { s } from './dom.js';

const nodeW = 190;
const nodeH = 42;
const gapX = 36;
const gapY = 46;
const margin = 24;
const start = '\u0000start';
const end = '\u0000end';

/** The transitions out of a state: [{ to, kind }] with kind next | choice | default | catch | end. */
function transitions(state) {
  const out = [];
  if (state.Type === 'Choice') {
    for (const rule of state.Choices ?? []) out.push({ to: rule.Next, kind: 'choice' });
    if (state.Default) out.push({ to: state.Default, kind: 'default' });
  } else if (state.Next) {
    out.push({ to: state.Next, kind: 'next' });
  }
  for (const catcher of state.Catch ?? []) out.push({ to: catcher.Next, kind: 'catch' });
  if (state.End === true || state.Type === 'Succeed' || state.Type === 'Fail')
    out.push({ to: end, kind: 'end' });
  return out;
}

/**
 * Lays the definition out: nodes with x, y and edges between them. Back edges (loops) are found
 * by a depth-first walk from StartAt and routed around the right side; the other edges form a
 * DAG whose longest path from Start gives each node its layer.
 */
export function layoutMachine(definition) {
  const states = definition.States ?? {};
  const names = Object.keys(states);
  const edges = [{ from: start, to: definition.StartAt, kind: 'next' }];
  for (const name of names) {
    const seen = new Set();
    for (const t of transitions(states[name])) {
      if (!t.to || seen.has(`${t.to}/${t.kind}`)) continue;
      seen.add(`${t.to}/${t.kind}`);
      edges.push({ from: name, to: t.to, kind: t.kind });
    }
  }
  const outgoing = new Map();
  for (const edge of edges) {
    if (!outgoing.has(edge.from)) outgoing.set(edge.from, []);
    outgoing.get(edge.from).push(edge);
  }

  // Depth-first from Start: an edge to a node still on the stack closes a loop.
  const order = [];
  const onStack = new Set();
  const visited = new Set();
  const visit = (node) => {
    visited.add(node);
    onStack.add(node);
    order.push(node);
    for (const edge of outgoing.get(node) ?? []) {
      if (onStack.has(edge.to)) edge.back = true;
      else if (!visited.has(edge.to)) visit(edge.to);
    }
    onStack.delete(node);
  };
  visit(start);
  for (const name of names) if (!visited.has(name)) visit(name);
  if (!visited.has(end)) order.push(end);

  // Longest path over forward edges, in topological order (Kahn).
  const rank = new Map(order.map((node) => [node, 0]));
  const indegree = new Map(order.map((node) => [node, 0]));
  for (const edge of edges) if (!edge.back) indegree.set(edge.to, (indegree.get(edge.to) ?? 0) + 1);
  const ready = order.filter((node) => (indegree.get(node) ?? 0) === 0);
  while (ready.length > 0) {
    const node = ready.shift();
    for (const edge of outgoing.get(node) ?? []) {
      if (edge.back) continue;
      rank.set(edge.to, Math.max(rank.get(edge.to) ?? 0, (rank.get(node) ?? 0) + 1));
      indegree.set(edge.to, indegree.get(edge.to) - 1);
      if (indegree.get(edge.to) === 0) ready.push(edge.to);
    }
  }
  // End sits alone on the last layer.
  const last = Math.max(0, ...[...rank.entries()].filter(([n]) => n !== end).map(([, r]) => r));
  rank.set(end, last + 1);

  // Layers, ordered by the mean position of each node's parents (one barycentre sweep).
  const layers = [];
  for (const node of order) {
    const r = rank.get(node) ?? 0;
    (layers[r] ??= []).push(node);
  }
  const position = new Map();
  layers.forEach((layer, r) => {
    if (r > 0) {
      const parentsOf = (node) =>
        edges
          .filter((e) => e.to === node && !e.back && position.has(e.from))
          .map((e) => position.get(e.from));
      const key = (node) => {
        const parents = parentsOf(node);
        return parents.length === 0
          ? Infinity
          : parents.reduce((a, b) => a + b, 0) / parents.length;
      };
      layer.sort((a, b) => key(a) - key(b));
    }
    layer.forEach((node, i) => position.set(node, i - (layer.length - 1) / 2));
  });

  const widest = Math.max(...layers.map((layer) => layer.length));
  const width = margin * 2 + widest * nodeW + (widest - 1) * gapX + 80;
  const centre = margin + (widest * nodeW + (widest - 1) * gapX) / 2;
  const nodes = order.map((node) => {
    const small = node === start || node === end;
    const w = small ? 72 : nodeW;
    const h = small ? 30 : nodeH;
    const cx = centre + (position.get(node) ?? 0) * (nodeW + gapX);
    const y = margin + (rank.get(node) ?? 0) * (nodeH + gapY) + (small ? (nodeH - h) / 2 : 0);
    return {
      id: node,
      label: node === start ? 'Start' : node === end ? 'End' : node,
      type: states[node]?.Type ?? (small ? 'Terminal' : 'Unknown'),
      x: cx - w / 2,
      y,
      w,
      h,
    };
  });
  const height = margin * 2 + layers.length * nodeH + (layers.length - 1) * gapY;
  return { nodes, edges, width, height };
}

function edgePath(from, to, back, width) {
  if (back || to.y <= from.y) {
    // Around the right side of the graph, back up to the target's right edge.
    const x1 = from.x + from.w;
    const y1 = from.y + from.h / 2;
    const x2 = to.x + to.w;
    const y2 = to.y + to.h / 2;
    const far = Math.min(width - 8, Math.max(x1, x2) + 50);
    return `M${x1},${y1} C${far},${y1} ${far},${y2} ${x2 + 6},${y2}`;
  }
  const x1 = from.x + from.w / 2;
  const y1 = from.y + from.h;
  const x2 = to.x + to.w / 2;
  const y2 = to.y - 4;
  const dy = (y2 - y1) / 2;
  return `M${x1},${y1} C${x1},${y1 + dy} ${x2},${y2 - dy} ${x2},${y2}`;
}

/**
 * Draws the graph. `states` maps a state name to { status, retries, visits, error } for the
 * states that were entered; every other state is "not reached". `onSelect(name)` is called when
 * a state is clicked. `path` lists the states in the order they were entered, so the transitions
 * that happened are drawn darker than the ones that could have.
 */
export function renderGraph(definition, states, onSelect, path = []) {
  const layout = layoutMachine(definition);
  // Transitions that happened: consecutive steps, from Start to the first, from the last to End.
  const taken = new Set();
  let previous = start;
  for (const name of path) {
    taken.add(`${previous}\u0001${name}`);
    previous = name;
  }
  const last = path[path.length - 1];
  if (last !== undefined && states[last]?.status !== 'running') taken.add(`${last}\u0001${end}`);
  const byId = new Map(layout.nodes.map((node) => [node.id, node]));
  const svg = s('svg', {
    viewBox: `0 0 ${layout.width} ${layout.height}`,
    width: layout.width,
    height: layout.height,
    class: 'graph',
    role: 'img',
    'aria-label': 'State graph',
  });
  svg.append(
    s(
      'defs',
      {},
      s(
        'marker',
        {
          id: 'arrow',
          viewBox: '0 0 10 10',
          refX: 9,
          refY: 5,
          markerWidth: 7,
          markerHeight: 7,
          orient: 'auto-start-reverse',
        },
        s('path', { d: 'M0,0 L10,5 L0,10 z', class: 'arrowhead' }),
      ),
    ),
  );
  for (const edge of layout.edges) {
    const from = byId.get(edge.from);
    const to = byId.get(edge.to);
    if (!from || !to) continue;
    const wasTaken = taken.has(`${edge.from}\u0001${edge.to}`);
    svg.append(
      s('path', {
        d: edgePath(from, to, edge.back, layout.width),
        class: `edge edge-${edge.kind}${wasTaken ? ' edge-taken' : ''}`,
        'marker-end': 'url(#arrow)',
      }),
    );
  }
  for (const node of layout.nodes) {
    const outcome = states[node.id];
    const terminal = node.id === start || node.id === end;
    const status = terminal ? 'terminal' : (outcome?.status ?? 'not-reached');
    const group = s('g', {
      class: `node status-${status}${node.type === 'Map' || node.type === 'Parallel' ? ' node-group' : ''}`,
      'data-state': terminal ? undefined : node.id,
      'data-status': terminal ? undefined : status,
      'data-retries': outcome ? outcome.retries : undefined,
      transform: `translate(${node.x},${node.y})`,
      tabindex: terminal ? undefined : 0,
    });
    group.append(
      s('rect', { width: node.w, height: node.h, rx: terminal ? node.h / 2 : 6 }),
      s('text', {
        x: node.w / 2,
        y: terminal ? node.h / 2 + 4 : 19,
        'text-anchor': 'middle',
        class: 'label',
        text: node.label.length > 24 ? `${node.label.slice(0, 23)}…` : node.label,
      }),
    );
    if (!terminal) {
      group.append(
        s('text', {
          x: node.w / 2,
          y: 35,
          'text-anchor': 'middle',
          class: 'sublabel',
          text: `${node.type} · ${status.replace('-', ' ')}`,
        }),
        s('title', {
          text: `${node.id} (${node.type}): ${status}${outcome?.retries ? `, retried ${outcome.retries}×` : ''}${outcome?.error ? `, ${outcome.error}` : ''}`,
        }),
      );
      if (outcome?.retries) {
        group.append(
          s(
            'g',
            { class: 'retry-badge', transform: `translate(${node.w - 30},-9)` },
            s('rect', { width: 38, height: 18, rx: 9 }),
            s('text', { 'text-anchor': 'middle', x: 19, y: 13, text: `↻${outcome.retries}` }),
          ),
        );
      }
      if (onSelect) {
        group.addEventListener('click', () => onSelect(node.id));
        group.addEventListener('keydown', (event) => {
          if (event.key === 'Enter') onSelect(node.id);
        });
      }
    }
    svg.append(group);
  }
  return svg;
}

/** The legend of graph colours. */
export const legend = [
  ['succeeded', 'Succeeded'],
  ['retried', 'Retried, then succeeded'],
  ['caught', 'Caught error'],
  ['failed', 'Failed'],
  ['running', 'In progress'],
  ['aborted', 'Aborted'],
  ['not-reached', 'Not reached'],
];
