import { ProblemError } from './problem.js';

/** Reads a whole-number query parameter strictly: "12" yes; "12abc", "-1", "1e3", "" no. */
export function integerParam(raw: unknown, name: string, options: { min: number; max: number; default?: number }): number {
  if (raw === undefined) {
    if (options.default === undefined) throw new ProblemError('invalid-query', `query parameter "${name}" is required`);
    return options.default;
  }
  if (typeof raw !== 'string' || !/^\d{1,16}$/.test(raw)) {
    throw new ProblemError('invalid-query', `query parameter "${name}" must be a whole number`);
  }
  const value = Number(raw);
  if (value < options.min || value > options.max) {
    throw new ProblemError('invalid-query', `query parameter "${name}" must be between ${options.min} and ${options.max}`);
  }
  return value;
}
