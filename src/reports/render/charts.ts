import * as echarts from 'echarts';
import type { Lang } from '../../core/lang.js';
import { label } from '../labels.js';
import type { FunnelBlock, TrendChart } from '../model.js';

/**
 * Charts as SVG strings through ECharts' server-side renderer: no browser is needed, and
 * the HTML report stays one self-contained file.
 */
function render(option: echarts.EChartsOption, width = 640, height = 260): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, textStyle: { fontFamily: 'Noto Sans CJK SC, PingFang SC, Microsoft YaHei, sans-serif' }, ...option });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/** This period against the previous one, aligned by position (day 1 with day 1). */
export function trendChartSvg(chart: TrendChart, lang: Lang): string {
  return render({
    title: { text: chart.title, left: 0, textStyle: { fontSize: 13 } },
    legend: { right: 0, top: 0, data: [label(lang, 'thisPeriod'), label(lang, 'lastPeriod')] },
    grid: { left: 48, right: 16, top: 36, bottom: 28 },
    xAxis: { type: 'category', data: chart.current.points.map((p) => p.x.slice(5)) },
    yAxis: { type: 'value', axisLabel: chart.format === 'percent' ? { formatter: (v: number) => `${Math.round(v * 100)}%` } : {} },
    series: [
      { name: label(lang, 'thisPeriod'), type: 'line', data: chart.current.points.map((p) => p.y), symbolSize: 4, lineStyle: { width: 2 } },
      { name: label(lang, 'lastPeriod'), type: 'line', data: chart.previous.points.map((p) => p.y), symbolSize: 3, lineStyle: { type: 'dashed', width: 1 } },
    ],
  });
}

/** Step counts as bars, the biggest drop highlighted. */
export function funnelChartSvg(funnel: FunnelBlock, lang: Lang): string {
  return render(
    {
      title: { text: funnel.title, left: 0, textStyle: { fontSize: 13 } },
      grid: { left: 48, right: 16, top: 36, bottom: 40 },
      xAxis: { type: 'category', data: funnel.steps.map((s) => s.label), axisLabel: { interval: 0 } },
      yAxis: { type: 'value', name: label(lang, 'persons') },
      series: [
        {
          type: 'bar',
          data: funnel.steps.map((s, i) => ({ value: s.count, itemStyle: { color: i === funnel.biggestDropStep ? '#d4380d' : '#1677ff' } })),
          label: { show: true, position: 'top' },
        },
      ],
    },
    640,
    240,
  );
}
