import * as echarts from 'echarts';
import { forwardRef, useEffect, useImperativeHandle, useRef } from 'react';

export type ChartOption = echarts.EChartsOption;

export interface ChartHandle {
  /** The chart as a PNG data URL (white background, 2× pixels). */
  png(): string | null;
}

/** An ECharts chart that follows its container's size and is disposed with the component. */
export const Chart = forwardRef<ChartHandle, { option: ChartOption; height?: number; ariaLabel?: string }>(function Chart(
  { option, height = 320, ariaLabel },
  ref,
) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    if (!el.current) return;
    const c = echarts.init(el.current, undefined, { renderer: 'canvas' });
    chart.current = c;
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(el.current);
    return () => {
      ro.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption({ aria: { enabled: true }, ...option }, { notMerge: true });
  }, [option]);

  useImperativeHandle(ref, () => ({
    png: () => chart.current?.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: '#fff' }) ?? null,
  }));

  return <div ref={el} role="img" aria-label={ariaLabel} style={{ width: '100%', height }} />;
});

/** Downloads a text or data-URL file in the browser. */
export function download(name: string, content: string, type = 'text/csv;charset=utf-8'): void {
  const href = content.startsWith('data:') ? content : URL.createObjectURL(new Blob(['\ufeff' + content], { type }));
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  if (!content.startsWith('data:')) setTimeout(() => URL.revokeObjectURL(href), 1000);
}

/** Rows → CSV (RFC 4180 quoting). */
export function toCsv(rows: (string | number | null | undefined)[][]): string {
  return rows
    .map((r) =>
      r
        .map((v) => {
          const s = v === null || v === undefined ? '' : String(v);
          return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
        })
        .join(','),
    )
    .join('\r\n');
}
