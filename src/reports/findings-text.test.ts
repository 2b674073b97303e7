import { describe, expect, it } from 'vitest';
import type { Finding } from '../analyses/explain/findings.js';
import { findingText } from './findings-text.js';

const metric = { name: { 'zh-CN': '新增用户', 'en-US': 'New persons' }, format: 'integer' as const, isRate: false };

function adtributor(surprise: number): Finding {
  return {
    kind: 'adtributor',
    metric: 'new_persons',
    dimension: 'channel',
    numbers: { surprise, explanatoryPower: 0.889, forecast: 664041, actual: 577782, elements: 5 },
    basis: { kind: 'previous_period', current: { fromDate: '2026-10-01', toDate: '2026-11-20' }, comparison: { fromDate: '2026-07-01', toDate: '2026-08-20' } },
    method: { name: 'adtributor', reference: 'Bhagwan et al., NSDI 2014' },
    reproduce: { call: 'explainChange', args: {}, queries: [] },
  };
}

describe('finding sentences', () => {
  it('keeps two significant digits of a tiny Adtributor surprise instead of printing 0.000', () => {
    // A change spread evenly over the channels: JS divergence 4.947e-6 (the 100 M demo's
    // quarter) → "4.9e-6"; three decimals would say 0.000, as if nothing had moved.
    const tiny = findingText(adtributor(4.947281319494465e-6), metric);
    expect(tiny.sentence['zh-CN']).toContain('惊奇度 4.9e-6，解释力 88.9%');
    expect(tiny.sentence['en-US']).toContain('surprise 4.9e-6, explanatory power 88.9%');
    // Larger values keep three decimals; exactly zero stays 0.000.
    expect(findingText(adtributor(0.1234), metric).sentence['en-US']).toContain('surprise 0.123,');
    expect(findingText(adtributor(0), metric).sentence['en-US']).toContain('surprise 0.000,');
  });
});
