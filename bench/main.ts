/**
 * Benchmark dispatcher: `npm run bench -- <name> [options]`. Each benchmark is a module in
 * this folder exporting `run(args)`; add yours to the table.
 */
const BENCHES: Record<string, () => Promise<{ run(args: string[]): Promise<void> }>> = {
  ingest: () => import('./ingest.js'),
  analyses: () => import('./analyses.js'),
  import: () => import('./import.js'),
  report: () => import('./report.js'),
};

const [name, ...args] = process.argv.slice(2);
const load = name ? BENCHES[name] : undefined;
if (!load) {
  console.error(`usage: npm run bench -- <${Object.keys(BENCHES).join('|')}> [options]`);
  process.exit(2);
}
await (await load()).run(args);
