// JSON paths for evidence: dotted for identifiers, bracketed for keys that are not
// (ConfigMap keys like `app.properties`, annotation keys with slashes).

export function childPath(base: string, key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `${base}.${key}` : `${base}[${JSON.stringify(key)}]`;
}
