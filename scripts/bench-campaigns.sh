#!/usr/bin/env bash
# Benchmarks the marketing-campaign service against real contacts and consent services (started
# as the tests start them, on the local infrastructure) and prints figures:
#  1. audience build: a campaign to a segment of ROWS contacts (default 100 000): the contacts
#     streamed from the contacts service (StreamContacts) and checked against the consent service
#     in batches, with the snapshot stored, timed from the send to the complete audience;
#  2. the send rate to the file provider (messages per second, the tenant's rate set beyond reach),
#     each message recorded before and confirmed after the provider call, with its event.
# The contacts are the contacts benchmark's (crm_contacts_bench_<ROWS>, tenant `bench`), seeded in
# bulk by services/contacts/bench/seed-contacts.mjs and kept for later runs (about 15 minutes the
# first time on two busy cores; RESEED=1 seeds again). The consents (an opt-out purpose, 10 % of
# the contacts objecting, 1 % of their addresses suppressed) and the campaign's own data are made
# anew and dropped afterwards. A few minutes once seeded.
#   ROWS=100000 scripts/bench-campaigns.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bash "$ROOT/scripts/bootstrap.sh"
bash "$ROOT/scripts/infra.sh" start
set -a && source "$DATA/infra.env" && set +a
cd "$ROOT"
pnpm turbo run build --output-logs=errors-only >&2
ROWS="${ROWS:-100000}"
database="crm_contacts_bench_$ROWS"
log "seeding $database ($ROWS contacts, kept for later runs)"
(cd services/contacts && MONGODB_DATABASE="$database" ROWS="$ROWS" TENANT=bench node bench/seed-contacts.mjs)
(cd services/marketing-campaign && CONTACTS_DATABASE="$database" ROWS="$ROWS" NPROC="$(nproc)" node bench/campaign-bench.mjs)
