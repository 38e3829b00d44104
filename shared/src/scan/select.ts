// Which controls a scan runs: --control (ids, `*` globs such as `pod.*`), --framework
// (controls that reference it) and configuration (controls that need it stay off).
import { ConfigError } from '../config/errors.js';
import { globMatch } from '../match/glob.js';
import type { Control, EngineConfig, FrameworkId } from '../engine/types.js';

export const FRAMEWORK_IDS: readonly FrameworkId[] = [
  'pss-baseline',
  'pss-restricted',
  'cis-kubernetes',
  'nsa-cisa',
  'mitre-attack',
  'pci-dss',
  'hipaa',
  'soc2',
];

export interface Selection {
  /** Control ids or globs (shared/src/match/glob.ts: `*` matches any run of characters). */
  controls?: readonly string[];
  frameworks?: readonly string[];
}

/** Controls that need configuration only run when it is there. */
function configured(control: Control, config: EngineConfig): boolean {
  if (!control.requiresConfig) return true;
  return (config.allowedRegistries?.length ?? 0) > 0;
}

export function selectControls(catalog: readonly Control[], selection: Selection, config: EngineConfig): Control[] {
  let selected = catalog.filter((c) => configured(c, config));
  if (selection.controls?.length) {
    const patterns = selection.controls;
    for (const p of patterns) {
      if (!catalog.some((c) => globMatch(p, c.id))) throw new ConfigError('--control', `no control matches "${p}"`);
    }
    selected = selected.filter((c) => patterns.some((p) => globMatch(p, c.id)));
  }
  if (selection.frameworks?.length) {
    for (const f of selection.frameworks) {
      if (!(FRAMEWORK_IDS as readonly string[]).includes(f)) {
        throw new ConfigError('--framework', `"${f}" is not one of ${FRAMEWORK_IDS.join(', ')}`);
      }
    }
    selected = selected.filter((c) => c.frameworks.some((r) => selection.frameworks!.includes(r.framework)));
  }
  return selected;
}
