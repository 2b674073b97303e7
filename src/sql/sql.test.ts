import { describe, expect, it } from 'vitest';
import { compile, ident, p, sql } from './sql.js';

describe('sql kit', () => {
  it('turns values into typed parameters, numbered in order across fragments', () => {
    const where = sql`event = ${p.string("x'); DROP TABLE events; --")}`;
    const q = compile(sql`SELECT count() FROM events WHERE project_id = ${p.string('demo')} AND ${where} LIMIT ${p.uint32(10)}`);
    expect(q).toEqual({
      sql: 'SELECT count() FROM events WHERE project_id = {p0:String} AND event = {p1:String} LIMIT {p2:UInt32}',
      params: { p0: 'demo', p1: "x'); DROP TABLE events; --", p2: 10 },
    });
  });

  it('refuses raw values in the template', () => {
    // @ts-expect-error a raw string is not a SqlValue
    expect(() => sql`SELECT ${'1; DROP TABLE x'}`).toThrow(/not a Param, Ident or Fragment/);
  });

  it('allows identifiers only from the allow-list', () => {
    expect(compile(sql`SELECT ${ident('channel', ['channel', 'region'])}`).sql).toBe('SELECT `channel`');
    expect(() => ident('channel`; DROP', ['channel'])).toThrow(/allow-list/);
  });

  it('validates parameter values', () => {
    expect(() => p.uint32(-1)).toThrow();
    expect(() => p.date('2025-01-01; x')).toThrow();
    expect(() => p.date("2025-01-01'")).toThrow();
    expect(() => p.float64(Number.NaN)).toThrow();
    expect(p.dateTime('2025-07-01T08:00:00+08:00').value).toBe('2025-07-01 00:00:00.000');
  });

  it('joins fragments', () => {
    expect(compile(sql.join([sql`a = ${p.uint32(1)}`, sql`b = ${p.uint32(2)}`], ' AND ')).sql).toBe('a = {p0:UInt32} AND b = {p1:UInt32}');
  });
});
