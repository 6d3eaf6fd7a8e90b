/** One service's part of an access export, as it answered (a JSON document). */
export interface ExportPart {
  service: string;
  dataJson: string;
}

export interface ExportFacts {
  requestId: string;
  subjectId: string;
  requestedAt: Date;
  completedAt: Date;
}

/**
 * The export of an access request: every service's part, by service name, in one JSON document.
 * Built the same way from the same parts every time, byte for byte, so that its SHA-256 in the
 * receipt matches the export whenever it is fetched.
 */
export function assembleExport(facts: ExportFacts, parts: ExportPart[]): string {
  const head = JSON.stringify({
    type: "crm.subject-access-export.v1",
    requestId: facts.requestId,
    subjectId: facts.subjectId,
    requestedAt: facts.requestedAt.toISOString(),
    completedAt: facts.completedAt.toISOString(),
  });
  const services = [...parts]
    .sort((a, b) => a.service.localeCompare(b.service))
    .map((part) => `${JSON.stringify(part.service)}:${part.dataJson}`)
    .join(",");
  return `${head.slice(0, -1)},"services":{${services}}}`;
}
