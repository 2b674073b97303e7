import { describe, expect, it } from 'vitest';
import { buildProgram } from '../program.js';

describe('fupan experiment', () => {
  it('is one command holding create, list, results (events) and analyze (summary statistics)', () => {
    const program = buildProgram();
    const experiments = program.commands.filter((c) => c.name() === 'experiment');
    expect(experiments).toHaveLength(1);
    expect(experiments[0]!.commands.map((c) => c.name()).sort()).toEqual(['analyze', 'create', 'list', 'results']);
  });
});
