// What one credential rule is: data (id, reason, where it can start, a pattern, examples) that
// the matcher (matcher.ts) runs and the tests check. Why rules have this shape, and why it
// keeps every value's scan linear, is explained at the top of matcher.ts.

export interface SecretRule {
  /** Stable id ('aws-access-key-id'), used in docs and tests. */
  id: string;
  /** Why a matching value looks like a credential, as findings and redaction markers say it. Never the value. */
  reason: string;
  /** What the rule looks for, for people. */
  description: string;
  /**
   * Literals, compared case-insensitively, at one of which every match begins. The matcher
   * finds them in one pass and tries `pattern` only there.
   */
  anchors: readonly string[];
  /**
   * Tried sticky at an anchor's position (the matcher adds the `y` flag). Bounded quantifiers
   * only (`{m,n}`, `?`: no `*`, `+` or `{m,}`; a test enforces it), so one try costs a constant.
   */
  pattern: RegExp;
  /** Must also occur somewhere in the value; tested at most once per value, bounded like `pattern`. */
  requires?: RegExp;
  /** A further check of a match (placeholders, names); bounded work; false rejects the match. */
  accept?: (match: RegExpExecArray, value: string) => boolean;
  /** Values the rule must find, and near misses it must not (the tests run both). */
  examples: { readonly match: readonly string[]; readonly nearMiss: readonly string[] };
}

/** Not after a letter or digit: a token starts here, not in the middle of a longer word. */
export const START = '(?<![A-Za-z0-9])';
/** Not after a character of a base64url run: only the first position of a run can start a token. */
export const RUN_START = '(?<![A-Za-z0-9_-])';
/** Not before a letter or digit: the token ends here. */
export const END = '(?![A-Za-z0-9])';
/** An optional quote after a key, blanks, `=` or `:`, blanks and an optional quote: `key = "`, `"key": '`. */
export const ASSIGN = `["']?[ \\t]{0,8}[=:][ \\t]{0,8}["']?`;

/** A RegExp from a raw template, backslashes kept as written: re`${START}AKIA[A-Z0-9]{16}`. */
export const re = (strings: TemplateStringsArray, ...parts: string[]): RegExp => new RegExp(String.raw(strings, ...parts));
/** The same, case-insensitive. */
export const rei = (strings: TemplateStringsArray, ...parts: string[]): RegExp => new RegExp(String.raw(strings, ...parts), 'i');
