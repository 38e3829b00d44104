// File mode comparisons as the CIS benchmark means them: "600 or more restrictive" is
// no permission bit outside 0600 (so 0400 passes and 0610 fails).

export function withinMode(mode: number, max: number): boolean {
  return (mode & 0o7777 & ~max) === 0;
}

export function formatMode(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(3, '0');
}
