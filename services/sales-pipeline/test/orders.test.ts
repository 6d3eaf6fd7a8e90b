import { status as Status } from "@grpc/grpc-js";
import { fieldViolationsOf, uuidv7 } from "@crm/kit";
import { eventsV1, salesPipelineV1 } from "@crm/proto";
import { EventWatcher } from "@crm/testing";
import { apiOf, grpcError, startTestService, tenant, waitFor, where, type DeepPartial, type TestService } from "./support";

// The catalogue, orders and customer value, on the real FerretDB, NATS and Redis.
let harness: TestService;
let api: ReturnType<typeof apiOf>;
let published: EventWatcher;

beforeAll(async () => {
  harness = await startTestService("sales_orders");
  api = apiOf(harness.client);
  published = await EventWatcher.start("crm.sales-pipeline.order.>");
});
afterAll(async () => {
  await published?.stop();
  await harness?.stop();
});

type Who = ReturnType<typeof tenant>;
const money = (currencyCode: string, minor: number) => ({ currencyCode, amountMinor: String(minor) });
const catalogue = async (who: Who) => {
  await api.createProduct(who, { product: { sku: "sku-1", name: "CRM seat", prices: [money("EUR", 4_900), money("USD", 5_500)], billing: "recurring", interval: "month" } });
  await api.createProduct(who, { product: { sku: "SKU-2", name: "Onboarding", prices: [money("EUR", 120_000)] } });
};
const order = async (who: Who, fields: DeepPartial<salesPipelineV1.OrderInput>) => (await api.createOrder(who, { order: { currencyCode: "EUR", ...fields } })).order!;
const valueOf = (who: Who, contactId: string) => api.getCustomerValue(who, { customerType: "contact", customerId: contactId });

