{{/* Names */}}
{{- define "stance.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "stance.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* "<fullname>-<component>", kept within 63 characters. */}}
{{- define "stance.componentName" -}}
{{- printf "%s-%s" (include "stance.fullname" .root | trunc (int (sub 62 (len .component))) | trimSuffix "-") .component -}}
{{- end -}}

{{/* Labels */}}
{{- define "stance.selectorLabels" -}}
app.kubernetes.io/name: {{ include "stance.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "stance.labels" -}}
{{ include "stance.selectorLabels" . }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: stance
{{- with .root.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* The image reference: a digest wins over the tag. */}}
{{- define "stance.image" -}}
{{- $img := .Values.image -}}
{{- if $img.digest -}}
{{- printf "%s@%s" $img.repository $img.digest -}}
{{- else -}}
{{- printf "%s:%s" $img.repository (default .Chart.AppVersion $img.tag) -}}
{{- end -}}
{{- end -}}

{{/* Object names */}}
{{- define "stance.collectorName" -}}{{ include "stance.componentName" (dict "root" . "component" "collector") }}{{- end -}}
{{- define "stance.clusterAgentName" -}}{{ include "stance.componentName" (dict "root" . "component" "cluster-agent") }}{{- end -}}
{{- define "stance.nodeAgentName" -}}{{ include "stance.componentName" (dict "root" . "component" "node-agent") }}{{- end -}}
{{- define "stance.grpcServiceName" -}}{{ include "stance.componentName" (dict "root" . "component" "grpc") }}{{- end -}}
{{- define "stance.httpServiceName" -}}{{ include "stance.componentName" (dict "root" . "component" "http") }}{{- end -}}
{{- define "stance.agentTokensSecretName" -}}{{ include "stance.componentName" (dict "root" . "component" "agent-tokens") }}{{- end -}}
{{- define "stance.apiTokensSecretName" -}}{{ include "stance.componentName" (dict "root" . "component" "api-tokens") }}{{- end -}}

{{/* The Secret with tls.crt, tls.key and ca.crt for the collector. */}}
{{- define "stance.tlsSecretName" -}}
{{- if .Values.tls.existingSecret -}}
{{- .Values.tls.existingSecret -}}
{{- else -}}
{{- include "stance.componentName" (dict "root" . "component" "tls") -}}
{{- end -}}
{{- end -}}

{{/* DNS names of the collector's gRPC and HTTP Services, for its certificate. */}}
{{- define "stance.tlsDnsNames" -}}
{{- $ns := .Release.Namespace -}}
{{- $names := list -}}
{{- range $svc := list (include "stance.grpcServiceName" .) (include "stance.httpServiceName" .) -}}
{{- $names = concat $names (list $svc (printf "%s.%s" $svc $ns) (printf "%s.%s.svc" $svc $ns) (printf "%s.%s.svc.cluster.local" $svc $ns)) -}}
{{- end -}}
{{- concat $names .Values.tls.extraDnsNames | uniq | toJson -}}
{{- end -}}

{{/* HOST:PORT the agents dial. */}}
{{- define "stance.collectorAddress" -}}
{{- if .Values.agents.collectorAddress -}}
{{- .Values.agents.collectorAddress -}}
{{- else if .Values.collector.enabled -}}
{{- printf "%s.%s.svc:%d" (include "stance.grpcServiceName" .) .Release.Namespace (int .Values.collector.grpcPort) -}}
{{- else -}}
{{- fail "agents.collectorAddress is required when collector.enabled is false (HOST:PORT of the remote collector's gRPC endpoint)" -}}
{{- end -}}
{{- end -}}

{{/* The Secret holding the agents' tokens (keys cluster-agent-token, node-agent-token). */}}
{{- define "stance.agentTokenSecret" -}}
{{- if .Values.agents.tokenSecret -}}
{{- .Values.agents.tokenSecret -}}
{{- else if and .Values.collector.enabled (not .Values.collector.agentTokensSecret) -}}
{{- include "stance.agentTokensSecretName" . -}}
{{- else if not .Values.collector.enabled -}}
{{- fail "agents.tokenSecret is required when collector.enabled is false: a Secret with keys cluster-agent-token and node-agent-token, made from the tokens the collector's release generated for this cluster" -}}
{{- else -}}
{{- fail "agents.tokenSecret is required with collector.agentTokensSecret: the chart cannot read the agents' tokens from your tokens file" -}}
{{- end -}}
{{- end -}}

{{/* The Secret with the CA (key ca.crt) the agents verify the collector with. */}}
{{- define "stance.agentCaSecret" -}}
{{- if .Values.agents.caSecret -}}
{{- .Values.agents.caSecret -}}
{{- else if .Values.collector.enabled -}}
{{- include "stance.tlsSecretName" . -}}
{{- else -}}
{{- fail "agents.caSecret is required when collector.enabled is false (a Secret whose ca.crt signed the remote collector's certificate), unless agents.insecure is true" -}}
{{- end -}}
{{- end -}}

{{/*
A random token that survives upgrades: the value already in the Secret when there is
one (lookup answers nothing under `helm template`), else a new one.
*/}}
{{- define "stance.keptToken" -}}
{{- $existing := lookup "v1" "Secret" .root.Release.Namespace .secret -}}
{{- if and $existing $existing.data (hasKey $existing.data .key) -}}
{{- index $existing.data .key | b64dec -}}
{{- else -}}
{{- randAlphaNum 48 -}}
{{- end -}}
{{- end -}}

{{/* Pod-level security settings every Stance pod shares. */}}
{{- define "stance.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.runAsUser }}
runAsGroup: {{ .Values.runAsGroup }}
fsGroup: {{ .Values.runAsGroup }}
fsGroupChangePolicy: OnRootMismatch
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Container-level security settings: read-only root, no privilege, no capability. */}}
{{- define "stance.containerSecurityContext" -}}
allowPrivilegeEscalation: false
privileged: false
readOnlyRootFilesystem: true
runAsNonRoot: true
runAsUser: {{ .Values.runAsUser }}
runAsGroup: {{ .Values.runAsGroup }}
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* In-manifest exemption (the engine's stance.dev/exempt annotation). */}}
{{- define "stance.exemption" -}}
stance.dev/exempt: {{ join "," .controls | quote }}
stance.dev/exempt-reason: {{ .reason | quote }}
{{- end -}}

{{/* Environment of both agents: where the collector is and how to trust it. */}}
{{- define "stance.agentEnv" -}}
- name: STANCE_COLLECTOR
  value: {{ include "stance.collectorAddress" .root | quote }}
- name: STANCE_CLUSTER_NAME
  value: {{ .root.Values.clusterName | quote }}
- name: STANCE_AGENT_TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ include "stance.agentTokenSecret" .root }}
      key: {{ .tokenKey }}
- name: POD_NAME
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
{{- end -}}

{{- define "stance.agentTlsArgs" -}}
{{- if and .Values.agents.insecure .Values.collector.enabled (not .Values.agents.collectorAddress) }}
{{- fail "agents.insecure is for a remote collector (agents.collectorAddress) that serves plain-text gRPC: this release's collector always serves TLS, so its agents could not connect" }}
{{- end }}
{{- if .Values.agents.insecure }}
- --insecure
{{- else }}
- --tls-ca=/etc/stance/ca/ca.crt
{{- end }}
{{- end -}}

{{- define "stance.agentCaVolume" -}}
{{- if not .Values.agents.insecure }}
- name: collector-ca
  secret:
    secretName: {{ include "stance.agentCaSecret" . }}
    items:
      - key: ca.crt
        path: ca.crt
{{- end }}
{{- end -}}

{{- define "stance.agentCaMount" -}}
{{- if not .Values.agents.insecure }}
- name: collector-ca
  mountPath: /etc/stance/ca
  readOnly: true
{{- end }}
{{- end -}}

{{- define "stance.priorityClassName" -}}
{{- $name := default .root.Values.priorityClassName .component.priorityClassName -}}
{{- if $name }}
priorityClassName: {{ $name }}
{{- end }}
{{- end -}}

{{- define "stance.imagePullSecrets" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
{{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* Reasons shared by several exemption annotations. */}}
{{- define "stance.secretsReadReason" -}}
Stance's cluster agent lists and watches Secrets as metadata only (PartialObjectMetadata), so their values never leave it; RBAC cannot grant list/watch on metadata alone. Its ClusterRole is read-only and names only the kinds it watches.
{{- end -}}

{{- define "stance.agentProbeReason" -}}
It serves no port to probe: it exits on an unrecoverable error (the kubelet restarts it), and the collector reports each agent as connected, stale or disconnected from its heartbeats.
{{- end -}}

{{/*
Generated Secrets (tokens, CA, certificate) outlive `helm uninstall` when keepGeneratedSecrets
is on: a reinstall of the same release adopts them, so remote agents keep their tokens and CA.
*/}}
{{- define "stance.keepAnnotation" -}}
{{- if .Values.keepGeneratedSecrets }}helm.sh/resource-policy: keep{{ end }}
{{- end }}
