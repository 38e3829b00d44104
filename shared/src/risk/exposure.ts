// The ways outside traffic reaches a workload: Services that select it (LoadBalancer,
// NodePort, externalIPs), Ingresses routing to those Services, host ports and the host
// network; each judged against the workload's ingress NetworkPolicies.
import type { ClusterView } from '../engine/types.js';
import type { KubeObject } from '../model/object.js';
import { admitsExternal, admitsPods, type DirectionTraffic } from '../network/policy.js';
import { ingressesRoutingTo, serviceExposures, servicesSelecting } from '../network/service-exposure.js';
import { containersOf } from '../workload/containers.js';
import type { PodTemplate } from '../workload/pod-template.js';
import type { Entry, PathStep } from './types.js';

/**
 * Entries into the workload, admitted or not. Outside clients (load balancer, node port,
 * external IP, host port) pass when the ingress policies admit external sources; an
 * Ingress's traffic comes from the controller's pods, so it passes when they admit pods.
 * NetworkPolicies never apply to host-network pods.
 */
export function entriesOf(view: ClusterView, w: KubeObject, t: PodTemplate, ingress: DirectionTraffic): Entry[] {
  const ns = w.metadata.namespace ?? '';
  const hostNetwork = t.spec.hostNetwork === true;
  const external = hostNetwork || admitsExternal(ingress);
  const fromPods = hostNetwork || admitsPods(ingress);
  const out: Entry[] = [];
  for (const svc of servicesSelecting(view, ns, t.metadata.labels)) {
    const name = svc.metadata.name ?? '';
    for (const e of serviceExposures(svc)) {
      out.push({
        via: e.via,
        steps: [{ kind: 'Service', namespace: ns, name, relation: e.via }],
        detail: `Service ${ns}/${name}: ${e.detail}`,
        restricted: e.restricted,
        admitted: external,
      });
    }
    for (const { ingress: ing, hosts } of ingressesRoutingTo(view, ns, name)) {
      const steps: PathStep[] = [
        { kind: 'Ingress', namespace: ns, name: ing.metadata.name ?? '', relation: 'ingress' },
        { kind: 'Service', namespace: ns, name, relation: 'routes-to' },
      ];
      out.push({ via: 'ingress', steps, detail: `Ingress ${ns}/${ing.metadata.name} (${hosts.join(', ')}) → Service ${name}`, restricted: false, admitted: fromPods });
    }
  }
  const hostPorts: number[] = [];
  const ports: number[] = [];
  for (const ref of containersOf(t.spec, t.specPath)) {
    for (const p of Array.isArray(ref.container.ports) ? ref.container.ports : []) {
      if (typeof p?.hostPort === 'number' && p.hostPort > 0) hostPorts.push(p.hostPort);
      else if (typeof p?.containerPort === 'number') ports.push(p.containerPort);
    }
  }
  if (hostPorts.length) {
    out.push({ via: 'host-port', steps: [], detail: `host port${hostPorts.length > 1 ? 's' : ''} ${hostPorts.join(', ')} on its nodes`, restricted: false, admitted: external });
  }
  // On the host network every declared port listens on the node's addresses.
  if (hostNetwork && ports.length) {
    out.push({ via: 'host-network', steps: [], detail: `host network, listening on port${ports.length > 1 ? 's' : ''} ${ports.join(', ')} of its nodes`, restricted: false, admitted: true });
  }
  return out;
}