describe("products and orders", () => {
  it("keeps one product per SKU and refuses bad prices", async () => {
    const who = tenant("catalogue");
    await catalogue(who);
    expect((await grpcError(api.createProduct(who, { product: { sku: "SKU-1", name: "Again" } }))).code).toBe(Status.ALREADY_EXISTS);
    const bad = await grpcError(api.createProduct(who, { product: { sku: "x y", name: "Bad", prices: [money("EURO", 5), money("USD", -1)] } }));
    expect(fieldViolationsOf(bad).map((v) => v.field)).toEqual(["product.sku", "product.prices[0].currencyCode", "product.prices[1].amountMinor"]);
    expect((await api.listProducts(who, {})).products.map((p) => p.sku)).toEqual(["SKU-1", "SKU-2"]);
  });

  it("totals orders from the catalogue or given prices, announces them, and moves them through their statuses", async () => {
    const who = tenant("orders");
    await catalogue(who);
    const contactId = uuidv7();
    const placed = await order(who, { contactId, lines: [{ sku: "SKU-1", quantity: 3 }, { sku: "SKU-2", quantity: 1, unitPrice: money("EUR", 100_000) }] });
    expect(placed).toMatchObject({ status: "placed", total: money("EUR", 114_700), lines: [{ sku: "SKU-1", total: money("EUR", 14_700), recurring: true }, { sku: "SKU-2", unitPrice: money("EUR", 100_000) }] });
    const event = await published.next((e) => e.subject === "crm.sales-pipeline.order.placed" && eventsV1.OrderPlaced.decode(e.payload).orderId === placed.id);
    expect(eventsV1.OrderPlaced.decode(event.payload)).toMatchObject({ contactId, total: money("EUR", 114_700), skus: ["SKU-1", "SKU-2"] });

    const paid = (await api.changeOrderStatus(who, { id: placed.id, status: "paid", etag: placed.etag })).order!;
    expect(paid.statusHistory.map((s) => s.status)).toEqual(["placed", "paid"]);
    expect((await grpcError(api.changeOrderStatus(who, { id: placed.id, status: "fulfilled", etag: placed.etag }))).code).toBe(Status.FAILED_PRECONDITION);
    expect((await grpcError(api.changeOrderStatus(who, { id: placed.id, status: "cancelled", etag: paid.etag }))).details).toContain("can become fulfilled or refunded");
    const changed = await published.next((e) => e.subject === "crm.sales-pipeline.order.status_changed" && eventsV1.OrderStatusChanged.decode(e.payload).orderId === placed.id);
    expect(eventsV1.OrderStatusChanged.decode(changed.payload)).toMatchObject({ fromStatus: "placed", toStatus: "paid" });
  });

  it("refuses negative, fractional and foreign-currency lines, unknown currencies and SKUs, and stores nothing", async () => {
    const who = tenant("bad_orders");
    await catalogue(who);
    const contactId = uuidv7();
    const mismatch = await grpcError(order(who, { contactId, lines: [{ sku: "SKU-1", quantity: 1, unitPrice: money("USD", 5_000) }] }));
    expect(fieldViolationsOf(mismatch)).toEqual([{ field: "order.lines[0].unitPrice.currencyCode", description: "must be the order's currency (EUR), not USD" }]);
    const negative = await grpcError(order(who, { contactId, lines: [{ sku: "SKU-1", quantity: 1, unitPrice: money("EUR", -100) }] }));
    expect(fieldViolationsOf(negative)).toEqual([{ field: "order.lines[0].unitPrice.amountMinor", description: "must not be negative" }]);
    const fraction = await grpcError(order(who, { contactId, lines: [{ sku: "SKU-1", quantity: 0 }] }));
    expect(fieldViolationsOf(fraction)).toEqual([{ field: "order.lines[0].quantity", description: "must be a whole number from 1 to 1000000" }]);
    const unknown = await grpcError(order(who, { contactId, currencyCode: "XTS1", lines: [{ sku: "SKU-9", quantity: 1 }] }));
    expect(fieldViolationsOf(unknown).map((v) => v.field)).toEqual(["order.currencyCode", "order.lines[0].sku"]);
    expect(fieldViolationsOf(await grpcError(order(who, { lines: [{ sku: "SKU-1", quantity: 1 }] })))).toEqual([{ field: "order.contactId", description: "is required (or organizationId): an order has a buyer" }]);
    expect((await api.listOrders(who, {})).orders).toEqual([]);
  });
});

