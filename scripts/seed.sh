#!/usr/bin/env bash
# Seeds demo contacts through the public API (so seeding exercises the same path as clients).
#   scripts/seed.sh API_URL TOKEN
set -euo pipefail
api="$1" token="$2"
while IFS='|' read -r given family email type country tags; do
  curl -fsS -o /dev/null -X POST "$api/v1/contacts" \
    -H "Authorization: Bearer $token" -H "Content-Type: application/json" -H "Idempotency-Key: seed-$email" \
    -d "{\"givenName\":\"$given\",\"familyName\":\"$family\",\"email\":\"$email\",\"type\":\"$type\",\"country\":\"$country\",\"tags\":[\"$tags\"]}"
done <<'ROWS'
Ada|Lovelace|ada@analytical.example|customer|GB|vip
Grace|Hopper|grace@cobol.example|customer|US|enterprise
Maria|Skłodowska|maria@radium.example|partner|PL|research
Alan|Turing|alan@bletchley.example|prospect|GB|enterprise
Katherine|Johnson|katherine@orbit.example|customer|US|vip
Ion|Creangă|ion@povesti.example|supplier|RO|publishing
Hedy|Lamarr|hedy@spread.example|prospect|AT|research
Tim|Berners-Lee|tim@web.example|competitor|GB|web
ROWS
echo "seeded 8 demo contacts" >&2
