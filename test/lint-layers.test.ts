import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/** The layer rule in tools/eslint/layers.js rejects imports that point up the layers. */
describe('lint: one-directional layers', () => {
  const eslint = new ESLint({ cwd: process.cwd() });
  const lint = async (file: string, code: string) => {
    const [result] = await eslint.lintText(code, { filePath: file });
    return (result?.messages ?? []).filter((m) => m.ruleId === 'fupan/layers').map((m) => m.message);
  };

  it('refuses core importing storage, and storage importing the server', async () => {
    expect(await lint('src/core/x.ts', "import { openStorage } from '../storage/open.js';\nexport const x = openStorage;\n")).toEqual([
      "Layer 'core' may not import from 'storage' (see ARCHITECTURE.md: core may import nothing of ours).",
    ]);
    expect(await lint('src/storage/x.ts', "export { buildServer } from '../server/app.js';\n")).toHaveLength(1);
    expect(await lint('web/src/x.ts', "import { runQuery } from '../../src/app/query.js';\nexport const q = runQuery;\n")).toHaveLength(1);
  });

  it('allows imports down the layers', async () => {
    expect(await lint('src/cli/x.ts', "import { runQuery } from '../app/query.js';\nexport const q = runQuery;\n")).toEqual([]);
    expect(await lint('src/analyses/x.ts', "import { sql } from '../sql/index.js';\nexport const s = sql;\n")).toEqual([]);
  });
});
