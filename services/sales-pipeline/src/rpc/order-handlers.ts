import { salesPipelineV1 } from "@crm/proto";
import { actorOf, applyFieldMask, etagVersion, type Logger, requireId, type ServiceRuntime, ValidationError } from "@crm/kit";
import { CUSTOMER_TYPES, type CustomerType } from "../domain/customer-value";
import { checkTransition, prepareOrder, skusOf } from "../domain/order";
import { prepareProduct, productDraftOf } from "../domain/product";
import type { CustomerValues } from "../store/customer-values";
import type { OrderRepository, PendingValue } from "../store/order-repository";
import type { ProductRepository } from "../store/product-repository";
import { PRODUCT_MASK, toOrderDraft, toProductDraft, toProtoActiveProduct, toProtoCustomerValue, toProtoOrder, toProtoProduct } from "./order-mapping";
import { requireCurrent, requireRequestId } from "./preconditions";

type Handlers = Pick<
  salesPipelineV1.SalesPipelineServiceServer,
  "createProduct" | "getProduct" | "listProducts" | "updateProduct" | "createOrder" | "getOrder" | "listOrders" | "changeOrderStatus" | "getCustomerValue" | "listCustomerValues"
>;

export interface OrderHandlerDependencies {
  products: ProductRepository;
  orders: OrderRepository;
  customerValues: CustomerValues;
  log: Logger;
}

/** The catalogue, orders, and the customer value they make. */
export function orderHandlers(rpc: ServiceRuntime["rpc"], { products, orders, customerValues, log }: OrderHandlerDependencies): Handlers {
  /** The order's customers' values take it in now; if that fails the sweep does it (the order is marked). */
  const takeIn = (pending: PendingValue) =>
    customerValues.takeIn(pending).catch((error: unknown) => log.warn({ err: error, orderId: pending.orderId }, "customer value not updated with the order; the sweep will"));

  return {
    createProduct: rpc("CreateProduct", async (request: salesPipelineV1.CreateProductRequest, { identity }) => {
      requireRequestId(request.requestId);
      return { product: toProtoProduct(await products.create(actorOf(identity), prepareProduct(toProductDraft(request.product)), request.requestId)) };
    }),

    getProduct: rpc("GetProduct", async (request: salesPipelineV1.GetProductRequest, { identity }) => {
      requireId(request.id, "id");
      return { product: toProtoProduct(await products.get(identity.tenantId, request.id)) };
    }),

    listProducts: rpc("ListProducts", async (request: salesPipelineV1.ListProductsRequest, { identity }) => {
      const { items, pageInfo } = await products.list(identity.tenantId, request);
      return { products: items.map(toProtoProduct), pageInfo };
    }),

    updateProduct: rpc("UpdateProduct", async (request: salesPipelineV1.UpdateProductRequest, { identity }) => {
      requireId(request.id, "id");
      const expected = etagVersion(request.etag);
      const current = await products.get(identity.tenantId, request.id);
      requireCurrent(current, expected, "product");
      const { draft } = applyFieldMask(request.updateMask ?? [], PRODUCT_MASK, productDraftOf(current), toProductDraft(request.product), "a product");
      return { product: toProtoProduct(await products.update(actorOf(identity), current, prepareProduct(draft))) };
    }),

    createOrder: rpc("CreateOrder", async (request: salesPipelineV1.CreateOrderRequest, { identity }) => {
      requireRequestId(request.requestId);
      const draft = toOrderDraft(request.order);
      const catalogue = await products.bySkus(identity.tenantId, skusOf(draft));
      const fields = prepareOrder(draft, catalogue, new Date());
      const { order, pending } = await orders.create(actorOf(identity), fields, request.requestId);
      await takeIn(pending);
      return { order: toProtoOrder(order) };
    }),

    getOrder: rpc("GetOrder", async (request: salesPipelineV1.GetOrderRequest, { identity }) => {
      requireId(request.id, "id");
      return { order: toProtoOrder(await orders.get(identity.tenantId, request.id)) };
    }),

    listOrders: rpc("ListOrders", async (request: salesPipelineV1.ListOrdersRequest, { identity }) => {
      const { items, pageInfo } = await orders.list(identity.tenantId, request);
      return { orders: items.map(toProtoOrder), pageInfo };
    }),

    changeOrderStatus: rpc("ChangeOrderStatus", async (request: salesPipelineV1.ChangeOrderStatusRequest, { identity }) => {
      requireId(request.id, "id");
      const expected = etagVersion(request.etag);
      const current = await orders.get(identity.tenantId, request.id);
      requireCurrent(current, expected, "order");
      const status = checkTransition(current, request.status);
      const { order, pending } = await orders.changeStatus(actorOf(identity), current, status);
      await takeIn(pending);
      return { order: toProtoOrder(order) };
    }),

    getCustomerValue: rpc("GetCustomerValue", async (request: salesPipelineV1.GetCustomerValueRequest, { identity }) => {
      const customerType = customerTypeOf(request.customerType);
      requireId(request.customerId, "customerId");
      const recent = request.recentOrders || 10;
      if (recent < 1 || recent > 50) throw ValidationError.field("recentOrders", "must be from 1 to 50");
      const [value, history] = await Promise.all([customerValues.of(identity.tenantId, customerType, request.customerId), orders.recentOf(identity.tenantId, customerType, request.customerId, recent)]);
      return {
        values: value.values.map(toProtoCustomerValue),
        activeProducts: value.products.map(toProtoActiveProduct),
        recentOrders: history.orders.map(toProtoOrder),
        totalOrders: String(history.total),
      };
    }),

    listCustomerValues: rpc("ListCustomerValues", async (request: salesPipelineV1.ListCustomerValuesRequest, { identity }) => {
      const { items, pageInfo } = await customerValues.list(identity.tenantId, request);
      return { values: items.map(toProtoCustomerValue), pageInfo };
    }),
  };
}

function customerTypeOf(value: string): CustomerType {
  const type = value.trim() || "contact";
  if (!(CUSTOMER_TYPES as readonly string[]).includes(type)) throw ValidationError.field("customerType", `must be one of: ${CUSTOMER_TYPES.join(", ")}`);
  return type as CustomerType;
}
