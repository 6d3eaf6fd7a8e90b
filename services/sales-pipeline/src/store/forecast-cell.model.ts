import { registerModel, tenantScopePlugin } from "@crm/kit";
import { Schema, type Connection, type Model } from "mongoose";
import type { ForecastCell } from "../domain/forecast";

/**
 * The forecast's read model: the deals of one pipeline, stage, owner, close month and currency,
 * counted and summed (domain/forecast.ts, cellId). Each cell is computed again from its deals
 * whenever one of them changes (store/forecast-cells.ts), so that a forecast or a board reads a
 * few cells instead of every deal. `asOf`: when its deals were read; an older computation never
 * overwrites a newer one.
 */
export interface ForecastCellDocument extends ForecastCell {
  _id: string;
  tenantId: string;
  asOf: Date;
}

const schema = new Schema<ForecastCellDocument>(
  {
    _id: { type: String, required: true },
    pipelineId: { type: String, required: true },
    stageId: { type: String, required: true },
    ownerId: { type: String, default: "" },
    closeMonth: { type: String, default: "" },
    currency: { type: String, required: true },
    count: { type: Number, required: true },
    total: { type: Number, required: true },
    weighted: { type: Number, required: true },
    asOf: { type: Date, required: true },
  },
  { collection: "forecast_cells", versionKey: false, strict: "throw" },
);
schema.plugin(tenantScopePlugin);
schema.index({ tenantId: 1, pipelineId: 1, closeMonth: 1 });
// One stage's cells: a board column paged alone.
schema.index({ tenantId: 1, pipelineId: 1, stageId: 1 });

export type ForecastCellModel = Model<ForecastCellDocument>;

export const createForecastCellModel = (connection: Connection): Promise<ForecastCellModel> => registerModel(connection, "ForecastCell", schema);
