// PSS restricted `restrictedVolumes`: only volume types that cannot reach node or
// network storage directly are allowed (hostPath included, as upstream).
import { definePodControl, isRecord, type Problem } from './support/define.js';

/** Allowed inline volume sources (upstream check_restrictedVolumes). */
export const ALLOWED_VOLUME_TYPES: ReadonlySet<string> = new Set([
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'image',
  'persistentVolumeClaim',
  'projected',
  'secret',
]);

export const volumeTypes = definePodControl(
  {
    id: 'pod.volume-types',
    title: 'Restricted volume types',
    severity: 'low',
    category: 'Pod security',
    rationale:
      'Inline volume sources such as hostPath, nfs, iscsi or gitRepo give the pod direct access to node or network storage outside the cluster\'s storage policy (gitRepo also runs git on the node).',
    remediation: `Use only ${[...ALLOWED_VOLUME_TYPES].join(', ')} volumes; reach other storage through PersistentVolumeClaims.`,
    frameworks: [
      { framework: 'pss-restricted', id: 'restrictedVolumes' },
      { framework: 'nsa-cisa', id: 'pod-security' },
    ],
  },
  ({ spec, template }) => {
    if (!Array.isArray(spec.volumes)) return [];
    const problems: Problem[] = [];
    spec.volumes.forEach((volume, i) => {
      if (!isRecord(volume)) return;
      // A volume naming no source is defaulted to emptyDir by the API server.
      const sources = Object.keys(volume).filter((k) => k !== 'name' && volume[k] != null);
      const bad = sources.filter((k) => !ALLOWED_VOLUME_TYPES.has(k));
      if (bad.length === 0) return;
      problems.push({
        message: `volume "${volume.name ?? i}" uses restricted type ${bad.join(', ')}`,
        evidence: bad.map((k) => `${template.specPath}.volumes[${i}].${k}`),
      });
    });
    return problems;
  },
);
