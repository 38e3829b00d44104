// Whether a host root can be read at all: the node agent's configuration refuses a bad one at
// start, and each collection checks it again (a mount can go away under a running agent).
import { statSync } from 'node:fs';

/** Why `dir` cannot serve as the host root (`ENOENT`, `not a directory`, …), or undefined. */
export function hostRootProblem(dir: string): string | undefined {
  try {
    return statSync(dir).isDirectory() ? undefined : 'not a directory';
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? (err as Error).message;
  }
}
