import { describe, expect, it } from 'vitest';
import { normaliseHeader } from './kinds.js';
import { parseMapOption, resolveMapping } from './mapping.js';
import { orderStatus } from './schemas.js';
import { inferScalar, parseCurrency, parseDay, parseNumber, parseTimestamp } from './values.js';
import { sniffDelimiter, uniqueHeaders } from './readers/csv.js';

describe('cell values', () => {
  it('numbers as exports write them', () => {
    expect(parseNumber('1,234.50')).toBe(1234.5);
    expect(parseNumber('¥12.5')).toBe(12.5);
    expect(parseNumber('12.5元')).toBe(12.5);
    expect(parseNumber('(3.5)')).toBe(-3.5);
    expect(parseNumber(' 7 ')).toBe(7);
    expect(parseNumber(7n)).toBe(7);
    expect(parseNumber('1e3')).toBe(1000);
    expect(parseNumber('abc')).toBeUndefined();
    expect(parseNumber('1.2.3')).toBeUndefined();
    expect(parseNumber('')).toBeUndefined();
    expect(parseNumber(Number.NaN)).toBeUndefined();
  });

  it('days', () => {
    expect(parseDay('2024-01-05')).toBe('2024-01-05');
    expect(parseDay('2024/1/5')).toBe('2024-01-05');
    expect(parseDay('2024年1月5日')).toBe('2024-01-05');
    expect(parseDay('20240105')).toBe('2024-01-05');
    expect(parseDay('2024-01-05T23:30:00+08:00')).toBe('2024-01-05');
    expect(parseDay(new Date(Date.UTC(2024, 0, 5)))).toBe('2024-01-05');
    expect(parseDay('2024-02-30')).toBeUndefined();
    expect(parseDay('05/01/2024')).toBeUndefined();
  });

  it('timestamps: local times in the project time zone, offsets honoured, epochs', () => {
    expect(parseTimestamp('2024-03-01 09:00:00', 'Asia/Shanghai')).toBe('2024-03-01T01:00:00.000Z');
    expect(parseTimestamp('2024/3/1 9:00', 'Asia/Shanghai')).toBe('2024-03-01T01:00:00.000Z');
    expect(parseTimestamp('2024年3月1日 09:00:00', 'Asia/Shanghai')).toBe('2024-03-01T01:00:00.000Z');
    expect(parseTimestamp('2024-03-01T09:00:00.123456Z', 'Asia/Shanghai')).toBe('2024-03-01T09:00:00.123Z');
    expect(parseTimestamp('2024-03-01 09:00:00+0530', 'UTC')).toBe('2024-03-01T03:30:00.000Z');
    expect(parseTimestamp('2024-03-01', 'Asia/Shanghai')).toBe('2024-02-29T16:00:00.000Z');
    expect(parseTimestamp('1709254800', 'UTC')).toBe('2024-03-01T01:00:00.000Z');
    expect(parseTimestamp(1709254800000, 'UTC')).toBe('2024-03-01T01:00:00.000Z');
    expect(parseTimestamp(new Date('2024-03-01T01:00:00Z'), 'Asia/Shanghai')).toBe('2024-03-01T01:00:00.000Z');
    // Daylight saving: New York is UTC-5 in winter, UTC-4 in summer.
    expect(parseTimestamp('2024-01-15 12:00:00', 'America/New_York')).toBe('2024-01-15T17:00:00.000Z');
    expect(parseTimestamp('2024-07-15 12:00:00', 'America/New_York')).toBe('2024-07-15T16:00:00.000Z');
    expect(parseTimestamp('yesterday', 'UTC')).toBeUndefined();
    expect(parseTimestamp('2024-13-01 00:00:00', 'UTC')).toBeUndefined();
    expect(parseTimestamp('2024-01-01 25:00:00', 'UTC')).toBeUndefined();
    expect(parseTimestamp('1960-01-01', 'UTC')).toBeUndefined();
  });

  it('currencies', () => {
    expect(parseCurrency('cny')).toBe('CNY');
    expect(parseCurrency('人民币')).toBe('CNY');
    expect(parseCurrency('RMB')).toBe('CNY');
    expect(parseCurrency('美元')).toBe('USD');
    expect(parseCurrency('dollars')).toBeUndefined();
  });

  it('property values from text cells: plain numbers and booleans typed, ids kept as text', () => {
    expect(inferScalar('12.5')).toBe(12.5);
    expect(inferScalar('-3')).toBe(-3);
    expect(inferScalar('007')).toBe('007');
    expect(inferScalar('13800138000123456')).toBe('13800138000123456');
    expect(inferScalar('true')).toBe(true);
    expect(inferScalar(' 上海 ')).toBe('上海');
    expect(inferScalar('')).toBeUndefined();
  });

  it('order status convention', () => {
    expect(orderStatus(undefined, 10)).toBe('paid');
    expect(orderStatus('', -10)).toBe('refunded');
    expect(orderStatus('Paid', 10)).toBe('paid');
    expect(orderStatus('已支付', 10)).toBe('paid');
    expect(orderStatus('partially refunded', 10)).toBe('refunded');
    expect(orderStatus('已退款', 10)).toBe('refunded');
    expect(orderStatus('已取消', 10)).toBe('skipped');
    expect(orderStatus('pending', 10)).toBe('skipped');
    expect(orderStatus('lost in the mail', 10)).toBe('unknown');
  });
});

