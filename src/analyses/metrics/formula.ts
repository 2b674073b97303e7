/**
 * The arithmetic of metric formulas: numbers, identifiers (metric keys, or series letters
 * A–D), + − * /, unary minus and parentheses. Parsed once into a tree; evaluated with
 * null for a missing value or a division by zero, never NaN or Infinity.
 */
export type Expr =
  | { op: 'num'; value: number }
  | { op: 'ref'; name: string }
  | { op: 'neg'; arg: Expr }
  | { op: '+' | '-' | '*' | '/'; left: Expr; right: Expr };

const TOKEN = /\s*(?:(\d+(?:\.\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|([-+*/()]))/y;

/** Parses a formula; throws an Error naming the position of the first problem. */
export function parseFormula(text: string): Expr {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  let pos = 0;
  while (pos < text.length) {
    if (/^\s*$/.test(text.slice(pos))) break;
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(text);
    if (!m) throw new Error(`unexpected character at ${pos + 1}: ${JSON.stringify(text.slice(pos, pos + 10))}`);
    tokens.push((m[1] ?? m[2] ?? m[3])!);
    pos = TOKEN.lastIndex;
  }
  let i = 0;
  const peek = () => tokens[i];
  const expr = (): Expr => {
    let left = term();
    while (peek() === '+' || peek() === '-') {
      const op = tokens[i++] as '+' | '-';
      left = { op, left, right: term() };
    }
    return left;
  };
  const term = (): Expr => {
    let left = unary();
    while (peek() === '*' || peek() === '/') {
      const op = tokens[i++] as '*' | '/';
      left = { op, left, right: unary() };
    }
    return left;
  };
  const unary = (): Expr => {
    if (peek() === '-') {
      i++;
      return { op: 'neg', arg: unary() };
    }
    return atom();
  };
  const atom = (): Expr => {
    const t = tokens[i++];
    if (t === undefined) throw new Error('the formula ends too early');
    if (t === '(') {
      const e = expr();
      if (tokens[i++] !== ')') throw new Error('a parenthesis is not closed');
      return e;
    }
    if (/^\d/.test(t)) return { op: 'num', value: Number(t) };
    if (/^[A-Za-z_]/.test(t)) return { op: 'ref', name: t };
    throw new Error(`unexpected ${JSON.stringify(t)}`);
  };
  const e = expr();
  if (i < tokens.length) throw new Error(`unexpected ${JSON.stringify(tokens[i])}`);
  return e;
}

/** The names a formula refers to, in order of appearance, without repeats. */
export function formulaRefs(e: Expr, out: string[] = []): string[] {
  if (e.op === 'ref') {
    if (!out.includes(e.name)) out.push(e.name);
  } else if (e.op === 'neg') formulaRefs(e.arg, out);
  else if (e.op !== 'num') {
    formulaRefs(e.left, out);
    formulaRefs(e.right, out);
  }
  return out;
}

/** Evaluates with `lookup` for references; null propagates; x / 0 is null. */
export function evaluateFormula(e: Expr, lookup: (name: string) => number | null): number | null {
  switch (e.op) {
    case 'num':
      return e.value;
    case 'ref':
      return lookup(e.name);
    case 'neg': {
      const v = evaluateFormula(e.arg, lookup);
      return v === null ? null : -v;
    }
    default: {
      const a = evaluateFormula(e.left, lookup);
      const b = evaluateFormula(e.right, lookup);
      if (a === null || b === null) return null;
      if (e.op === '+') return a + b;
      if (e.op === '-') return a - b;
      if (e.op === '*') return a * b;
      return b === 0 ? null : a / b;
    }
  }
}

/**
 * A formula of the form `N / D` (optionally times a constant): its numerator and
 * denominator, so a ratio metric can be split into mix and rate effects.
 */
export function ratioParts(e: Expr): { numerator: Expr; denominator: Expr; scale: number } | undefined {
  if (e.op === '*' && e.right.op === 'num') {
    const inner = ratioParts(e.left);
    return inner ? { ...inner, scale: inner.scale * e.right.value } : undefined;
  }
  if (e.op === '/') return { numerator: e.left, denominator: e.right, scale: 1 };
  return undefined;
}

export function formatFormula(e: Expr): string {
  switch (e.op) {
    case 'num':
      return String(e.value);
    case 'ref':
      return e.name;
    case 'neg':
      return `-${formatFormula(e.arg)}`;
    default: {
      const wrap = (x: Expr, right: boolean) => {
        const s = formatFormula(x);
        const low = (x.op === '+' || x.op === '-') && (e.op === '*' || e.op === '/' || (right && e.op === '-'));
        return low || (right && e.op === '/' && (x.op === '*' || x.op === '/')) ? `(${s})` : s;
      };
      return `${wrap(e.left, false)} ${e.op} ${wrap(e.right, true)}`;
    }
  }
}
