import type { Logger } from "@crm/kit/edge";
import { connectMongo, connectRedis, pingMongo, pingRedis } from "@crm/kit/edge-store";
import type { Redis } from "ioredis";
import type { Connection } from "mongoose";
import { createApiKeyModel } from "../api-keys/api-key.model";
import { ApiKeyStore } from "../api-keys/api-key-store";
import { ApiKeyVerifier } from "../api-keys/api-key-verifier";
import { IdempotencyStore } from "../http/idempotency-store";
import { createDeliveryModel } from "../webhooks/delivery.model";
import { DeliveryStore } from "../webhooks/delivery-store";
import { createSubscriptionModel } from "../webhooks/subscription.model";
import { SubscriptionStore } from "../webhooks/subscription-store";

export interface StateSettings {
  redisUrl: string;
  redisKeyPrefix: string;
  mongodbUrl: string;
  mongodbDatabase: string;
  /** How long a request may hold its Idempotency-Key before the claim lapses. */
  idempotencyRunningMs: number;
  apiKeyCacheMs: number;
}

/**
 * What the gateway keeps of its own. Redis holds what is short-lived and hot on the request
 * path: Idempotency-Key records (24 h) and rate-limit buckets. MongoDB (its own database, with
 * the kit's tenant scoping) holds what must last: API keys, webhook subscriptions and the
 * delivery log.
 */
export class GatewayState {
  private constructor(
    readonly redis: Redis,
    readonly mongo: Connection,
    readonly idempotency: IdempotencyStore,
    readonly apiKeys: ApiKeyStore,
    readonly apiKeyVerifier: ApiKeyVerifier,
    readonly subscriptions: SubscriptionStore,
    readonly deliveries: DeliveryStore,
  ) {}

  static async connect(settings: StateSettings, log: Logger): Promise<GatewayState> {
    const redis = connectRedis(settings.redisUrl, settings.redisKeyPrefix, log);
    const mongo = await connectMongo(settings.mongodbUrl, settings.mongodbDatabase);
    const apiKeys = new ApiKeyStore(await createApiKeyModel(mongo));
    return new GatewayState(
      redis,
      mongo,
      new IdempotencyStore(redis, settings.idempotencyRunningMs),
      apiKeys,
      new ApiKeyVerifier(apiKeys, settings.apiKeyCacheMs),
      new SubscriptionStore(await createSubscriptionModel(mongo)),
      new DeliveryStore(await createDeliveryModel(mongo)),
    );
  }

  ping(): { redis: () => Promise<void>; mongodb: () => Promise<void> } {
    return { redis: () => pingRedis(this.redis), mongodb: () => pingMongo(this.mongo) };
  }

  async close(): Promise<void> {
    this.redis.disconnect();
    await this.mongo.close();
  }
}
