/**
 * The StringMatches pattern of a Choice rule: `*` matches any run of characters (none included),
 * `\*` a literal star and `\\` a literal backslash; nothing else is special. Compiled once into
 * literal pieces and matched without regular expressions, so no pattern can backtrack badly.
 */

/** A compiled pattern, or the reason it cannot match anything. */
export type StringPattern =
  | { readonly ok: true; matches(value: string): boolean }
  | { readonly ok: false; readonly problem: string };

/**
 * Compiles a StringMatches pattern.
 * The spec: "If an open escape backslash is found in the StringMatches string, the interpreter will
 * throw a runtime error", so a trailing lone backslash is reported, not matched. A backslash before
 * any other character escapes that character.
 */
export function compileStringPattern(pattern: string): StringPattern {
  const pieces: string[] = [];
  let current = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      const next = pattern[i + 1];
      if (next === undefined) {
        return {
          ok: false,
          problem: `StringMatches pattern '${pattern}' ends with an open escape`,
        };
      }
      current += next;
      i++;
    } else if (c === '*') {
      pieces.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  pieces.push(current);
  if (pieces.length === 1) {
    const exact = pieces[0] ?? '';
    return { ok: true, matches: (value) => value === exact };
  }
  return { ok: true, matches: (value) => matchPieces(pieces, value) };
}

/**
 * `pieces` were separated by stars: the first must start the value, the last must end it, and the
 * middle ones must appear in order between them. Taking each middle piece at its earliest
 * position is always safe, so one left-to-right scan decides.
 */
function matchPieces(pieces: readonly string[], value: string): boolean {
  const first = pieces[0] ?? '';
  const last = pieces[pieces.length - 1] ?? '';
  if (first.length + last.length > value.length) return false;
  if (!value.startsWith(first) || !value.endsWith(last)) return false;
  let at = first.length;
  const end = value.length - last.length;
  for (let i = 1; i < pieces.length - 1; i++) {
    const piece = pieces[i] ?? '';
    const found = value.indexOf(piece, at);
    if (found < 0 || found + piece.length > end) return false;
    at = found + piece.length;
  }
  return true;
}
