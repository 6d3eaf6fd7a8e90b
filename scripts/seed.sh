#!/usr/bin/env bash
# Seeds demo data through the public API, so that seeding exercises the same paths as clients:
# organisations by POST, people by a CSV import linked to them. Safe to run twice (idempotency
# keys and the import's upsert on e-mail).
#   scripts/seed.sh API_URL TOKEN
set -euo pipefail
api="$1" token="$2"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
auth=(-H "Authorization: Bearer $token")
json_field() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s)[process.argv[1]]))' "$1"; }

csv="$(cat "$here/seed/contacts.csv")"
while IFS='|' read -r name domain industry size; do
  id="$(curl -fsS -X POST "$api/v1/organizations" "${auth[@]}" -H "Content-Type: application/json" -H "Idempotency-Key: seed-$domain" \
    -d "{\"name\":\"$name\",\"domain\":\"$domain\",\"industry\":\"$industry\",\"size\":\"$size\",\"type\":\"customer\"}" | json_field id)"
  csv="${csv//,$domain,/,$id,}"
done <<'ROWS'
Analytical Engines Ltd|analytical.example|Computing|11-50
COBOL Systems Inc.|cobol.example|Software|201-1000
Radium Institute|radium.example|Research|51-200
ROWS

job="$(curl -fsS -X POST "$api/v1/imports" "${auth[@]}" -H "Content-Type: application/json" \
  -d '{"entity":"contacts","columnMapping":{"givenName":"givenName","familyName":"familyName","email":"email","phone":"phone","city":"city","country":"country","type":"type","tags":"tags","title":"title","organizationDomain":"organizationId","organizationRole":"organizationRole","decisionMaker":"decisionMaker"},"onDuplicate":"update"}' | json_field id)"
printf '%s\n' "$csv" | curl -fsS -X PUT "$api/v1/imports/$job/file" "${auth[@]}" -H "Content-Type: text/csv" --data-binary @- >/dev/null
# The upload answers once the file is stored; the job runs on its own.
for _ in $(seq 1 150); do
  result="$(curl -fsS "$api/v1/imports/$job" "${auth[@]}")"
  case "$(printf '%s' "$result" | json_field status)" in completed|failed) break ;; esac
  sleep 0.2
done
echo "seeded 3 organisations and $(printf '%s' "$result" | json_field created) people (import $job: $(printf '%s' "$result" | json_field status))" >&2
