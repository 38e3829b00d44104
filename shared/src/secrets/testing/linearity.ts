// Times a judgement (secretReason and friends) on an adversarial input at 0.5 MiB and 1 MiB in
// the same run: linear work doubles, quadratic work quadruples. Shared by linear.test.ts and the
// `secrets` bench section.
import type { AdversarialInput } from './adversarial.js';

export const HALF_SIZE = 512 * 1024;
export const FULL_SIZE = 1024 * 1024;
/** A 0.5 MiB value slower than this is not linear in any useful sense: 1 MiB is not tried. */
const GIVE_UP_MS = 2000;
/** A ratio this high (or more) is measured again before it counts. */
const RECHECK_RATIO = 2.5;
/** Measuring again: up to ATTEMPTS rounds of one untimed run of each size, then REPS timed runs of each. */
const ATTEMPTS = 3;
const REPS = 5;
/** An input whose fastest 1 MiB run takes this long fails on time alone: not measured again. */
const TOO_SLOW_MS = 1000;

export interface Timing {
  input: AdversarialInput;
  /** The fastest run at each size. */
  halfMs: number;
  fullMs: number;
  /** fullMs / halfMs: about 2 for linear work, 4 for quadratic. */
  ratio: number;
}

export function timeMs(judge: (value: string) => unknown, value: string): number {
  const t = performance.now();
  judge(value);
  return performance.now() - t;
}

/**
 * Each size once; while that looks super-linear, again, interleaved (the untimed runs take the
 * garbage collector's work for the new strings). Each size counts its fastest run: a loaded
 * machine only ever adds time (another process, a collection), so the fastest run is the one
 * closest to the work itself; real super-linear growth shows in every run.
 */
export function timeInput(judge: (value: string) => unknown, input: AdversarialInput): Timing {
  const full = input.make(FULL_SIZE);
  const half = full.slice(0, HALF_SIZE);
  const h = [timeMs(judge, half)];
  if (h[0]! > GIVE_UP_MS) return { input, halfMs: h[0]!, fullMs: Infinity, ratio: Infinity };
  const f = [timeMs(judge, full)];
  const timing = (): Timing => {
    const [halfMs, fullMs] = [Math.min(...h), Math.min(...f)];
    return { input, halfMs, fullMs, ratio: fullMs / halfMs };
  };
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const t = timing();
    if (t.ratio < RECHECK_RATIO || t.fullMs > TOO_SLOW_MS) break;
    judge(half);
    judge(full);
    for (let i = 0; i < REPS; i++) {
      h.push(timeMs(judge, half));
      f.push(timeMs(judge, full));
    }
  }
  return timing();
}
