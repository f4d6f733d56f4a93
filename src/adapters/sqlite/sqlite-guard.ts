/**
 * The one place the SQLite payment adapters turn driver failures into the port's error, so the
 * workflow sees `Store.Unavailable` (retried) rather than a driver-specific message.
 */
import { StoreUnavailableError } from '../../payments/errors.js';

/**
 * Runs a storage operation, turning a driver failure (disk full, locked past the busy timeout,
 * I/O error) into `Store.Unavailable`, which the workflow retries.
 */
export function guard<T>(operation: () => T): Promise<T> {
  try {
    return Promise.resolve(operation());
  } catch (error) {
    if (error instanceof StoreUnavailableError) return Promise.reject(error);
    const message = error instanceof Error ? error.message : String(error);
    return Promise.reject(new StoreUnavailableError(`SQLite: ${message}`, { cause: error }));
  }
}
