// The report of one scan: the fixed JSON document (findings + summary) and what the other
// formats need besides (the controls run, every outcome with its location).
import type { Control, FrameworkRef, Outcome, Severity, SuggestedPatch } from '../engine/types.js';
import type { AttackPath, Risk } from '../risk/types.js';
import type { ObjectLocation } from './parse.js';

export interface FindingResource {
  apiVersion: string;
  kind: string;
  /** Absent for cluster-scoped objects. */
  namespace?: string;
  name: string;
}

export interface ScanFinding {
  controlId: string;
  title: string;
  severity: Severity;
  resource: FindingResource;
  message: string;
  remediation: string;
  frameworks: FrameworkRef[];
  location: ObjectLocation;
  /** JSON paths into the object that failed. */
  evidence?: string[];
  patch?: SuggestedPatch;
  /** The patch as a ready-to-run `kubectl patch` command. */
  kubectlPatch?: string;
  /** Its severity and its subject's context (risk/README.md); last, so the fields before it keep their bytes. */
  risk?: Risk;
}

export interface ScanSummary {
  /** Objects read. */
  resources: number;
  /** Failing findings reported. */
  failed: number;
  score: number;
}

/** The fixed `stance scan --format json` document (DESIGN.md). */
export interface ScanReport {
  findings: ScanFinding[];
  summary: ScanSummary;
}

export interface LocatedOutcome extends Outcome {
  location: ObjectLocation;
}

export interface ScanResult {
  report: ScanReport;
  /** The controls that ran, by id. */
  controls: ReadonlyMap<string, Control>;
  /** Every outcome that was kept (after the severity filter), with where its subject is. */
  outcomes: LocatedOutcome[];
  /** The files read, in order. */
  files: string[];
  /** The attack paths of the scanned objects as one cluster, highest scored first. */
  attackPaths?: AttackPath[];
}
