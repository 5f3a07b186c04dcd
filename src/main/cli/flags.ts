/** Option parsing the CLI commands share, so every command refuses bad input with the same clear words. */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { StudioError } from '../../shared/errors.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

/** A flag that takes a value (`--album NAME`). */
export const VALUE = { type: 'string' } as const;
/** A flag on its own (`--json`), off unless given. */
export const SWITCH = { type: 'boolean', default: false } as const;

/** Flags only: a stray word is an error naming it (node's own strict mode throws a TypeError instead). */
export function parseFlags<O extends Options>(argv: string[], options: O) {
  const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  if (positionals.length > 0) throw new StudioError('invalid-input', `unexpected argument "${positionals[0]}"`);
  return values;
}

/** A flag whose value must be one of `allowed`; `fallback` when it is absent. */
export function oneOf<T extends string>(
  flag: string,
  value: string | undefined,
  allowed: readonly T[],
  fallback: T
): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new StudioError('invalid-input', `--${flag} must be one of ${allowed.join(', ')} (got "${value}")`);
}
