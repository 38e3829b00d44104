// A static check of a regular expression's source: the unbounded repetitions in it (`*`, `+`,
// `{m,}`), outside character classes and escapes. The credential rules must have none, which
// bounds the work of one try (see matcher.ts).

/** Each unbounded quantifier in `source` with its offset, e.g. `+ at 14`. */
export function unboundedRepetitions(source: string): string[] {
  const found: string[] = [];
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') {
      i += 1; // the escaped character is a literal (or a class like \s): never a quantifier
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '*' || c === '+') found.push(`${c} at ${i}`);
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i, i + 24));
      if (m && m[2] !== undefined && m[3] === '') found.push(`${m[0]} at ${i}`);
    }
  }
  return found;
}
