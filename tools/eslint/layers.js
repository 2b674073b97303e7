// A lint rule that keeps dependencies pointing down the layers of ARCHITECTURE.md.
// It resolves each relative import of a file under src/ to the layer folder it lands in
// and reports imports the table below does not allow. web/ may import only src/core.
import { dirname, relative, resolve, sep } from 'node:path';

const ALLOWED = {
  core: [],
  config: ['core'],
  sql: ['core'],
  stats: ['core'],
  storage: ['core', 'config', 'sql'],
  ingestion: ['core', 'config', 'sql', 'storage', 'stats'],
  analyses: ['core', 'config', 'sql', 'storage', 'stats'],
  demo: ['core', 'config', 'sql', 'storage', 'stats'],
  goals: ['core', 'config', 'sql', 'storage', 'stats', 'analyses'],
  reports: ['core', 'config', 'sql', 'storage', 'stats', 'analyses', 'goals'],
  app: ['core', 'config', 'sql', 'storage', 'stats', 'ingestion', 'analyses', 'demo', 'goals', 'reports'],
  server: ['core', 'config', 'sql', 'storage', 'stats', 'ingestion', 'analyses', 'demo', 'goals', 'reports', 'app'],
  cli: ['core', 'config', 'sql', 'storage', 'stats', 'ingestion', 'analyses', 'demo', 'goals', 'reports', 'app', 'server'],
};

function layerOf(root, file) {
  const rel = relative(root, file).split(sep);
  if (rel[0] === 'src' && rel.length > 2) return rel[1];
  if (rel[0] === 'web') return 'web';
  return undefined;
}

export const layersRule = {
  meta: {
    type: 'problem',
    docs: { description: 'imports must follow the layer table in ARCHITECTURE.md' },
    schema: [],
    messages: {
      upward: "Layer '{{from}}' may not import from '{{to}}' (see ARCHITECTURE.md: {{from}} may import {{allowed}}).",
    },
  },
  create(context) {
    const root = context.cwd;
    const file = context.filename;
    const from = layerOf(root, file);
    if (!from) return {};
    const check = (node, source) => {
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const target = resolve(dirname(file), source);
      const to = layerOf(root, target);
      if (!to || to === from) return;
      const allowed = from === 'web' ? ['core'] : ALLOWED[from] ?? [];
      if (!allowed.includes(to)) {
        context.report({ node, messageId: 'upward', data: { from, to, allowed: allowed.join(', ') || 'nothing of ours' } });
      }
    };
    return {
      ImportDeclaration: (node) => check(node.source, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value),
      ExportAllDeclaration: (node) => check(node.source, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node.source, node.source.value),
    };
  },
};
