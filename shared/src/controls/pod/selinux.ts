// PSS baseline `seLinuxOptions`: only the container SELinux types may be set, and custom
// SELinux users or roles are forbidden, at pod and container level.
import { definePodControl, describe, type Problem } from './support/define.js';
import type { SecurityContextLike } from '../../workload/index.js';

/** Allowed `seLinuxOptions.type` values (upstream, 1.31+); empty means unset. */
export const ALLOWED_SELINUX_TYPES: ReadonlySet<string> = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);

/** The forbidden settings of one seLinuxOptions, with the fields to null out. */
function forbidden(sc: SecurityContextLike | undefined): { what: string[]; fields: string[] } {
  const opts = sc?.seLinuxOptions;
  const what: string[] = [];
  const fields: string[] = [];
  if (opts == null || typeof opts !== 'object') return { what, fields };
  if (!ALLOWED_SELINUX_TYPES.has(typeof opts.type === 'string' ? opts.type : '')) {
    what.push(`type ${JSON.stringify(opts.type)}`);
    fields.push('type');
  }
  if (typeof opts.user === 'string' && opts.user.length > 0) {
    what.push('a custom user');
    fields.push('user');
  }
  if (typeof opts.role === 'string' && opts.role.length > 0) {
    what.push('a custom role');
    fields.push('role');
  }
  return { what, fields };
}

function nulls(fields: string[]): Record<string, unknown> {
  return { securityContext: { seLinuxOptions: Object.fromEntries(fields.map((f) => [f, null])) } };
}

export const selinuxOptions = definePodControl(
  {
    id: 'pod.selinux-options',
    title: 'Forbidden SELinux options',
    severity: 'medium',
    category: 'Pod security',
    rationale:
      'A custom SELinux type, user or role can give the container the labels of host processes and bypass the isolation SELinux provides between containers and the node.',
    remediation:
      'Remove `seLinuxOptions.user` and `seLinuxOptions.role`, and leave `type` unset or use container_t, container_init_t, container_kvm_t or container_engine_t.',
    frameworks: [
      { framework: 'pss-baseline', id: 'seLinuxOptions' },
      { framework: 'nsa-cisa', id: 'pod-security' },
    ],
  },
  ({ spec, template, containers, patch }) => {
    const problems: Problem[] = [];
    const pod = forbidden(spec.securityContext);
    if (pod.fields.length > 0) {
      const base = `${template.specPath}.securityContext.seLinuxOptions`;
      problems.push({ message: `pod sets SELinux ${pod.what.join(', ')}`, evidence: pod.fields.map((f) => `${base}.${f}`) });
      patch.pod(nulls(pod.fields));
    }
    for (const ref of containers) {
      const c = forbidden(ref.container.securityContext);
      if (c.fields.length === 0) continue;
      const base = `${ref.path}.securityContext.seLinuxOptions`;
      problems.push({ message: `${describe(ref)} sets SELinux ${c.what.join(', ')}`, evidence: c.fields.map((f) => `${base}.${f}`) });
      patch.container(ref, nulls(c.fields));
    }
    return problems;
  },
);
