import { marketingCampaignV1 } from "@crm/proto";
import { requireId, type ServiceRuntime } from "@crm/kit";
import { addMoney, emptyFigures, totalOf, type Figures } from "../domain/metrics";
import type { CampaignRepository } from "../store/campaign-repository";
import type { InfluenceRepository } from "../store/influence-repository";
import type { MessageRepository } from "../store/message-repository";
import type { RecipientRepository } from "../store/recipient-repository";
import { toProtoFigures } from "./campaign-mapping";

export interface MetricsHandlerDeps {
  campaigns: CampaignRepository;
  recipients: RecipientRepository;
  messages: MessageRepository;
  influences: InfluenceRepository;
}

/** A campaign's figures per variant and overall: its audience and exclusions, what its messages met, and its influence on deals won. */
export function metricsHandlers(rpc: ServiceRuntime["rpc"], { campaigns, recipients, messages, influences }: MetricsHandlerDeps) {
  return {
    getCampaignMetrics: rpc("GetCampaignMetrics", async (request: marketingCampaignV1.GetCampaignMetricsRequest, { identity }) => {
      requireId(request.id, "id");
      const campaign = await campaigns.get(identity.tenantId, request.id);
      const byVariant = new Map<string, Figures>(campaign.variants.map((variant) => [variant.key, emptyFigures()]));
      const of = (variant: string) => {
        let figures = byVariant.get(variant);
        if (!figures) byVariant.set(variant, (figures = emptyFigures()));
        return figures;
      };
      for (const { variant, status, reason, count } of await recipients.countsByVariant(identity.tenantId, campaign.id)) {
        const figures = of(variant);
        figures.audience += count;
        if (status === "excluded") figures.excluded[reason] = (figures.excluded[reason] ?? 0) + count;
      }
      for (const counts of await messages.countsByVariant(identity.tenantId, campaign.id)) {
        const { variant, ...rest } = counts;
        Object.assign(of(variant), rest);
      }
      const total = totalOf(byVariant.values());
      for (const influence of await influences.ofCampaign(identity.tenantId, campaign.id)) {
        const amount = influence.currency ? { currency: influence.currency, amountMinor: influence.amountMinor } : undefined;
        for (const figures of [of(influence.variant), total]) {
          figures.influencedDeals += 1;
          if (amount) addMoney(figures.influenced, amount);
        }
      }
      return {
        total: toProtoFigures(total),
        variants: [...byVariant].map(([key, figures]) => ({ key, figures: toProtoFigures(figures) })),
      };
    }),
  };
}
