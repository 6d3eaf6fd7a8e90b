import { salesPipelineV1 } from "@crm/proto";
import { z } from "zod";
import type { SalesPipelineClient } from "../clients/sales-pipeline";
import type { ApiRegistry } from "../http/api-registry";
import { IDEMPOTENCY_KEY_HEADER, idempotencyKeyOf } from "../http/idempotency";
import { listQuerySchema, toListRequest, toPageInfo } from "../query/list-params";
import { idParams, idSchema, ifMatch, ifMatchHeader, maskOf, pageInfoSchema } from "./schemas";
import { currencySchema, iso, moneyInputSchema, moneySchema, timeSchema, toProtoMoney, toRestMoney } from "./sales-schemas";

const skuSchema = z.string().max(64).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "takes letters, digits, dots, dashes and underscores").describe("Unique per tenant, stored in upper case");

const productPatchSchema = z
  .object({
    sku: skuSchema.optional(),
    name: z.string().max(200).regex(/\S/, "is required").optional(),
    description: z.string().max(2000).optional(),
    prices: z.array(moneyInputSchema).max(50).optional().describe("At most one per currency"),
    billing: z.enum(["one_off", "recurring"]).optional(),
    interval: z.enum(["month", "year"]).optional().describe("For recurring products"),
    active: z.boolean().optional().describe("Inactive products are not sold"),
  })
  .strict();
const newProductSchema = productPatchSchema.extend({ sku: skuSchema, name: z.string().max(200).regex(/\S/, "is required") });
const productSchema = z.object({
  id: z.string(), sku: z.string(), name: z.string(), description: z.string(), prices: z.array(moneySchema), billing: z.string(), interval: z.string(), active: z.boolean(), createdAt: z.string(), updatedAt: z.string(),
});

function toRestProduct(product: salesPipelineV1.Product | undefined): z.output<typeof productSchema> {
  if (!product) throw new Error("the sales-pipeline service answered without a product");
  const { createTime, updateTime, etag: _etag, prices, ...rest } = product;
  return { ...rest, prices: prices.map(toRestMoney), createdAt: iso(createTime) ?? "", updatedAt: iso(updateTime) ?? "" };
}
function toProductInput(body: z.output<typeof productPatchSchema>): salesPipelineV1.ProductInput {
  return salesPipelineV1.ProductInput.fromPartial({ ...body, prices: body.prices?.map(toProtoMoney) });
}

const newOrderSchema = z
  .object({
    contactId: idSchema.optional().describe("The buyer (a person), or organizationId, or both"),
    organizationId: idSchema.optional(),
    dealId: idSchema.optional(),
    currency: currencySchema,
    lines: z
      .array(z.object({ sku: skuSchema, quantity: z.number().int().min(1).max(1_000_000), unitPrice: moneyInputSchema.optional().describe("In the order's currency; the catalogue's price when not given") }).strict())
      .min(1)
      .max(500),
    placedAt: z.iso.datetime({ offset: true }).optional().describe("When it was placed (a past purchase being recorded); now when not given"),
  })
  .strict();
export const orderSchema = z.object({
  id: z.string(),
  contactId: z.string().describe("Empty with buyerErased: the buyer was erased"),
  organizationId: z.string(),
  dealId: z.string(),
  currency: z.string(),
  lines: z.array(z.object({ sku: z.string(), productId: z.string(), name: z.string(), quantity: z.number().int(), unitPrice: moneySchema, total: moneySchema, recurring: z.boolean() })),
  total: moneySchema,
  status: z.enum(["placed", "paid", "fulfilled", "cancelled", "refunded"]),
  statusHistory: z.array(z.object({ status: z.string(), changedAt: timeSchema, changedBy: z.string() })),
  placedAt: timeSchema,
  buyerErased: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  createdBy: z.string(),
});

export function toRestOrder(order: salesPipelineV1.Order | undefined): z.output<typeof orderSchema> {
  if (!order) throw new Error("the sales-pipeline service answered without an order");
  return {
    id: order.id, contactId: order.contactId, organizationId: order.organizationId, dealId: order.dealId, currency: order.currencyCode,
    lines: order.lines.map((l) => ({ sku: l.sku, productId: l.productId, name: l.name, quantity: l.quantity, unitPrice: toRestMoney(l.unitPrice), total: toRestMoney(l.total), recurring: l.recurring })),
    total: toRestMoney(order.total), status: order.status as "placed",
    statusHistory: order.statusHistory.map((s) => ({ status: s.status, changedAt: iso(s.changeTime), changedBy: s.changedBy })),
    placedAt: iso(order.placeTime), buyerErased: order.buyerErased, createdAt: iso(order.createTime) ?? "", updatedAt: iso(order.updateTime) ?? "", createdBy: order.createdBy,
  };
}