describe("customer value", () => {
  it("keeps lifetime value, order count, average, last purchase and active products current from orders, per currency", async () => {
    const who = tenant("value");
    await catalogue(who);
    const [ada, bob] = [uuidv7(), uuidv7()];
    const organizationId = uuidv7();
    const first = await order(who, { contactId: ada, organizationId, lines: [{ sku: "SKU-1", quantity: 2 }], placeTime: new Date("2026-01-10T10:00:00Z") }); // 9 800
    await order(who, { contactId: ada, lines: [{ sku: "SKU-2", quantity: 1 }], placeTime: new Date("2026-02-01T10:00:00Z") }); // 120 000
    const refunded = await order(who, { contactId: ada, lines: [{ sku: "SKU-2", quantity: 1, unitPrice: money("EUR", 1) }] });
    await order(who, { contactId: ada, currencyCode: "USD", lines: [{ sku: "SKU-1", quantity: 1 }], placeTime: new Date("2026-03-01T00:00:00Z") }); // 5 500 USD
    await order(who, { contactId: bob, lines: [{ sku: "SKU-2", quantity: 1, unitPrice: money("EUR", 5_000) }] });
    const paid = (await api.changeOrderStatus(who, { id: refunded.id, status: "paid", etag: refunded.etag })).order!;
    await api.changeOrderStatus(who, { id: refunded.id, status: "refunded", etag: paid.etag });

    const value = await valueOf(who, ada);
    expect(value.values.map((v) => [v.currencyCode, v.lifetimeValueMinor, v.orderCount, v.averageOrderValueMinor, v.lastPurchaseTime?.toISOString()])).toEqual([
      ["EUR", "129800", "2", "64900", "2026-02-01T10:00:00.000Z"],
      ["USD", "5500", "1", "5500", "2026-03-01T00:00:00.000Z"],
    ]);
    expect(value.activeProducts.map((p) => [p.sku, p.recurring, p.sinceTime?.toISOString(), p.quantity])).toEqual([["SKU-1", true, "2026-01-10T10:00:00.000Z", "3"], ["SKU-2", false, "2026-02-01T10:00:00.000Z", "1"]]);
    expect(value.totalOrders).toBe("4");
    expect(value.recentOrders[0]!.status).toBe("refunded");
    const organization = await api.getCustomerValue(who, { customerType: "organization", customerId: organizationId });
    expect(organization.values.map((v) => v.lifetimeValueMinor)).toEqual(["9800"]);

    // Segmentation by value and product, with the shared filter language.
    const rich = await api.listCustomerValues(who, { filter: { node: { $case: "and", and: { filters: [where("lifetimeValue", "gte", "10000"), where("currency", "eq", "eur")] } } } });
    expect(rich.values.map((v) => v.customerId)).toEqual([ada]);
    const seats = await api.listCustomerValues(who, { filter: where("activeProduct", "eq", "sku-1"), orderBy: [{ field: "lifetimeValue", descending: false }] });
    expect(seats.values.map((v) => [v.customerType, v.customerId, v.currencyCode])).toEqual([["contact", ada, "USD"], ["organization", organizationId, "EUR"], ["contact", ada, "EUR"]]);
    expect((await api.listCustomerValues(who, { filter: { node: { $case: "and", and: { filters: [where("activeProduct", "eq", "SKU-2"), where("customerType", "eq", "contact"), where("currency", "eq", "EUR")] } } } })).values.map((v) => v.customerId).sort()).toEqual([ada, bob].sort());

    // Cancelling the first order takes SKU-1 away in EUR... but the USD order still holds it.
    const cancelled = await api.changeOrderStatus(who, { id: first.id, status: "cancelled", etag: first.etag });
    expect(cancelled.order!.status).toBe("cancelled");
    const after = await valueOf(who, ada);
    expect(after.values.map((v) => [v.currencyCode, v.lifetimeValueMinor])).toEqual([["EUR", "120000"], ["USD", "5500"]]);
    expect(after.activeProducts.map((p) => [p.sku, p.sinceTime?.toISOString(), p.quantity])).toEqual([["SKU-1", "2026-03-01T00:00:00.000Z", "1"], ["SKU-2", "2026-02-01T10:00:00.000Z", "1"]]);
    expect((await api.getCustomerValue(who, { customerType: "organization", customerId: organizationId })).values).toEqual([]);
  });

  it("brings a value up to date after an order write whose value update was cut short (the sweep)", async () => {
    const who = tenant("sweep");
    await catalogue(who);
    const contactId = uuidv7();
    const placed = await order(who, { contactId, lines: [{ sku: "SKU-1", quantity: 1 }] });
    // As if the process died between the order's write and its value's: the value is gone, the order marked.
    const { models } = harness.service;
    await models.customerValue.deleteMany({ tenantId: who.tenantId });
    await models.order.updateOne({ _id: placed.id, tenantId: who.tenantId }, { $set: { valuePendingSince: new Date(Date.now() - 60_000) } });
    // The sweep stores the value, then clears the order's mark: wait for both.
    const pendingOrders = () => models.order.countDocuments({ tenantId: who.tenantId, valuePendingSince: { $exists: true } });
    const restored = await waitFor(async () => {
      const { values } = await valueOf(who, contactId);
      return values.length > 0 && (await pendingOrders()) === 0 ? values : undefined;
    });
    expect(restored.map((v) => v.lifetimeValueMinor)).toEqual(["4900"]);
    expect(await pendingOrders()).toBe(0);
  });
});
