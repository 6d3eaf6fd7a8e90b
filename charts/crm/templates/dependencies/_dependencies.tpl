{{/*
What differs between the in-chart MongoDB, NATS and Redis (evaluation only: single replica,
no authentication, reachable only from this release's pods). Fills $d. Args: name, $d.
*/}}
{{- define "crm.dependencySpec" -}}
{{- $name := index . 0 -}}
{{- $d := index . 1 -}}
{{- if eq $name "mongodb" -}}
{{- $_ := set $d "uid" 999 -}}
{{- $_ := set $d "ports" (list (dict "name" "mongodb" "port" 27017)) -}}
{{- $_ := set $d "command" (list "mongod" "--bind_ip_all" "--dbpath" "/data" "--wiredTigerCacheSizeGB" "0.25") -}}
{{- $_ := set $d "readiness" (dict "tcpSocket" (dict "port" "mongodb")) -}}
{{- $_ := set $d "liveness" (dict "tcpSocket" (dict "port" "mongodb")) -}}
{{- $_ := set $d "clients" (list "services" "gateway") -}}
{{- else if eq $name "nats" -}}
{{- $_ := set $d "uid" 1000 -}}
{{- $_ := set $d "ports" (list (dict "name" "client" "port" 4222) (dict "name" "monitor" "port" 8222)) -}}
{{- $_ := set $d "command" (list "nats-server" "--jetstream" "--store_dir" "/data" "--http_port" "8222") -}}
{{- $_ := set $d "readiness" (dict "httpGet" (dict "path" "/healthz?js-enabled-only=true" "port" "monitor")) -}}
{{- $_ := set $d "liveness" (dict "httpGet" (dict "path" "/healthz?js-server-only=true" "port" "monitor")) -}}
{{- $_ := set $d "clients" (list "services" "gateway") -}}
{{- else if eq $name "redis" -}}
{{- $_ := set $d "uid" 999 -}}
{{- $_ := set $d "ports" (list (dict "name" "redis" "port" 6379)) -}}
{{- $_ := set $d "command" (list "redis-server" "--dir" "/data" "--appendonly" "yes" "--save" "") -}}
{{- $_ := set $d "readiness" (dict "exec" (dict "command" (list "redis-cli" "ping"))) -}}
{{- $_ := set $d "liveness" (dict "tcpSocket" (dict "port" "redis")) -}}
{{- $_ := set $d "clients" (list "services" "gateway") -}}
{{- end -}}
{{- end -}}