const valueSchema = z.object({
  customerType: z.enum(["contact", "organization"]),
  customerId: z.string(),
  currency: z.string(),
  lifetimeValue: moneySchema.describe("Orders not cancelled or refunded"),
  orderCount: z.number().int(),
  averageOrderValue: moneySchema,
  firstPurchaseAt: timeSchema,
  lastPurchaseAt: timeSchema,
  activeSkus: z.array(z.string()),
  updatedAt: timeSchema,
});
const customerValueSchema = z.object({
  customerType: z.enum(["contact", "organization"]),
  customerId: z.string(),
  values: z.array(valueSchema).describe("One per currency bought in"),
  activeProducts: z.array(z.object({ sku: z.string(), productId: z.string(), name: z.string(), recurring: z.boolean(), since: timeSchema, quantity: z.number().int() })).describe("What the customer has, and since when"),
  recentOrders: z.array(orderSchema).describe("Purchase history, newest first"),
  totalOrders: z.number().int(),
});

export function toRestValue(v: salesPipelineV1.CustomerValue): z.output<typeof valueSchema> {
  const money = (minor: string) => toRestMoney({ currencyCode: v.currencyCode, amountMinor: minor });
  return {
    customerType: v.customerType as "contact", customerId: v.customerId, currency: v.currencyCode, lifetimeValue: money(v.lifetimeValueMinor), orderCount: Number(v.orderCount),
    averageOrderValue: money(v.averageOrderValueMinor), firstPurchaseAt: iso(v.firstPurchaseTime), lastPurchaseAt: iso(v.lastPurchaseTime), activeSkus: v.activeSkus, updatedAt: iso(v.updateTime),
  };
}

export function toRestCustomerValue(customerType: "contact" | "organization", customerId: string, answer: salesPipelineV1.GetCustomerValueResponse): z.output<typeof customerValueSchema> {
  return {
    customerType,
    customerId,
    values: answer.values.map(toRestValue),
    activeProducts: answer.activeProducts.map((p) => ({ sku: p.sku, productId: p.productId, name: p.name, recurring: p.recurring, since: iso(p.sinceTime), quantity: Number(p.quantity) })),
    recentOrders: answer.recentOrders.map(toRestOrder),
    totalOrders: Number(answer.totalOrders),
  };
}
export { customerValueSchema };

