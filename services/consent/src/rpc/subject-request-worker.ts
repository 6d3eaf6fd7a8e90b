import type { Logger } from "@crm/kit";
import type { SubjectRequestRepository } from "../store/subject-request-repository";
import { PeriodicTask } from "./periodic-task";
import type { SubjectRequestCoordinator } from "./subject-request-coordinator";

/**
 * Moves subject requests on, in every tenant: each request due for a question is claimed (its
 * next question moved `leaseMs` on, so that one replica takes it and another takes over if that
 * one stops) and handed to the coordinator. Kicked when an access request starts.
 */
export function subjectRequestWorker(
  coordinator: SubjectRequestCoordinator,
  requests: SubjectRequestRepository,
  settings: { pollMs: number; leaseMs: number; log: Logger },
): PeriodicTask {
  return new PeriodicTask(
    "subject requests",
    settings.pollMs,
    async (shouldStop) => {
      for (let request = await requests.claimDue(settings.leaseMs); request; request = shouldStop() ? undefined : await requests.claimDue(settings.leaseMs)) {
        await coordinator.advance(request);
      }
    },
    settings.log,
  );
}
