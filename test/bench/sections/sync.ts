// Initial sync: agent start → the collector holds every object of a 100,000-object
// cluster and has evaluated every finding, with the peak memory of both processes.
import type { BenchSection } from '../lib/context.js';
import { mib, num, s } from '../lib/report.js';

const TARGET_SYNC_MS = 30_000;
const TARGET_FINDINGS_DONE_MS = 10_000;
const TARGET_COLLECTOR_MIB = 400;
const TARGET_AGENT_MIB = 128;

export const sync: BenchSection = {
  name: 'sync',
  title: 'Initial sync',
  async run(ctx) {
    const t = (await ctx.stack()).sync;
    return {
      rows: [
        { metric: 'objects', value: num(t.objects) },
        { metric: 'agent start → all objects stored', value: s(t.syncMs), target: `< ${s(TARGET_SYNC_MS)}`, ok: t.syncMs < TARGET_SYNC_MS },
        ...(t.findingsDoneMs !== undefined
          ? [
              { metric: 'agent start → every finding evaluated', value: s(t.findingsDoneMs), target: `< ${s(TARGET_FINDINGS_DONE_MS)}`, ok: t.findingsDoneMs < TARGET_FINDINGS_DONE_MS },
              { metric: '  findings backlog when every object was stored', value: num(t.backlogAtStored ?? 0) },
              ...(t.settledMs !== undefined ? [{ metric: 'agent start → caught up with everything (findings and risk)', value: s(t.settledMs) }] : []),
            ]
          : []),
        ...(t.cpu?.collectorMs !== undefined ? [{ metric: '  collector / agent CPU until then', value: `${s(t.cpu.collectorMs)} / ${s(t.cpu.agentMs ?? NaN)}` }] : []),
        ...(t.cpu?.collectorMainMs !== undefined ? [{ metric: "  of which the collector's JavaScript thread", value: s(t.cpu.collectorMainMs) }] : []),
        ...(t.cpu?.apiServerMs !== undefined ? [{ metric: '  test API server (and these polls) CPU meanwhile', value: s(t.cpu.apiServerMs) }] : []),
        { metric: '  of which agent process start-up', value: s(t.agentStartupMs) },
        { metric: '  agent start → first object stored', value: s(t.firstObjectMs) },
        { metric: 'throughput (incl. start-up)', value: `${num(t.objectsPerSecond)} obj/s` },
        { metric: 'throughput (after start-up)', value: `${num(t.objects / (t.syncAfterStartupMs / 1000))} obj/s` },
        { metric: 'slowest GET /api/v1/clusters during sync', value: `${t.slowestPollMs.toFixed(0)} ms${t.pollErrors.length ? ` (${t.pollErrors.length} failed)` : ''}` },
        ...(t.ingestBatches
          ? [{ metric: 'ingest transactions (messages each)', value: `${num(t.ingestBatches)} (${((t.ingestMessages ?? 0) / t.ingestBatches).toFixed(0)})` }]
          : []),
        { metric: 'collector peak RSS (VmHWM)', value: mib(t.collector.hwmMiB), target: `< ${TARGET_COLLECTOR_MIB} MiB`, ok: t.collector.hwmMiB < TARGET_COLLECTOR_MIB },
        { metric: 'collector RSS after sync', value: mib(t.collector.rssMiB) },
        ...(t.collectorAfterFindings
          ? [
              { metric: 'collector RSS once every finding is evaluated', value: mib(t.collectorAfterFindings.rssMiB) },
              { metric: 'collector peak RSS until then (VmHWM)', value: mib(t.collectorAfterFindings.hwmMiB), target: `< ${TARGET_COLLECTOR_MIB} MiB`, ok: t.collectorAfterFindings.hwmMiB < TARGET_COLLECTOR_MIB },
            ]
          : []),
        { metric: 'agent peak RSS (VmHWM)', value: mib(t.agent.hwmMiB), target: `< ${TARGET_AGENT_MIB} MiB`, ok: t.agent.hwmMiB < TARGET_AGENT_MIB },
        { metric: 'agent RSS after sync', value: mib(t.agent.rssMiB) },
        { metric: '  of which its own (RssAnon) / node binary and files (RssFile)', value: `${t.agent.anonMiB.toFixed(0)} / ${mib(t.agent.fileMiB)}` },
        { metric: 'test API server: generate + start', value: s(t.generateMs) },
        { metric: 'collector start-up', value: s(t.collectorStartMs) },
      ],
      data: { ...t },
    };
  },
};
