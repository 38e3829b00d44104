// Output formats of `stance scan`, and the posture score shared with the collector.
import type { OutcomeStatus } from '../engine/types.js';
import type { ScanResult } from '../scan/report.js';
import { formatJson } from './json.js';
import { formatJunit } from './junit.js';
import { formatSarif } from './sarif.js';
import { formatTable } from './table.js';

export * from './score.js';
export { formatJson } from './json.js';
export { formatJunit } from './junit.js';
export { formatSarif, toSarif, SARIF_SCHEMA_URI } from './sarif.js';
export { formatTable, summaryLine } from './table.js';

export const REPORT_FORMATS = ['json', 'sarif', 'junit', 'table'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/**
 * The outcomes each format reads from `ScanResult.outcomes` (besides the findings): a scan
 * keeps only these, since passes and not-applicable ones are most of a large scan.
 */
export const OUTCOMES_USED: Record<ReportFormat, readonly OutcomeStatus[]> = {
  json: [],
  sarif: ['exempt'],
  table: ['exempt'],
  junit: ['pass', 'fail', 'no-data', 'exempt'],
};

export interface FormatOptions {
  /** Table only: ANSI colours. */
  color?: boolean;
  /** Table only: terminal width to wrap messages at. */
  width?: number;
  /** SARIF only: artifact URIs are relative to this folder. */
  baseDir?: string;
}

export function formatReport(result: ScanResult, format: ReportFormat, options: FormatOptions = {}): string {
  switch (format) {
    case 'json':
      return formatJson(result);
    case 'sarif':
      return formatSarif(result, { baseDir: options.baseDir });
    case 'junit':
      return formatJunit(result);
    case 'table':
      return formatTable(result, { color: options.color, width: options.width });
  }
}
