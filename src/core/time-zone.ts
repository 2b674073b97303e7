/**
 * Formatters by time zone, made once: building an Intl.DateTimeFormat costs tens of
 * microseconds, and a report converts thousands of instants (its profile showed ~1.3 s).
 */
const partsFormats = new Map<string, Intl.DateTimeFormat>();

function partsFormat(timeZone: string): Intl.DateTimeFormat {
  let f = partsFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partsFormats.set(timeZone, f);
  }
  return f;
}

/**
 * The offset of an IANA zone from UTC at the instant `utcMs` (whole seconds), in
 * milliseconds (Asia/Shanghai: 28,800,000). Used by the analyses (local days) and the file
 * importers (wall-clock times without an offset).
 */
export function zoneOffsetMs(utcMs: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const p of partsFormat(timeZone).formatToParts(new Date(utcMs))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const asUtc = Date.UTC(parts['year']!, parts['month']! - 1, parts['day']!, parts['hour']!, parts['minute']!, parts['second']!);
  return asUtc - Math.floor(utcMs / 1000) * 1000;
}
