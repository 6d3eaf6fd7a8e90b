{{/*
One workload (the gateway or a service) as every per-workload template sees it. Each template
loops over "crm.workloadNames" and resolves each name into a dict:

  {{- range $name := splitList " " (include "crm.workloadNames" $) }}
  {{- $w := dict }}{{ include "crm.resolveWorkload" (list $ $name $w) }}

Templates cannot return structures, so the helpers fill the dict they are given (dicts are
references) instead of printing YAML to parse again, which would also turn numbers into floats.
*/}}

{{/* Deep merge of src into dst, in place: maps merge key by key, anything else (false, 0, lists) replaces. Args: dst, src. */}}
{{- define "crm.mergeInto" -}}
{{- $dst := index . 0 -}}
{{- range $key, $value := index . 1 -}}
{{- if and (kindIs "map" $value) (kindIs "map" (get $dst $key)) -}}
{{- include "crm.mergeInto" (list (get $dst $key) $value) -}}
{{- else -}}
{{- $_ := set $dst $key $value -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Fills $w with the workload's settings: `defaults`, then its own, then what the chart derives. Args: root, name, $w. */}}
{{- define "crm.resolveWorkload" -}}
{{- $root := index . 0 -}}
{{- $name := index . 1 -}}
{{- $w := index . 2 -}}
{{- $isGateway := eq $name "gateway" -}}
{{- $own := $root.Values.gateway -}}
{{- if not $isGateway -}}
{{- $own = index $root.Values.services $name -}}
{{- end -}}
{{- include "crm.mergeInto" (list $w (deepCopy $root.Values.defaults)) -}}
{{- include "crm.mergeInto" (list $w (deepCopy $own)) -}}
{{- $_ := set $w "name" $name -}}
{{- $_ := set $w "isGateway" $isGateway -}}
{{- $_ := set $w "fullname" (include "crm.componentName" (list $root $name)) -}}
{{- $_ := set $w "mainPort" (ternary $w.ports.http $w.ports.grpc $isGateway) -}}
{{- $_ := set $w "mainPortName" (ternary "http" "grpc" $isGateway) -}}
{{- $shutdown := $w.shutdown -}}
{{- if le (int64 $shutdown.terminationGracePeriodSeconds) (add (int64 $shutdown.preStopSleepSeconds) (int64 $shutdown.drainSeconds)) -}}
{{- fail (printf "%s: shutdown.terminationGracePeriodSeconds (%d) must exceed preStopSleepSeconds + drainSeconds (%d): the pod would be killed while it drains" $name (int64 $shutdown.terminationGracePeriodSeconds) (add (int64 $shutdown.preStopSleepSeconds) (int64 $shutdown.drainSeconds))) -}}
{{- end -}}
{{- $image := $w.image | default dict -}}
{{- $repository := $image.repository | default (printf "%scrm-%s" (ternary "" (printf "%s/" (trimSuffix "/" $root.Values.image.registry)) (empty $root.Values.image.registry)) $name) -}}
{{- $tag := $image.tag | default $root.Values.image.tag | default $root.Chart.AppVersion -}}
{{- $_ := set $w "imageRef" (ternary (printf "%s@%s" $repository $image.digest) (printf "%s:%s" $repository $tag) (not (empty $image.digest))) -}}
{{- $env := dict -}}
{{- include "crm.workloadEnv" (list $root $w $env) -}}
{{- $_ := set $w "env" $env -}}
{{- $config := dict -}}
{{- $refs := dict -}}
{{- range $key, $value := $env -}}
{{- if kindIs "map" $value -}}
{{- $_ := set $refs $key $value -}}
{{- else -}}
{{- $_ := set $config $key (include "crm.envString" $value) -}}
{{- end -}}
{{- end -}}
{{- $_ := set $w "config" $config -}}
{{- $_ := set $w "secretEnv" $refs -}}
{{- end -}}

{{/*
The environment of one workload, by variable name: what the chart derives (ports, addresses,
dependencies, telemetry), then the chart-wide `env`, then the workload's own `env`, so that any
variable can be overridden alone. Args: root, $w, $env.
*/}}
{{- define "crm.workloadEnv" -}}
{{- $root := index . 0 -}}
{{- $w := index . 1 -}}
{{- $env := index . 2 -}}
{{- $v := $root.Values -}}
{{- $_ := set $env "SERVICE_NAME" $w.name -}}
{{- $_ := set $env "NODE_ENV" "production" -}}
{{- $_ := set $env "NODE_OPTIONS" $w.nodeOptions -}}
{{- $_ := set $env "OPS_PORT" $w.ports.ops -}}
{{- $_ := set $env "SHUTDOWN_GRACE_MS" (mul (int64 $w.shutdown.drainSeconds) 1000) -}}
{{- $_ := set $env "IDENTITY_SIGNING_KEY" (dict "secretKeyRef" $v.secrets.identitySigningKey) -}}
{{- with include "crm.otlpEndpoint" $root -}}
{{- $_ := set $env "OTEL_EXPORTER_OTLP_ENDPOINT" . -}}
{{- end -}}
{{- include "crm.dependencyEnv" (list $root $env "NATS_URL" "nats" $w.name (printf "nats://%s:4222" (include "crm.componentName" (list $root "nats")))) -}}
{{- /* Every workload keeps state in MongoDB and Redis; the gateway its idempotency records, rate limits, API keys and webhooks. */ -}}
{{- $_ := set $env "MONGODB_DATABASE" ($w.database | default (printf "crm_%s" (replace "-" "_" $w.name))) -}}
{{- include "crm.dependencyEnv" (list $root $env "MONGODB_URL" "mongodb" $w.name (printf "mongodb://%s:27017" (include "crm.componentName" (list $root "mongodb")))) -}}
{{- include "crm.dependencyEnv" (list $root $env "REDIS_URL" "redis" $w.name (printf "redis://%s:6379" (include "crm.componentName" (list $root "redis")))) -}}
{{- if $w.isGateway -}}
{{- $_ := set $env "PORT" $w.ports.http -}}
{{- range $service, $settings := $v.services -}}
{{- $_ := set $env $settings.addressEnv (include "crm.serviceAddress" (list $root $service)) -}}
{{- end -}}
{{- if $w.auth.jwksUrl -}}
{{- $_ := set $env "AUTH_JWKS_URL" $w.auth.jwksUrl -}}
{{- else -}}
{{- $_ := set $env "AUTH_JWT_SECRET" (dict "secretKeyRef" $w.auth.jwtSecret) -}}
{{- end -}}
{{- with $w.auth.issuer }}{{ $_ := set $env "AUTH_ISSUER" . }}{{ end -}}
{{- with $w.auth.audience }}{{ $_ := set $env "AUTH_AUDIENCE" . }}{{ end -}}
{{- else -}}
{{- $_ := set $env "GRPC_PORT" $w.ports.grpc -}}
{{- range $callee := $w.calls -}}
{{- if not (hasKey $v.services $callee) -}}
{{- fail (printf "services.%s.calls names %q, which is not a service of this chart" $w.name $callee) -}}
{{- end -}}
{{- $_ := set $env (index $v.services $callee).addressEnv (include "crm.serviceAddress" (list $root $callee)) -}}
{{- end -}}
{{- end -}}
{{- include "crm.mergeInto" (list $env (deepCopy $v.env)) -}}
{{- include "crm.mergeInto" (list $env (deepCopy ($w.env | default dict))) -}}
{{- end -}}

{{/*
Where one workload finds a dependency: the in-chart instance, or the external one (a URL, or
the workload's own key in a Secret, which holds a URL with that workload's credential).
Args: root, $env, variable, dependency (mongodb, nats, redis), workload name, in-chart URL.
*/}}
{{- define "crm.dependencyEnv" -}}
{{- $root := index . 0 -}}
{{- $env := index . 1 -}}
{{- $variable := index . 2 -}}
{{- $dependency := index $root.Values (index . 3) -}}
{{- $workload := index . 4 -}}
{{- if eq $dependency.mode "internal" -}}
{{- $_ := set $env $variable (index . 5) -}}
{{- else if $dependency.external.existingSecret -}}
{{- $_ := set $env $variable (dict "secretKeyRef" (dict "name" $dependency.external.existingSecret "key" $workload)) -}}
{{- else if $dependency.external.url -}}
{{- $_ := set $env $variable $dependency.external.url -}}
{{- else -}}
{{- fail (printf "%s.mode is external: set %s.external.existingSecret (a Secret with one URL per workload)%s" (index . 3) (index . 3) (ternary "" (printf " or %s.external.url" (index . 3)) (eq (index . 3) "mongodb"))) -}}
{{- end -}}
{{- end -}}
