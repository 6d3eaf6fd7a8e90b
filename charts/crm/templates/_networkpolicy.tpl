{{/* A NetworkPolicy peer from {namespaceSelector, podSelector} (both must match). */}}
{{- define "crm.peer" -}}
namespaceSelector:
  {{- toYaml .namespaceSelector | nindent 2 }}
podSelector:
  {{- toYaml .podSelector | nindent 2 }}
{{- end -}}

{{/* Egress to the cluster's DNS. */}}
{{- define "crm.dnsEgress" -}}
# DNS.
- to:
    - {{ include "crm.peer" .Values.networkPolicy.dns | nindent 6 | trim }}
  ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]
{{- end -}}

{{/* Egress to a dependency: its in-chart pods, or its external servers (networkPeers, any address when empty). Args: root, dependency, in-chart port. */}}
{{- define "crm.dependencyEgress" -}}
{{- $root := index . 0 -}}
{{- $name := index . 1 -}}
{{- $dependency := index $root.Values $name -}}
# {{ $name }}.
{{- if eq $dependency.mode "internal" }}
- to:
    - podSelector:
        matchLabels:
          {{- include "crm.selectorLabels" (list $root $name) | nindent 10 }}
  ports: [{port: {{ index . 2 }}, protocol: TCP}]
{{- else }}
- {{- with $dependency.external.networkPeers }}
  to:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  ports: [{port: {{ include "crm.int" $dependency.external.port }}, protocol: TCP}]
{{- end }}
{{- end -}}

{{/* Egress to where traces go: the in-chart collector, or the port of observability.otlpEndpoint. */}}
{{- define "crm.telemetryEgress" -}}
{{- $o := .Values.observability -}}
{{- if $o.collector.enabled -}}
# Traces, to the collector.
- to:
    - podSelector:
        matchLabels:
          {{- include "crm.selectorLabels" (list . "otel-collector") | nindent 10 }}
  ports: [{port: 4318, protocol: TCP}]
{{- else if $o.otlpEndpoint -}}
{{- $host := (urlParse $o.otlpEndpoint).host -}}
# Traces, to {{ $o.otlpEndpoint }}.
- ports: [{port: {{ ternary (regexFind "[0-9]+$" $host) "4318" (contains ":" $host) }}, protocol: TCP}]
{{- end -}}
{{- end -}}
