// Reads single values from the collector's Prometheus /metrics (absent metrics → undefined).
export async function readMetrics(httpUrl: string): Promise<string | undefined> {
  try {
    const res = await fetch(`${httpUrl}/metrics`);
    return res.status === 200 ? await res.text() : undefined;
  } catch {
    return undefined;
  }
}

/** The value of an unlabelled sample, or the sum over a labelled metric's samples. */
export function metricValue(text: string | undefined, name: string): number | undefined {
  if (!text) return undefined;
  let sum: number | undefined;
  for (const m of text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? ([-0-9.e+]+)$`, 'gm'))) sum = (sum ?? 0) + Number(m[1]);
  return sum;
}
