/**
 * The clock port: where payment code reads the time, so tests and simulations can run on a
 * virtual clock and every stored timestamp comes from one place.
 */

/** A source of the current time. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}
