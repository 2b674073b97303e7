import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './load.js';

describe('loadConfig', () => {
  it('uses defaults, then the file, then env, then flags', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fupan-cfg-'));
    const file = join(dir, 'fupan.config.json');
    writeFileSync(file, JSON.stringify({ port: 9000, dataDir: '/from/file', lang: 'en-US' }));
    const config = loadConfig({ file, env: { FUPAN_PORT: '9100', FUPAN_DATA_DIR: '/from/env' }, flags: { dataDir: '/from/flag' } });
    expect(config).toMatchObject({ port: 9100, dataDir: '/from/flag', lang: 'en-US', host: '127.0.0.1', strictIngest: false });
    expect(loadConfig({ env: {} }).dataDir).toBe('./fupan-data');
  });

  it('names the setting, its source and what is allowed', () => {
    expect(() => loadConfig({ env: { FUPAN_PORT: 'eighty' } })).toThrow(/`port` \(from environment variable FUPAN_PORT\): expected a port number/);
    expect(() => loadConfig({ flags: { port: 70000 } })).toThrow(/`port` \(from flag --port\): expected 0–65535/);
    expect(() => loadConfig({ env: { FUPAN_CLICKHOUSE_URL: 'ftp://x' } })).toThrow(/clickhouseUrl.*http\(s\):\/\//);
    expect(() => loadConfig({ env: { FUPAN_LANG: 'fr' } })).toThrow(/`lang`.*zh-CN, en-US/);
  });

  it('rejects unknown keys and unreadable files in the config file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fupan-cfg-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ prot: 1 }));
    expect(() => loadConfig({ file: bad })).toThrow(/unknown setting\(s\) prot/);
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{ nope');
    expect(() => loadConfig({ file: broken })).toThrow(/cannot read it as JSON/);
  });

  it('gives messages in Chinese too', () => {
    try {
      loadConfig({ env: { FUPAN_PORT: '-1' } });
    } catch (e) {
      expect((e as { messageIn(l: string): string }).messageIn('zh-CN')).toMatch(/配置项 `port` 无效/);
    }
  });
});
