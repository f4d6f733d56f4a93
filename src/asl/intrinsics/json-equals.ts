/**
 * Structural equality of JSON values, as ASL compares them: in filters (`==`, `in`), in
 * States.ArrayContains and in States.ArrayUnique. Key order does not matter; array order does.
 */
import { isJsonObject } from '../json.js';
import type { Json } from '../json.js';

/** True when `a` and `b` are the same JSON value. */
export function jsonEquals(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEquals(a[i]!, b[i]!)) return false;
    return true;
  }
  if (isJsonObject(a)) {
    if (!isJsonObject(b)) return false;
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    for (const key of keys) {
      if (!Object.prototype.hasOwnProperty.call(b, key) || !jsonEquals(a[key]!, b[key]!))
        return false;
    }
    return true;
  }
  return false;
}
