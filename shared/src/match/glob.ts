// The one glob dialect of Stance, used by exceptions (control id, namespace, name), by
// `stance scan --control` and by token scopes: `*` matches any run of characters (also
// none); every other character matches itself. No `?`, no classes, no escapes, so a
// pattern never needs quoting rules and matching is never super-linear.

/** True when `value` matches `pattern` as a whole. O(len(pattern) × len(value)) at worst. */
export function globMatch(pattern: string, value: string): boolean {
  let p = 0;
  let v = 0;
  // Where the last `*` was, and the value position it currently absorbs up to.
  let star = -1;
  let mark = 0;
  while (v < value.length) {
    if (p < pattern.length && pattern[p] !== '*' && pattern[p] === value[v]) {
      p++;
      v++;
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      mark = v;
    } else if (star >= 0) {
      // Let the last star absorb one more character and retry from there.
      p = star + 1;
      v = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

/** True when the pattern holds a `*` (it matches more than one value). */
export function isGlob(pattern: string): boolean {
  return pattern.includes('*');
}
