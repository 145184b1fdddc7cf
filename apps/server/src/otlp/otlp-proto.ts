import protobuf from "protobufjs";

/**
 * The part of the OpenTelemetry protocol (opentelemetry-proto v1, field numbers as published) that OTLP/HTTP
 * ingest reads: logs, metrics and google.rpc.Status for error answers. @opentelemetry/otlp-transformer only
 * serializes requests, so the decoder is built here with protobufjs. Fields we do not list (exponential
 * histograms, summaries, exemplars) are skipped by the decoder, as protobuf readers do with unknown fields.
 */
const OTLP_PROTO = `
syntax = "proto3";
package otlp;
message AnyValue { oneof value { string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4;
  ArrayValue array_value = 5; KeyValueList kvlist_value = 6; bytes bytes_value = 7; } }
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
message KeyValue { string key = 1; AnyValue value = 2; }
message InstrumentationScope { string name = 1; string version = 2; repeated KeyValue attributes = 3; uint32 dropped_attributes_count = 4; }
message Resource { repeated KeyValue attributes = 1; uint32 dropped_attributes_count = 2; }

message ExportLogsServiceRequest { repeated ResourceLogs resource_logs = 1; }
message ResourceLogs { Resource resource = 1; repeated ScopeLogs scope_logs = 2; string schema_url = 3; }
message ScopeLogs { InstrumentationScope scope = 1; repeated LogRecord log_records = 2; string schema_url = 3; }
message LogRecord { fixed64 time_unix_nano = 1; fixed64 observed_time_unix_nano = 11; int32 severity_number = 2; string severity_text = 3;
  AnyValue body = 5; repeated KeyValue attributes = 6; uint32 dropped_attributes_count = 7; fixed32 flags = 8; bytes trace_id = 9;
  bytes span_id = 10; string event_name = 12; }

message ExportMetricsServiceRequest { repeated ResourceMetrics resource_metrics = 1; }
message ResourceMetrics { Resource resource = 1; repeated ScopeMetrics scope_metrics = 2; string schema_url = 3; }
message ScopeMetrics { InstrumentationScope scope = 1; repeated Metric metrics = 2; string schema_url = 3; }
message Metric { string name = 1; string description = 2; string unit = 3;
  oneof data { Gauge gauge = 5; Sum sum = 7; Histogram histogram = 9; } }
message Gauge { repeated NumberDataPoint data_points = 1; }
message Sum { repeated NumberDataPoint data_points = 1; int32 aggregation_temporality = 2; bool is_monotonic = 3; }
message Histogram { repeated HistogramDataPoint data_points = 1; int32 aggregation_temporality = 2; }
message NumberDataPoint { repeated KeyValue attributes = 7; fixed64 start_time_unix_nano = 2; fixed64 time_unix_nano = 3;
  oneof value { double as_double = 4; sfixed64 as_int = 6; } uint32 flags = 8; }
message HistogramDataPoint { repeated KeyValue attributes = 9; fixed64 start_time_unix_nano = 2; fixed64 time_unix_nano = 3;
  fixed64 count = 4; optional double sum = 5; repeated fixed64 bucket_counts = 6; repeated double explicit_bounds = 7; uint32 flags = 10;
  optional double min = 11; optional double max = 12; }

message Status { int32 code = 1; string message = 2; }
`;

const root = protobuf.parse(OTLP_PROTO).root;
const requestTypes = {
  logs: root.lookupType("otlp.ExportLogsServiceRequest"),
  metrics: root.lookupType("otlp.ExportMetricsServiceRequest"),
};
const statusType = root.lookupType("otlp.Status");

export type OtlpSignal = keyof typeof requestTypes;

/**
 * Decodes a protobuf export request into the same object shape OTLP/JSON has (lowerCamelCase fields, 64-bit
 * integers as decimal strings, bytes as base64), so one schema validates both encodings. Throws on bytes that are
 * not a valid message.
 */
export function decodeOtlpProtobuf(signal: OtlpSignal, bytes: Uint8Array): unknown {
  const type = requestTypes[signal];
  return type.toObject(type.decode(bytes), { longs: String, bytes: String, defaults: false, oneofs: false });
}

/** An empty export response (full success) or a google.rpc.Status error, as protobuf bytes. */
export function encodeOtlpStatus(code: number, message: string): Uint8Array {
  return statusType.encode(statusType.create({ code, message })).finish();
}