describe('headers and mapping', () => {
  it('normalises headers', () => {
    expect(normaliseHeader('消耗(元)')).toBe('消耗');
    expect(normaliseHeader('花费（元）')).toBe('花费');
    expect(normaliseHeader('Amount Spent (USD)')).toBe('amount_spent');
    expect(normaliseHeader('Distinct ID')).toBe('distinct_id');
    expect(normaliseHeader('用户ＩＤ')).toBe('用户id');
    expect(normaliseHeader('properties.Plan Name')).toBe('properties.plan name');
  });

  it('detects the delimiter and de-duplicates headers', () => {
    expect(sniffDelimiter('a,b,c')).toBe(',');
    expect(sniffDelimiter('a\tb\tc')).toBe('\t');
    expect(sniffDelimiter('"a;b",c;d;e')).toBe(';');
    expect(uniqueHeaders(['\uFEFFa', 'a', '', ' b '])).toEqual(['a', 'a (2)', 'column_3', 'b']);
  });

  it('picks default aliases in order and leaves the rest as properties', () => {
    const m = resolveMapping('orders', ['订单编号', '下单时间', '支付时间', '买家ID', '实付款', '备注'], new Map(), { file: 'f', inferTypes: true });
    expect(m.fields).toEqual({ order_id: '订单编号', distinct_id: '买家ID', timestamp: '支付时间', revenue: '实付款' });
    expect(m.extras).toEqual(['下单时间', '备注']);
    expect(m.apply({ 订单编号: 'o1', 下单时间: 'x', 支付时间: 't', 买家ID: 'u', 实付款: '1', 备注: '' })).toEqual({
      fields: { order_id: 'o1', timestamp: 't', distinct_id: 'u', revenue: '1' },
      properties: { 下单时间: 'x' },
    });
  });

  it('ad spend ignores unknown columns', () => {
    const m = resolveMapping('spend', ['日期', '渠道', '花费', '转化数'], new Map(), { file: 'f', inferTypes: true });
    expect(m.ignored).toEqual(['转化数']);
    expect(m.apply({ 日期: 'd', 渠道: 'c', 花费: '1', 转化数: '9' }).properties).toEqual({});
  });

  it('event columns: properties.*, $set.*, a properties JSON column', () => {
    const m = resolveMapping('events', ['event', 'distinct_id', 'timestamp', 'properties', 'properties.plan', '$set.email', '$set_once.first'], new Map(), {
      file: 'f',
      inferTypes: true,
    });
    expect(m.apply({ event: 'e', distinct_id: 'd', timestamp: 't', properties: '{"a":1}', 'properties.plan': 'pro', '$set.email': 'x@y', '$set_once.first': '1' })).toEqual({
      fields: { event: 'e', distinct_id: 'd', timestamp: 't', properties: '{"a":1}' },
      properties: { plan: 'pro' },
      set: { email: 'x@y' },
      setOnce: { first: 1 },
    });
  });

  it('--map parsing', () => {
    expect([...parseMapOption(['event=事件，distinct_id=用户', 'properties.city=城市'], 'events')]).toEqual([
      ['event', '事件'],
      ['distinct_id', '用户'],
      ['properties.city', '城市'],
    ]);
    expect(() => parseMapOption(['properties.city=城市'], 'spend')).toThrow(/unknown target/);
    expect(() => parseMapOption(['event=a', 'event=b'], 'events')).toThrow(/mapped twice/);
    expect(() => parseMapOption(['event='], 'events')).toThrow(/target=column/);
  });

  it('names the missing columns and how to map them', () => {
    try {
      resolveMapping('spend', ['day', 'foo'], new Map(), { file: 'x.csv', inferTypes: true });
      expect.unreachable();
    } catch (e) {
      expect((e as { code: string }).code).toBe('import_columns_missing');
      expect((e as Error).message).toContain('channel, cost');
      expect((e as Error).message).toContain('--map date=日期');
    }
  });
});
