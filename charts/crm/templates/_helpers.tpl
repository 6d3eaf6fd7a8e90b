{{/* Names and labels shared by every object of the chart. */}}

{{- define "crm.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* The name of one component's objects: <fullname>-<component>. Args: root, component. */}}
{{- define "crm.componentName" -}}
{{- printf "%s-%s" (include "crm.fullname" (index . 0)) (index . 1) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels that select one component's pods. Args: root, component. */}}
{{- define "crm.selectorLabels" -}}
app.kubernetes.io/name: {{ default (index . 0).Chart.Name (index . 0).Values.nameOverride }}
app.kubernetes.io/instance: {{ (index . 0).Release.Name }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end -}}

{{/* Labels of every object. Args: root, component. */}}
{{- define "crm.labels" -}}
{{ include "crm.selectorLabels" . }}
app.kubernetes.io/part-of: crm
app.kubernetes.io/version: {{ (index . 0).Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ (index . 0).Release.Service }}
helm.sh/chart: {{ printf "%s-%s" (index . 0).Chart.Name (index . 0).Chart.Version }}
{{- end -}}

{{/* Labels every pod of this release carries, whatever its component: the default-deny policy selects them. */}}
{{- define "crm.releaseSelector" -}}
app.kubernetes.io/name: {{ default .Chart.Name .Values.nameOverride }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* A number as Kubernetes wants it: helm reads values' numbers as floats (1e+06 otherwise). */}}
{{- define "crm.int" -}}
{{- int64 . -}}
{{- end -}}

{{/* An environment value as a string: numbers without a float's exponent, booleans as words. */}}
{{- define "crm.envString" -}}
{{- if or (kindIs "float64" .) (kindIs "int64" .) (kindIs "int" .) -}}
{{- if eq (float64 .) (float64 (int64 .)) }}{{ int64 . }}{{ else }}{{ . }}{{ end -}}
{{- else -}}
{{- toString . -}}
{{- end -}}
{{- end -}}

{{/* Image reference of a dependency: {repository, tag}. */}}
{{- define "crm.dependencyImage" -}}
{{- printf "%s:%s" .repository .tag -}}
{{- end -}}

{{/* Pod security context of every pod: non-root, seccomp RuntimeDefault. Args: uid. */}}
{{- define "crm.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ . }}
runAsGroup: {{ . }}
fsGroup: {{ . }}
fsGroupChangePolicy: OnRootMismatch
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Container security context of every container: read-only root, no privilege escalation, no capabilities. */}}
{{- define "crm.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
privileged: false
capabilities:
  drop: [ALL]
{{- end -}}

{{/* Image pull secrets of every pod. */}}
{{- define "crm.imagePullSecrets" -}}
{{- with .Values.image.pullSecrets -}}
imagePullSecrets:
{{- range . }}
  - name: {{ . }}
{{- end }}
{{- end -}}
{{- end -}}

{{/* Names of the components (gateway first, then each service in name order), space-separated. */}}
{{- define "crm.workloadNames" -}}
{{- $names := list "gateway" -}}
{{- range $name, $_ := .Values.services -}}
{{- $names = append $names $name -}}
{{- end -}}
{{- join " " $names -}}
{{- end -}}

{{/* Where a service's gRPC server is reached in the cluster: host:port. Args: root, service. */}}
{{- define "crm.serviceAddress" -}}
{{- $root := index . 0 -}}
{{- $service := index $root.Values.services (index . 1) -}}
{{- printf "%s:%d" (include "crm.componentName" .) (int64 $service.ports.grpc) -}}
{{- end -}}

{{/* The OTLP/HTTP endpoint pods send traces to, or nothing. */}}
{{- define "crm.otlpEndpoint" -}}
{{- if .Values.observability.collector.enabled -}}
{{- printf "http://%s:4318" (include "crm.componentName" (list . "otel-collector")) -}}
{{- else -}}
{{- .Values.observability.otlpEndpoint -}}
{{- end -}}
{{- end -}}
