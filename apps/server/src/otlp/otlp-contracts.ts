import { z } from "zod";

/**
 * OTLP/JSON export requests (and protobuf ones decoded to the same shape, see otlp-proto.ts): only the fields the
 * mapping reads are checked; unknown fields are ignored, as the protocol asks of receivers. 64-bit integers come
 * as decimal strings or numbers.
 */

const int64 = z.union([z.string().regex(/^-?\d{1,20}$/, "a decimal integer"), z.number().int()]);
const double = z.union([z.number(), z.enum(["NaN", "Infinity", "-Infinity"])]);

export type AnyValue = {
  stringValue?: string | undefined;
  boolValue?: boolean | undefined;
  intValue?: string | number | undefined;
  doubleValue?: number | string | undefined;
  arrayValue?: { values?: AnyValue[] | undefined } | undefined;
  kvlistValue?: { values?: KeyValue[] | undefined } | undefined;
  bytesValue?: string | undefined;
};
export type KeyValue = { key: string; value?: AnyValue | undefined };

const anyValue: z.ZodType<AnyValue> = z.lazy(() =>
  z.object({
    stringValue: z.string().optional(),
    boolValue: z.boolean().optional(),
    intValue: int64.optional(),
    doubleValue: double.optional(),
    arrayValue: z.object({ values: z.array(anyValue).optional() }).optional(),
    kvlistValue: z.object({ values: z.array(keyValue).optional() }).optional(),
    bytesValue: z.string().optional(),
  }),
);
const keyValue: z.ZodType<KeyValue> = z.lazy(() => z.object({ key: z.string(), value: anyValue.optional() }));
const attributes = z.array(keyValue).optional();
const resource = z.object({ attributes }).optional();
const scope = z.object({ name: z.string().optional(), version: z.string().optional() }).optional();

const logRecord = z.object({
  timeUnixNano: int64.optional(),
  observedTimeUnixNano: int64.optional(),
  severityText: z.string().optional(),
  body: anyValue.optional(),
  attributes,
  eventName: z.string().optional(),
});

export const exportLogsRequestSchema = z.object({
  resourceLogs: z
    .array(z.object({ resource, scopeLogs: z.array(z.object({ scope, logRecords: z.array(logRecord).optional() })).optional() }))
    .optional(),
});

const numberPoint = z.object({
  attributes,
  startTimeUnixNano: int64.optional(),
  timeUnixNano: int64.optional(),
  asDouble: double.optional(),
  asInt: int64.optional(),
});
const histogramPoint = z.object({
  attributes,
  startTimeUnixNano: int64.optional(),
  timeUnixNano: int64.optional(),
  count: int64.optional(),
  sum: double.optional(),
  min: double.optional(),
  max: double.optional(),
});
/** 1 = delta, 2 = cumulative (OTLP's AggregationTemporality; JSON may also name it). */
const temporality = z.union([z.number().int(), z.string()]).optional();

const metric = z.object({
  name: z.string().min(1),
  unit: z.string().optional(),
  gauge: z.object({ dataPoints: z.array(numberPoint).optional() }).optional(),
  sum: z.object({ dataPoints: z.array(numberPoint).optional(), aggregationTemporality: temporality, isMonotonic: z.boolean().optional() }).optional(),
  histogram: z.object({ dataPoints: z.array(histogramPoint).optional(), aggregationTemporality: temporality }).optional(),
});

export const exportMetricsRequestSchema = z.object({
  resourceMetrics: z
    .array(z.object({ resource, scopeMetrics: z.array(z.object({ scope, metrics: z.array(metric).optional() })).optional() }))
    .optional(),
});

export type ExportLogsRequest = z.infer<typeof exportLogsRequestSchema>;
export type ExportMetricsRequest = z.infer<typeof exportMetricsRequestSchema>;
export type OtlpLogRecord = z.infer<typeof logRecord>;
export type OtlpMetric = z.infer<typeof metric>;

/** An attribute value as plain JSON: ints as numbers where exact (else the decimal string), lists and maps nested. */
export function anyValueToJson(value: AnyValue | undefined): unknown {
  if (!value) return null;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return toNumber(value.intValue);
  if (value.doubleValue !== undefined) return typeof value.doubleValue === "number" ? value.doubleValue : value.doubleValue;
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(anyValueToJson);
  if (value.kvlistValue) return attributesToJson(value.kvlistValue.values);
  if (value.bytesValue !== undefined) return value.bytesValue;
  return null;
}

/** OTLP attributes as one plain object (a repeated key keeps its last value, as OTel SDKs do). */
export function attributesToJson(list: KeyValue[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  // "__proto__" would set the prototype of the object, not a field.
  for (const { key, value } of list ?? []) if (key !== "__proto__") out[key] = anyValueToJson(value);
  return out;
}

/** A 64-bit integer as a number when it is exact, else its decimal string. */
export function toNumber(value: string | number): number | string {
  if (typeof value === "number") return value;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : value;
}
