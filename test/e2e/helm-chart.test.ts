// The chart at helm/stance, rendered by the real helm v4: lint --strict, every object of
// every variant (defaults, every option on, agents only, existing Secrets) valid against
// the Kubernetes schemas (kubernetes-models; cert-manager and Prometheus Operator models
// for their kinds), least privilege on every pod, RBAC equal to what the agent watches,
// and `stance scan --fail-on high` clean on each rendering.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { WATCHED_KINDS, type KubeObject } from '@stance/shared/model/index';
import { runCli } from '../src/harness/index.js';
import { ALL_OPTIONS_VALUES, CHART_DIR, helm, renderChart, runTool } from '../src/harness/kube-tools.js';

type Model = new (data: unknown) => { validate(): void };

/** The model class of a kind: Kubernetes' own, or the CRD packages' for the optional kinds. */
async function modelOf(o: KubeObject): Promise<Model> {
  const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
  const pkg = group === 'monitoring.coreos.com' ? '@kubernetes-models/prometheus-operator/' : group === 'cert-manager.io' ? '@kubernetes-models/cert-manager/' : 'kubernetes-models/';
  const mod = (await import(/* @vite-ignore */ `${pkg}${o.apiVersion}/${o.kind}`)) as Record<string, Model>;
  const model = mod[o.kind];
  if (!model) throw new Error(`no schema model for ${o.apiVersion}/${o.kind}`);
  return model;
}

async function schemaProblems(objects: readonly KubeObject[]): Promise<string[]> {
  const problems: string[] = [];
  for (const o of objects) {
    try {
      new (await modelOf(o))(o).validate();
    } catch (e) {
      const detail = (e as { errors?: { instancePath: string; message: string }[] }).errors?.map((x) => `${x.instancePath} ${x.message}`).join('; ');
      problems.push(`${o.kind} ${o.metadata.name}: ${detail ?? (e as Error).message}`);
    }
  }
  return problems;
}

const AGENTS_ONLY = ['--set', 'collector.enabled=false', '--set', 'agents.collectorAddress=stance.example.com:7071', '--set', 'agents.tokenSecret=stance-agent-tokens', '--set', 'agents.caSecret=stance-collector-ca', '--set', 'clusterName=prod-us'];
const EXISTING_SECRETS = ['--set', 'collector.agentTokensSecret=my-agent-tokens', '--set', 'collector.apiTokensSecret=my-api-tokens', '--set', 'tls.existingSecret=my-tls', '--set', 'agents.tokenSecret=my-agent-env-tokens'];

const VARIANTS: Record<string, string[]> = {
  defaults: [],
  'every option on': ['-f', ALL_OPTIONS_VALUES],
  'agents only (remote collector)': AGENTS_ONLY,
  'existing Secrets': EXISTING_SECRETS,
};

interface PodSpecLike {
  securityContext?: Record<string, unknown>;
  containers: { name: string; args?: string[]; securityContext?: Record<string, any>; resources?: Record<string, any>; volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[] }[];
  volumes?: { name: string; hostPath?: { path: string; type?: string } }[];
  hostPID?: boolean;
  hostNetwork?: boolean;
  hostIPC?: boolean;
  automountServiceAccountToken?: boolean;
  tolerations?: { key?: string }[];
}

