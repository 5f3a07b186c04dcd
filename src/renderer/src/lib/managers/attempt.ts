import { errorMessage } from '../api/error-message.ts';

/**
 * One call to main on a manager's behalf: a failure becomes the manager's
 * error message instead of an unhandled rejection, a success clears the last
 * one, and an optional busy flag is up for exactly the call's length (also
 * when it fails), so a button it disables cannot stay dead.
 */
export async function attempt<T>(
  report: (error: string | null) => void,
  work: () => Promise<T>,
  busy?: (on: boolean) => void
): Promise<T | null> {
  busy?.(true);
  try {
    const value = await work();
    report(null);
    return value;
  } catch (err) {
    report(errorMessage(err));
    return null;
  } finally {
    busy?.(false);
  }
}
