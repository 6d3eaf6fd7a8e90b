import { supportTicketsV1 } from "@crm/proto";
import { call, policyInput, startTestService, tenant } from "../services/support-tickets/test/support";
it("dbg", async () => {
  const h = await startTestService("dbg");
  const t = tenant("x");
  const { policy } = await call(h, t, "createSlaPolicy", { policy: policyInput({}), requestId: "" });
  const got = await h.service.deps.policies.get(t.tenantId, policy!.id);
  console.log(JSON.stringify(got));
  try { supportTicketsV1.SlaPolicy.encode(require("../services/support-tickets/src/rpc/settings-mapping").toProtoPolicy(got)); } catch (e) { console.log("ENC", e); }
  await h.stop();
});
