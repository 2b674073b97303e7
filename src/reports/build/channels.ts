import { ANALYSES } from '../../analyses/registry.js';
import type { ChannelsResult } from '../../analyses/channels/index.js';
import type { ReportData } from '../data.js';
import type { BuildContext } from './context.js';

/** The channel table for the period (spend joined to behaviour by first touch). */
export async function channelStage(ctx: BuildContext, data: ReportData): Promise<void> {
  const analysis = ANALYSES.channels;
  if (!analysis) return;
  const spec = analysis.schema.parse({
    kind: 'channels',
    dateRange: { from: ctx.period.fromDate, to: ctx.period.toDate },
    ...(ctx.settings.conversionEvent ? { conversionEvent: ctx.settings.conversionEvent } : {}),
  });
  const r = (await analysis.run(spec, ctx.analysis, ctx.engine)) as ChannelsResult;
  data.channels = r.rows
    .filter((row) => row.metrics.spend > 0 || row.metrics.newPersons > 0)
    .sort((a, b) => b.metrics.spend - a.metrics.spend || b.metrics.newPersons - a.metrics.newPersons)
    .slice(0, 20)
    .map((row) => ({
      channel: row.channel || '(none)',
      spend: row.metrics.spend,
      impressions: row.metrics.impressions,
      clicks: row.metrics.clicks,
      ctr: row.metrics.ctr,
      cpc: row.metrics.cpc,
      newPersons: row.metrics.newPersons,
      conversions: row.metrics.conversions,
      cpa: row.metrics.spend > 0 ? row.metrics.cpa : null,
      revenue: row.metrics.revenue,
      roas: row.metrics.roas,
    }));
  for (const c of data.channels) {
    // Rounded to what the table shows, so the warning never says 1.00x is below 1.
    if (c.roas !== null && Math.round(c.roas * 100) < 100 && c.spend > 0) {
      data.warnings.push({
        kind: 'channel_roas',
        text: {
          'zh-CN': `渠道 ${c.channel} 的 ROAS 为 ${c.roas.toFixed(2)}x（收入/消耗 < 1），投放在亏钱。`,
          'en-US': `Channel ${c.channel} has a ROAS of ${c.roas.toFixed(2)}x (revenue / spend below 1): its spend is losing money.`,
        },
      });
    }
  }
}
