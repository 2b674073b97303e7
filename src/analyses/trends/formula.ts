/**
 * Formulas across series (`"A / B * 100"`), parsed here and evaluated in JS on the shaped
 * series: a formula never reaches SQL. Grammar (usual precedence, left associative):
 *
 *   expr   := term (('+' | '-') term)*
 *   term   := factor (('*' | '/' | '×' | '÷') factor)*
 *   factor := ('-' | '+') factor | number | letter | '(' expr ')'
 *
 * Letters A–T name the series in order (A = the first). Division by zero, and any
 * operand that is null (no value in that bucket), give null rather than Infinity / NaN.
 */

export type Node =
  | { type: 'num'; value: number }
  | { type: 'ref'; letter: string }
  | { type: 'neg'; arg: Node }
  | { type: 'bin'; op: '+' | '-' | '*' | '/'; left: Node; right: Node };

export interface Formula {
  ast: Node;
  /** The series letters the formula uses, e.g. ['A', 'B']. */
  letters: string[];
}

const MAX_DEPTH = 50;

/**
 * @example parseFormula('(A + B) / 2').letters // ['A', 'B']
 */
export function parseFormula(text: string): Formula {
  const tokens = tokenize(text);
  let pos = 0;
  const letters = new Set<string>();
  const peek = () => tokens[pos];
  const fail = (what: string): never => {
    throw new Error(`formula: ${what} at position ${pos + 1} of "${text}"`);
  };
  const expr = (depth: number): Node => {
    if (depth > MAX_DEPTH) fail('too deeply nested');
    let left = term(depth);
    while (peek() === '+' || peek() === '-') {
      const op = tokens[pos++] as '+' | '-';
      left = { type: 'bin', op, left, right: term(depth) };
    }
    return left;
  };
  const term = (depth: number): Node => {
    let left = factor(depth);
    while (peek() === '*' || peek() === '/') {
      const op = tokens[pos++] as '*' | '/';
      left = { type: 'bin', op, left, right: factor(depth) };
    }
    return left;
  };
  const factor = (depth: number): Node => {
    if (depth > MAX_DEPTH) fail('too deeply nested');
    const t = peek();
    if (t === undefined) return fail('unexpected end');
    pos++;
    if (t === '-') return { type: 'neg', arg: factor(depth + 1) };
    if (t === '+') return factor(depth + 1);
    if (t === '(') {
      const inner = expr(depth + 1);
      if (peek() !== ')') fail('expected )');
      pos++;
      return inner;
    }
    if (/^[A-T]$/.test(t)) {
      letters.add(t);
      return { type: 'ref', letter: t };
    }
    if (/^\d/.test(t)) return { type: 'num', value: Number(t) };
    return fail(`unexpected "${t}"`);
  };
  const ast = expr(0);
  if (pos < tokens.length) fail(`unexpected "${tokens[pos]}"`);
  return { ast, letters: [...letters].sort() };
}

function tokenize(text: string): string[] {
  const out: string[] = [];
  const re = /\s*(?:(\d+(?:\.\d+)?)|([A-Za-z])|([-+*/×÷()]))/y;
  let i = 0;
  while (i < text.length) {
    if (/^\s*$/.test(text.slice(i))) break;
    re.lastIndex = i;
    const m = re.exec(text);
    if (!m) throw new Error(`formula: unexpected "${text.slice(i).trim()[0]}" at position ${i + 1} of "${text}"`);
    if (m[2] && !/^[A-T]$/.test(m[2])) throw new Error(`formula: series letters are A–T (upper case), got "${m[2]}"`);
    out.push(m[1] ?? m[2] ?? (m[3] === '×' ? '*' : m[3] === '÷' ? '/' : m[3]!));
    i = re.lastIndex;
  }
  if (out.length === 0) throw new Error('formula: empty');
  return out;
}

/**
 * Evaluates a parsed formula with each letter's value; null in, null out.
 *
 * @example evaluate(parseFormula('A / B * 100').ast, { A: 1, B: 4 }) // 25
 */
export function evaluate(node: Node, values: Record<string, number | null>): number | null {
  switch (node.type) {
    case 'num':
      return node.value;
    case 'ref':
      return values[node.letter] ?? null;
    case 'neg': {
      const v = evaluate(node.arg, values);
      return v === null ? null : -v;
    }
    case 'bin': {
      const a = evaluate(node.left, values);
      const b = evaluate(node.right, values);
      if (a === null || b === null) return null;
      if (node.op === '+') return a + b;
      if (node.op === '-') return a - b;
      if (node.op === '*') return a * b;
      return b === 0 ? null : a / b;
    }
  }
}