const podSpecOf = (o: KubeObject) => (o as unknown as { spec: { template: { spec: PodSpecLike } } }).spec.template.spec;
const byKind = (objects: readonly KubeObject[], kind: string) => objects.filter((o) => o.kind === kind);
const one = (objects: readonly KubeObject[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name)!;

const rendered: Record<string, KubeObject[]> = {};
const yamlOf: Record<string, string> = {};

beforeAll(async () => {
  for (const [name, args] of Object.entries(VARIANTS)) {
    const { yaml, objects } = await renderChart(args);
    rendered[name] = objects;
    yamlOf[name] = yaml;
  }
}, 60_000);

describe('helm/stance', () => {
  it('passes helm lint --strict with the defaults, every option, and agents only', async () => {
    for (const args of [[], ['-f', ALL_OPTIONS_VALUES], AGENTS_ONLY]) {
      const run = await runTool('helm', ['lint', '--strict', CHART_DIR, ...args]);
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(run.stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
    }
  });

  it.each(Object.keys(VARIANTS))('%s: every object is valid against its schema', async (variant) => {
    const objects = rendered[variant]!;
    expect(objects.length).toBeGreaterThan(5);
    expect(await schemaProblems(objects)).toEqual([]);
    for (const o of objects) expect(o.metadata.labels?.['app.kubernetes.io/part-of'], `${o.kind} ${o.metadata.name}`).toBe('stance');
  });

  it('renders the objects each variant promises', () => {
    const kinds = (v: string) => [...new Set(rendered[v]!.map((o) => o.kind))].sort();
    expect(kinds('defaults')).toEqual(['ClusterRole', 'ClusterRoleBinding', 'DaemonSet', 'Deployment', 'Secret', 'Service', 'ServiceAccount', 'StatefulSet']);
    expect(kinds('every option on')).toEqual([
      'Certificate', 'ClusterRole', 'ClusterRoleBinding', 'DaemonSet', 'Deployment', 'Ingress', 'Issuer', 'NetworkPolicy',
      'PodDisruptionBudget', 'PrometheusRule', 'Secret', 'Service', 'ServiceAccount', 'ServiceMonitor', 'StatefulSet',
    ]);
    // Agents only: no collector, no generated Secrets, the agents point at the remote collector.
    const remote = rendered['agents only (remote collector)']!;
    expect(kinds('agents only (remote collector)')).toEqual(['ClusterRole', 'ClusterRoleBinding', 'DaemonSet', 'Deployment', 'ServiceAccount']);
    for (const o of [...byKind(remote, 'Deployment'), ...byKind(remote, 'DaemonSet')]) {
      const env = (podSpecOf(o).containers[0] as unknown as { env: { name: string; value?: string; valueFrom?: any }[] }).env;
      expect(env.find((e) => e.name === 'STANCE_COLLECTOR')?.value).toBe('stance.example.com:7071');
      expect(env.find((e) => e.name === 'STANCE_CLUSTER_NAME')?.value).toBe('prod-us');
      expect(env.find((e) => e.name === 'STANCE_AGENT_TOKEN')?.valueFrom.secretKeyRef.name).toBe('stance-agent-tokens');
    }
    // Existing Secrets: nothing generated, the collector mounts the named ones.
    const existing = rendered['existing Secrets']!;
    expect(byKind(existing, 'Secret')).toEqual([]);
    const volumes = podSpecOf(one(existing, 'StatefulSet', 'stance-collector')).volumes as { name: string; secret?: { secretName: string } }[];
    expect(Object.fromEntries(volumes.filter((v) => v.secret).map((v) => [v.name, v.secret!.secretName]))).toEqual({ 'agent-tokens': 'my-agent-tokens', 'api-tokens': 'my-api-tokens', tls: 'my-tls' });
  });

  it.each(Object.keys(VARIANTS))('%s: `stance scan --fail-on high` passes the rendered chart', async (variant) => {
    const run = await runCli(['scan', '-', '--format', 'json', '--fail-on', 'high'], { stdin: yamlOf[variant] });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as { findings: { severity: string }[]; summary: { resources: number } };
    expect(report.summary.resources).toBe(rendered[variant]!.length);
    expect(report.findings.filter((f) => f.severity === 'high' || f.severity === 'critical')).toEqual([]);
  });

  it('the node agent host access is excepted by its annotations, with the reason, never hidden', async () => {
    const run = await runCli(['scan', '-', '--format', 'table', '--fail-on', 'high'], { stdin: yamlOf['every option on'] });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Excepted \(left out of the score\):[\s\S]*DaemonSet stance\/stance-node-agent[\s\S]*pod\.host-path[\s\S]*exempted by the object's stance\.dev\/exempt annotation: Stance's node agent runs the CIS node checks/);
    // Without the annotations the same object fails: the exemption is what passes it.
    const stripped = yamlOf['every option on']!.replace(/^ {4}stance\.dev\/exempt(-reason)?: .*\n/gm, '');
    const bare = await runCli(['scan', '-', '--format', 'json', '--fail-on', 'high'], { stdin: stripped });
    expect(bare.code).toBe(1);
    expect((JSON.parse(bare.stdout) as { findings: { controlId: string }[] }).findings.map((f) => f.controlId)).toEqual(expect.arrayContaining(['pod.host-path', 'rbac.secrets-read']));
  });

  it('every pod runs least-privileged: non-root, read-only root, no privilege, no capability, seccomp, requests and limits', () => {
    for (const [variant, objects] of Object.entries(rendered)) {
      for (const o of [...byKind(objects, 'StatefulSet'), ...byKind(objects, 'Deployment'), ...byKind(objects, 'DaemonSet')]) {
        const spec = podSpecOf(o);
        const where = `${variant}: ${o.kind} ${o.metadata.name}`;
        const rootNodeAgent = o.kind === 'DaemonSet' && variant === 'every option on';
        expect(spec.securityContext, where).toMatchObject({ runAsNonRoot: !rootNodeAgent, seccompProfile: { type: 'RuntimeDefault' } });
        expect([spec.hostPID, spec.hostNetwork, spec.hostIPC].filter(Boolean), where).toEqual([]);
        expect(spec.automountServiceAccountToken, where).toBe(o.kind === 'Deployment' || (o.kind === 'DaemonSet' && !rootNodeAgent && variant !== 'every option on'));
        for (const c of spec.containers) {
          expect(c.securityContext, where).toMatchObject({ allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
          expect(c.securityContext!.capabilities.add, where).toBeUndefined();
          expect(Object.keys(c.resources!.requests).sort(), where).toEqual(['cpu', 'memory']);
          expect(Object.keys(c.resources!.limits).sort(), where).toEqual(['cpu', 'memory']);
        }
        const hostPaths = (spec.volumes ?? []).filter((v) => v.hostPath);
        if (o.kind !== 'DaemonSet') expect(hostPaths, where).toEqual([]);
        for (const v of hostPaths) {
          expect(v.hostPath!.type, where).toBe('Directory');
          const mount = spec.containers[0]!.volumeMounts!.find((m) => m.name === v.name)!;
          expect(mount, where).toMatchObject({ mountPath: `/host${v.hostPath!.path}`, readOnly: true, recursiveReadOnly: 'IfPossible' });
        }
      }
    }
    const nodeAgent = podSpecOf(one(rendered.defaults!, 'DaemonSet', 'stance-node-agent'));
    expect(nodeAgent.volumes!.filter((v) => v.hostPath).map((v) => v.hostPath!.path)).toEqual(['/etc', '/var/lib', '/usr/lib', '/usr/local/lib', '/proc', '/sys']);
    expect(nodeAgent.tolerations!.map((t) => t.key)).toEqual(['node-role.kubernetes.io/control-plane', 'node-role.kubernetes.io/master']);
    expect(nodeAgent.containers[0]!.args).toEqual(expect.arrayContaining(['agent', '--mode=node', '--host-root=/host']));
  });

  it('the cluster agent may get/list/watch exactly the kinds it watches, and nothing else', () => {
    const role = one(rendered.defaults!, 'ClusterRole', 'stance-cluster-agent') as unknown as { rules: { apiGroups: string[]; resources: string[]; verbs: string[] }[] };
    const granted = role.rules.flatMap((r) => r.apiGroups.flatMap((g) => r.resources.map((res) => `${g}/${res}`)));
    const watched = WATCHED_KINDS.map((k) => `${k.apiVersion.includes('/') ? k.apiVersion.split('/')[0] : ''}/${k.plural}`);
    expect(granted.sort()).toEqual(watched.sort());
    for (const r of role.rules) expect(r.verbs).toEqual(['get', 'list', 'watch']);
    // The node agent's only grant: get the kube-system namespace (the cluster id).
    const nodeRole = one(rendered.defaults!, 'ClusterRole', 'stance-node-agent') as unknown as { rules: unknown[] };
    expect(nodeRole.rules).toEqual([{ apiGroups: [''], resources: ['namespaces'], resourceNames: ['kube-system'], verbs: ['get'] }]);
  });

  it('generates one token per agent mode and per remote cluster, and API tokens per role', () => {
    const secrets = byKind(rendered['every option on']!, 'Secret') as unknown as { metadata: { name: string }; data: Record<string, string> }[];
    const agent = secrets.find((s) => s.metadata.name === 'stance-agent-tokens')!;
    const decode = (v: string) => Buffer.from(v, 'base64').toString('utf8');
    const grants = (parseYaml(decode(agent.data['tokens.yaml']!)) as { tokens: { name: string; cluster: string; token: string; modes: string[] }[] }).tokens;
    expect(grants.map((g) => [g.cluster, g.modes])).toEqual([
      ['prod-eu', ['cluster']], ['prod-eu', ['node']], ['prod-us', ['cluster']], ['prod-us', ['node']], ['staging', ['cluster']], ['staging', ['node']],
    ]);
    expect(new Set(grants.map((g) => g.token)).size).toBe(6);
    for (const g of grants) expect(g.token).toMatch(/^[A-Za-z0-9]{48}$/);
    expect(decode(agent.data['cluster-agent-token']!)).toBe(grants[0]!.token);
    expect(decode(agent.data['prod-us.node-agent-token']!)).toBe(grants[3]!.token);
    const api = secrets.find((s) => s.metadata.name === 'stance-api-tokens')!;
    const apiTokens = (parseYaml(decode(api.data['tokens.yaml']!)) as { tokens: { name: string; role: string; token: string }[] }).tokens;
    expect(apiTokens.map((t) => [t.name, t.role])).toEqual([['admin', 'admin'], ['read', 'read']]);
    expect(decode(api.data['read-token']!)).toBe(apiTokens[1]!.token);
  });

  it('passes the collector and agents only flags their --help lists', async () => {
    const help = async (cmd: string) => (await runCli([cmd, '--help'])).stdout;
    const flagsOf = (args: readonly unknown[]) => args.filter((a): a is string => typeof a === "string" && a.startsWith('--')).map((a) => a.split('=')[0]!);
    const [collectorHelp, agentHelp] = await Promise.all([help('collector'), help('agent')]);
    for (const objects of Object.values(rendered)) {
      for (const o of [...byKind(objects, 'StatefulSet'), ...byKind(objects, 'Deployment'), ...byKind(objects, 'DaemonSet')]) {
        const args = podSpecOf(o).containers[0]!.args!;
        const text = args[0] === 'collector' ? collectorHelp : agentHelp;
        for (const flag of flagsOf(args)) expect(text, `${o.kind} ${o.metadata.name} ${flag}`).toContain(`${flag} `);
      }
    }
  });

  it('embeds files/prometheus-rules.yaml as the PrometheusRule', () => {
    const rule = one(rendered['every option on']!, 'PrometheusRule', 'stance-collector') as unknown as { spec: { groups: unknown[] } };
    const file = parseYaml(readFileSync(join(CHART_DIR, 'files/prometheus-rules.yaml'), 'utf8')) as { groups: unknown[] };
    expect(rule.spec.groups).toEqual(file.groups);
  });

  it('rejects unknown or mistyped values and incomplete remote settings with a clear message', async () => {
    const fails = async (args: string[], message: RegExp) => {
      const run = await runTool('helm', ['template', 'stance', CHART_DIR, ...args]);
      expect(run.code).not.toBe(0);
      expect(run.stderr).toMatch(message);
    };
    await fails(['--set', 'collector.replicas=3'], /additional properties 'replicas' not allowed/);
    await fails(['--set', 'collector.httpPort=http'], /collector\/httpPort/);
    await fails(['--set', 'clusterName=Not A Name'], /clusterName/);
    await fails(['--set', 'collector.enabled=false'], /agents\.collectorAddress is required/);
    await fails(['--set', 'collector.enabled=false', '--set', 'agents.collectorAddress=c.example.com:7071'], /agents\.tokenSecret is required/);
    expect(await helm(['template', 'stance', CHART_DIR, '--set', 'collector.enabled=false', '--set', 'agents.collectorAddress=c:1', '--set', 'agents.tokenSecret=t', '--set', 'agents.insecure=true'])).toContain('--insecure');
    // This release's collector always serves TLS: plain-text agents could never connect to it.
    await fails(['--set', 'agents.insecure=true'], /agents\.insecure is for a remote collector/);
  });

  it('lets the agents reach a remote collector on the port of its address through the NetworkPolicy', async () => {
    const { objects } = await renderChart([...AGENTS_ONLY, '--set', 'agents.collectorAddress=stance.example.com:30071', '--set', 'networkPolicy.enabled=true']);
    type Egress = { to?: unknown[]; ports: { port: number }[] };
    for (const np of byKind(objects, 'NetworkPolicy')) {
      const egress = (np as unknown as { spec: { egress: Egress[] } }).spec.egress;
      expect(egress, np.metadata.name).toContainEqual({ ports: [{ protocol: 'TCP', port: 30071 }] });
    }
    expect(byKind(objects, 'NetworkPolicy').map((o) => o.metadata.name).sort()).toEqual(['stance-cluster-agent', 'stance-node-agent']);
  });
});
