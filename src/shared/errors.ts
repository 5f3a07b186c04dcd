/**
 * Errors cross process boundaries (IPC, the browser bridge, the runner process)
 * as plain objects: `kind` is machine-readable, `message` is for people.
 */
export type StudioErrorKind =
  | 'invalid-input'
  | 'not-found'
  | 'unsupported-format'
  | 'corrupt-file'
  | 'too-large'
  | 'io'
  | 'model'
  | 'cancelled'
  | 'conflict'
  | 'internal';

export interface StudioErrorShape {
  name: 'StudioError';
  kind: StudioErrorKind;
  message: string;
}

export class StudioError extends Error {
  override readonly name = 'StudioError' as const;
  constructor(
    readonly kind: StudioErrorKind,
    message: string
  ) {
    super(message);
  }

  toJSON(): StudioErrorShape {
    return { name: this.name, kind: this.kind, message: this.message };
  }
}

export function isStudioErrorShape(value: unknown): value is StudioErrorShape {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { name?: unknown }).name === 'StudioError' &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}

/** Turns anything thrown into the plain shape that crosses a boundary. */
export function toErrorShape(err: unknown): StudioErrorShape {
  if (err instanceof StudioError) return err.toJSON();
  if (isStudioErrorShape(err)) return err;
  const message = err instanceof Error ? err.message : String(err);
  return { name: 'StudioError', kind: 'internal', message };
}
