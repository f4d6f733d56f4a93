/**
 * Small predicates on field values that several checks share: is this string a JSONata
 * expression, is it a timestamp as AWS accepts them.
 */
import type { Json } from '../json.js';

/** True for a string that is a JSONata expression: "{% ... %}". */
export function isJsonataExpression(value: Json | undefined): value is string {
  return typeof value === 'string' && value.startsWith('{%') && value.endsWith('%}');
}

/** AWS: RFC 3339 with an uppercase T and Z (or a numeric offset). */
export function isTimestamp(value: string): boolean {
  return (
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value) &&
    !Number.isNaN(Date.parse(value))
  );
}
