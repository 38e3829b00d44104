// The fixed `stance scan --format json` document: findings and summary, nothing else.
import type { ScanResult } from '../scan/report.js';

export function formatJson(result: ScanResult): string {
  const { findings, summary } = result.report;
  return `${JSON.stringify({ findings, summary }, null, 2)}\n`;
}
