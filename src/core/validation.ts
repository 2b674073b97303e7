import type { z } from 'zod';
import { FupanError } from './errors/index.js';

/** A zod issue in the shape fupan reports: where, and what is wrong. */
export interface InputProblem {
  path: string;
  problem: string;
}

export function describeIssues(error: z.ZodError): InputProblem[] {
  return error.issues.map((issue) => ({
    path: issue.path.length ? issue.path.map(String).join('.') : '(root)',
    problem: issue.message,
  }));
}

/**
 * Parses `value` with `schema`, or throws `invalid_input` naming the first bad field
 * (all problems are in `details.problems`).
 *
 * @example const spec = parseInput(funnelSpec, body)
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = describeIssues(result.error);
  const first = problems[0] ?? { path: '(root)', problem: 'invalid' };
  throw new FupanError('invalid_input', { path: first.path, problem: first.problem, problems });
}