/** /v1/products, /v1/orders and customer value. */
export function registerOrderRoutes(api: ApiRegistry, client: SalesPipelineClient): void {
  api.route({
    method: "post", path: "/v1/products", operationId: "createProduct", summary: "Add a product to the catalogue", tag: "Products", permission: "sales-pipeline:write",
    body: newProductSchema, headers: [IDEMPOTENCY_KEY_HEADER], response: { status: 201, schema: productSchema, description: "The product as stored" },
    handler: async ({ body, identity, req, res }) => {
      const { product } = await client.call(identity, "createProduct", { product: toProductInput(body), requestId: idempotencyKeyOf(req, res) });
      res.location(`/v1/products/${product?.id}`).setHeader("ETag", product?.etag ?? "");
      return toRestProduct(product);
    },
  });

  api.route({
    method: "get", path: "/v1/products/:id", operationId: "getProduct", summary: "Get one product", tag: "Products", permission: "sales-pipeline:read", params: idParams,
    response: { status: 200, schema: productSchema, description: "The product" },
    handler: async ({ params, identity, res }) => {
      const { product } = await client.call(identity, "getProduct", { id: params.id });
      res.setHeader("ETag", product?.etag ?? "");
      return toRestProduct(product);
    },
  });

  api.route({
    method: "patch", path: "/v1/products/:id", operationId: "updateProduct", summary: "Change the fields present in the body", tag: "Products", permission: "sales-pipeline:write",
    params: idParams, body: productPatchSchema, headers: [ifMatchHeader("product")], response: { status: 200, schema: productSchema, description: "The product" },
    handler: async ({ params, body, identity, req, res }) => {
      const { product } = await client.call(identity, "updateProduct", { id: params.id, product: toProductInput(body), updateMask: maskOf(body), etag: ifMatch(req.get("if-match")) });
      res.setHeader("ETag", product?.etag ?? "");
      return toRestProduct(product);
    },
  });

  api.route({
    method: "get", path: "/v1/products", operationId: "listProducts", summary: "List the catalogue (sku, name, billing, active)", tag: "Products", permission: "sales-pipeline:read", query: listQuerySchema,
    response: { status: 200, schema: z.object({ data: z.array(productSchema), pageInfo: pageInfoSchema }), description: "One page, by SKU unless ordered otherwise" },
    handler: async ({ query, identity }) => {
      const response = await client.call(identity, "listProducts", toListRequest(query));
      return { data: response.products.map(toRestProduct), pageInfo: toPageInfo(response.pageInfo) };
    },
  });

  api.route({
    method: "post", path: "/v1/orders", operationId: "createOrder", summary: "Place an order; the buyer's value and products follow", tag: "Orders", permission: "sales-pipeline:write",
    body: newOrderSchema, headers: [IDEMPOTENCY_KEY_HEADER], response: { status: 201, schema: orderSchema, description: "The order as stored, with its totals" },
    handler: async ({ body, identity, req, res }) => {
      const { placedAt, currency, lines, ...buyer } = body;
      const input = salesPipelineV1.OrderInput.fromPartial({
        ...buyer, currencyCode: currency.toUpperCase(), placeTime: placedAt ? new Date(placedAt) : undefined,
        lines: lines.map((line) => ({ sku: line.sku, quantity: line.quantity, ...(line.unitPrice ? { unitPrice: toProtoMoney(line.unitPrice) } : {}) })),
      });
      const { order } = await client.call(identity, "createOrder", { order: input, requestId: idempotencyKeyOf(req, res) });
      res.location(`/v1/orders/${order?.id}`).setHeader("ETag", order?.etag ?? "");
      return toRestOrder(order);
    },
  });

  api.route({
    method: "get", path: "/v1/orders/:id", operationId: "getOrder", summary: "Get one order", tag: "Orders", permission: "sales-pipeline:read", params: idParams,
    response: { status: 200, schema: orderSchema, description: "The order" },
    handler: async ({ params, identity, res }) => {
      const { order } = await client.call(identity, "getOrder", { id: params.id });
      res.setHeader("ETag", order?.etag ?? "");
      return toRestOrder(order);
    },
  });

  api.route({
    method: "post", path: "/v1/orders/:id/status", operationId: "changeOrderStatus",
    summary: "Move an order on: placed -> paid -> fulfilled; placed -> cancelled; paid or fulfilled -> refunded", tag: "Orders", permission: "sales-pipeline:write",
    params: idParams, body: z.object({ status: z.enum(["placed", "paid", "fulfilled", "cancelled", "refunded"]) }).strict(), headers: [ifMatchHeader("order")],
    response: { status: 200, schema: orderSchema, description: "The order" },
    handler: async ({ params, body, identity, req, res }) => {
      const { order } = await client.call(identity, "changeOrderStatus", { id: params.id, status: body.status, etag: ifMatch(req.get("if-match")) });
      res.setHeader("ETag", order?.etag ?? "");
      return toRestOrder(order);
    },
  });

  api.route({
    method: "get", path: "/v1/orders", operationId: "listOrders", summary: "List orders with filters (contactId, organizationId, status, currency, total, sku, placedAt), order and cursors", tag: "Orders",
    permission: "sales-pipeline:read", query: listQuerySchema,
    response: { status: 200, schema: z.object({ data: z.array(orderSchema), pageInfo: pageInfoSchema }), description: "One page, newest first unless ordered otherwise" },
    handler: async ({ query, identity }) => {
      const response = await client.call(identity, "listOrders", toListRequest(query));
      return { data: response.orders.map(toRestOrder), pageInfo: toPageInfo(response.pageInfo) };
    },
  });

  const recentQuery = z.object({ recentOrders: z.coerce.number().int().min(1).max(50).default(10).describe("Orders of the purchase history to include") }).strict();
  const summary = (who: string) => `The value of ${who}: lifetime value, order count, average order, first and last purchase per currency; active products; purchase history`;
  api.route({
    method: "get", path: "/v1/customers/:contactId/value", operationId: "getCustomerValue", summary: summary("a person"), tag: "Customer value",
    permission: "sales-pipeline:read", params: z.object({ contactId: idSchema }), query: recentQuery, response: { status: 200, schema: customerValueSchema, description: "The customer's value" },
    handler: async ({ params, query, identity }) =>
      toRestCustomerValue("contact", params.contactId, await client.call(identity, "getCustomerValue", { customerType: "contact", customerId: params.contactId, recentOrders: query.recentOrders })),
  });
  api.route({
    method: "get", path: "/v1/organizations/:id/value", operationId: "getOrganizationValue", summary: summary("an organisation"), tag: "Customer value",
    permission: "sales-pipeline:read", params: idParams, query: recentQuery, response: { status: 200, schema: customerValueSchema, description: "The organisation's value" },
    handler: async ({ params, query, identity }) =>
      toRestCustomerValue("organization", params.id, await client.call(identity, "getCustomerValue", { customerType: "organization", customerId: params.id, recentOrders: query.recentOrders })),
  });

  api.route({
    method: "get", path: "/v1/customer-values", operationId: "listCustomerValues",
    summary: "Customers by value, one row per customer and currency, with filters: lifetimeValue[gte]:10000, activeProduct[eq]:SKU-1, currency, customerType, orderCount, lastPurchaseAt", tag: "Customer value",
    permission: "sales-pipeline:read", query: listQuerySchema,
    response: { status: 200, schema: z.object({ data: z.array(valueSchema), pageInfo: pageInfoSchema }), description: "One page, highest lifetime value first unless ordered otherwise" },
    handler: async ({ query, identity }) => {
      const response = await client.call(identity, "listCustomerValues", toListRequest(query));
      return { data: response.values.map(toRestValue), pageInfo: toPageInfo(response.pageInfo) };
    },
  });
}
