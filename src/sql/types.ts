/**
 * The ClickHouse types a typed parameter may carry. The type text goes into the SQL as
 * `{name:Type}`, so it comes from this closed list (code), never from input.
 */
export const PARAM_TYPES = [
  'String',
  'UInt8',
  'UInt16',
  'UInt32',
  'UInt64',
  'Int32',
  'Int64',
  'Float64',
  'Bool',
  'Date',
  "DateTime64(3, 'UTC')",
  'UUID',
  'Array(String)',
  'Array(UUID)',
  'Array(Float64)',
  'Array(Int64)',
  'Array(UInt64)',
  'Array(Date)',
] as const;
export type ParamType = (typeof PARAM_TYPES)[number];

/** A query ready to run: SQL text with `{name:Type}` placeholders and their values. */
export interface CompiledQuery {
  sql: string;
  params: Record<string, unknown>;
}
