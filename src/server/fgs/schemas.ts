// Every HTTP body (and query) the server reads or writes, as zod schemas in FunctionGraph's field names.
import { z } from 'zod';

/** `X-CFF-Request-Version: v1` response body. `result` is the function's response body as a string. */
export const v1EnvelopeSchema = z.strictObject({
  result: z.string(),
  log: z.string(),
  status: z.number().int(),
  request_id: z.string(),
});
export type V1Envelope = z.infer<typeof v1EnvelopeSchema>;

/** Every refusal: `{"error_code": "FSS.xxxx", "error_msg": "..."}`. */
export const fssErrorSchema = z.strictObject({ error_code: z.string().regex(/^FSS\.\d{4}$/), error_msg: z.string() });

/** The gateway's own refusals, as APIG answers them (apig_faq "Incorrect app authentication information"). */
export const apigErrorSchema = z.strictObject({ error_code: z.string().regex(/^APIG\.\d{4}$/), error_msg: z.string(), request_id: z.string().regex(/^[0-9a-f]{32}$/) });

/** `X-Cff-Invoke-Summary` header (JSON). */
export const invokeSummarySchema = z.strictObject({
  duration: z.number(),
  billingDuration: z.number().int(),
  memorySize: z.number().int(),
  memoryUsed: z.number(),
});
export type InvokeSummaryHeader = z.infer<typeof invokeSummarySchema>;

const ASYNC_STATUSES = ['WAIT', 'RUNNING', 'SUCCESS', 'FAIL', 'DISCARD'] as const;
export type AsyncStatus = (typeof ASYNC_STATUSES)[number];

const count = (what: string) => z.string().regex(/^\d+$/, `${what} must be a whole number`);

/** `GET .../async-invocations` query. */
export const asyncInvocationsQuerySchema = z.object({
  request_id: z.string().max(64).optional(),
  marker: count('marker').optional(),
  limit: count('limit').optional(),
  status: z.enum(ASYNC_STATUSES).optional(),
  query_begin_time: z.string().optional(),
  query_end_time: z.string().optional(),
});

/** One asynchronous invocation; `result` (the response body) is fgrun's addition. */
const asyncInvocationSchema = z.strictObject({
  request_id: z.string(),
  status: z.enum(ASYNC_STATUSES),
  error_message: z.string(),
  error_code: z.number().int(),
  start_time: z.string(),
  end_time: z.string(),
  result: z.string().nullable(),
});
export type AsyncInvocation = z.infer<typeof asyncInvocationSchema>;

export const asyncInvocationsListSchema = z.strictObject({
  invocations: z.array(asyncInvocationSchema),
  count: z.number().int(),
  next_marker: z.number().int(),
});

/** `GET /v2/{project_id}/fgs/functions` query. */
export const listFunctionsQuerySchema = z.object({
  marker: count('marker').optional(),
  maxitems: count('maxitems').optional(),
  package_name: z.string().optional(),
  func_name: z.string().optional(),
});

/** One function in FunctionGraph's list shape (the fields a local function has). */
const functionItemSchema = z.strictObject({
  func_urn: z.string(),
  func_name: z.string(),
  domain_id: z.string(),
  namespace: z.string(),
  project_name: z.string(),
  package: z.string(),
  runtime: z.string(),
  timeout: z.number().int(),
  handler: z.string(),
  memory_size: z.number().int(),
  cpu: z.number().int(),
  code_type: z.string(),
  code_filename: z.string(),
  code_size: z.number().int(),
  user_data: z.string(),
  digest: z.string(),
  version: z.string(),
  last_modified: z.string(),
  initializer_handler: z.string(),
  initializer_timeout: z.number().int(),
  type: z.string(),
});
export type FunctionItem = z.infer<typeof functionItemSchema>;

export const functionListSchema = z.strictObject({
  functions: z.array(functionItemSchema),
  next_marker: z.number().int(),
  count: z.number().int(),
});

/** The event the APIG gateway sends a function (fixtures/events/apig_event*.json). */
export const apigEventSchema = z.strictObject({
  httpMethod: z.string(),
  path: z.string(),
  headers: z.record(z.string(), z.string()),
  queryStringParameters: z.record(z.string(), z.string()),
  pathParameters: z.record(z.string(), z.string()),
  body: z.string(),
  isBase64Encoded: z.boolean(),
  requestContext: z.strictObject({ apiId: z.string(), requestId: z.string(), stage: z.string() }),
});
export type ApigEvent = z.infer<typeof apigEventSchema>;

/** What a function behind the gateway must return; anything else is answered with 500. */
export const apigResultSchema = z.object({
  statusCode: z.number().int().min(100).max(599),
  headers: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  body: z.string().optional(),
  isBase64Encoded: z.boolean().optional(),
});
