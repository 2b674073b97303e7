import { type Fragment, sql } from '../../sql/index.js';

/**
 * Deterministic randomness inside the engine: every draw is a hash of the seed and of
 * keys that name what is drawn (person, session, a constant per decision), so the same
 * seed gives the same data in any chunking, on any engine, in any order.
 *
 * Keys are column names or integer constants written in the generators' code.
 */
type Key = 'pid' | 'si' | 'k' | number | `${string}`;

/** A uniform draw in (0, 1): the top 53 bits of cityHash64(seed, keys…), centred. */
export function u(...keys: Key[]): Fragment {
  return sql.trusted(`((bitShiftRight(cityHash64(seed, ${keys.join(', ')}), 11) + 0.5) / 9007199254740992)`);
}

/** A standard normal draw (Box–Muller) from two keyed uniforms. */
export function normal(a: Key[], b: Key[]): Fragment {
  return sql`(sqrt(-2 * log(${u(...a)})) * cos(2 * pi() * ${u(...b)}))`;
}

/** 1-based bucket of a uniform draw in a cumulative-share array (see `cumulative`). */
export function pick(cumulativeName: string, draw: Fragment): Fragment {
  return sql`arrayFirstIndex(x -> x >= ${draw}, ${sql.trusted(cumulativeName)})`;
}

/** A deterministic UUID from two keyed 64-bit hashes. */
export function uuidOf(...keys: Key[]): Fragment {
  const k = keys.join(', ');
  return sql.trusted(
    `reinterpretAsUUID(concat(reinterpretAsFixedString(cityHash64(seed, ${k}, 1)), reinterpretAsFixedString(cityHash64(seed, ${k}, 2))))`,
  );
}
