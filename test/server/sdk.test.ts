// The official Huawei Cloud SDK (@huaweicloud/huaweicloud-sdk-functiongraph), unmodified, against a
// real `fgrun serve` on a free port with AK/SK authentication on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FgrunServer } from '../../src/server/index.js';
import { asyncInvocationsListSchema, functionListSchema, v1EnvelopeSchema } from '../../src/server/index.js';
import { runtimesFound } from '../helpers/runtimes.js';
import { AK, eventually, fg, fn, sdkClient, sdkError, serve, SK, urn } from './helpers.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const runtimeName = (id: string) => `echo-${id.replace(/\D/g, '')}`;

let server: FgrunServer;
let client: ReturnType<typeof sdkClient>;

beforeAll(async () => {
  server = await serve([
    fn('server-echo', { name: 'echo' }),
    fn('server-raise', { name: 'raise' }),
    fn('server-echo', { name: 'aliased', version: 'v2', alias: 'prod' }),
    ...runtimesFound.map((r) => fn('server-echo', { name: runtimeName(r.runtime), runtime: r.runtime })),
  ], { auth: { ak: AK, sk: SK } });
  client = sdkClient(server);
});

afterAll(async () => {
  await server?.close();
});

// The SDK types bodies as { [key]: object }; any JSON object is what it really sends.
const sdkBody = (body: Record<string, unknown>) => body as Record<string, object>;

// invokeFunction with v1 and the log tail, as users call it.
function invoke(target: string, body: Record<string, unknown>) {
  return client.invokeFunction(new fg.InvokeFunctionRequest().withFunctionUrn(target).withXCffLogType('tail').withXCFFRequestVersion('v1').withBody(sdkBody(body)));
}

describe('official SDK against fgrun serve', () => {
  it('invokes synchronously (v1, log tail): result as a string, log, status, request id', async () => {
    const response = await invoke(urn('echo'), { key: 'value', n: 1 }) as unknown as Record<string, unknown>;
    expect(response.httpStatusCode).toBe(200);
    const { httpStatusCode: _, 'X-Cff-Request-Id': headerId, ...body } = response;
    const envelope = v1EnvelopeSchema.parse(body);
    expect(envelope.request_id).toMatch(UUID);
    expect(headerId).toBe(envelope.request_id);
    expect(envelope.status).toBe(200);
    expect(JSON.parse(envelope.result)).toEqual({
      event: { key: 'value', n: 1 }, function: 'echo', version: 'latest', alias: '', memory: 128, requestId: envelope.request_id,
    });
    expect(envelope.result).toContain('"function": "echo"');
    const lines = envelope.log.trimEnd().split('\n');
    expect(lines[lines.length - 1]).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ Finish invoke request '${envelope.request_id}', duration: \\d+\\.\\d{3}ms, billing duration: \\d+ms, memory used: \\d+\\.\\d{3}MB, billing memory: 128MB, cpu used: 0\\.300U$`));
    expect(envelope.log).toContain(`Start invoke request '${envelope.request_id}', version: latest\n`);
    expect(envelope.log).toMatch(new RegExp(`Z ${envelope.request_id} INFO echo called\n`));
    expect(envelope.log).toContain('echo from echo\n');
  });

  it('invokes the same function on every runtime found', async () => {
    const results = await Promise.all(runtimesFound.map(async (r) => {
      const response = await invoke(urn(runtimeName(r.runtime)), { runtime: r.runtime }) as unknown as { result: string; status: number };
      return { status: response.status, result: JSON.parse(response.result) as { event: unknown; function: string } };
    }));
    expect(results).toEqual(runtimesFound.map((r) => ({ status: 200, result: expect.objectContaining({ event: { runtime: r.runtime }, function: runtimeName(r.runtime) }) })));
  });

  it('reports a raising function in the v1 envelope: status 500, the error body as result', async () => {
    const response = await invoke(urn('raise'), { message: 'kaboom' }) as unknown as { result: string; status: number; log: string; httpStatusCode: number };
    expect(response.httpStatusCode).toBe(200);
    expect(response.status).toBe(500);
    const error = JSON.parse(response.result) as { errorMessage: string; errorType: string; stackTrace: string[] };
    expect(error.errorMessage).toBe('function invocation exception, error: kaboom');
    expect(error.errorType).toBe('ValueError');
    expect(error.stackTrace.length).toBeGreaterThan(0);
    expect(response.log).toContain('about to raise\n');
  });

  it('invokes asynchronously (202 request_id) and reads the outcome back with listAsyncInvocations', async () => {
    const accepted = await client.asyncInvokeFunction(new fg.AsyncInvokeFunctionRequest().withFunctionUrn(urn('echo')).withBody(sdkBody({ async: true }))) as unknown as Record<string, unknown>;
    expect(accepted.httpStatusCode).toBe(202);
    const requestId = accepted.request_id as string;
    expect(requestId).toMatch(UUID);
    const failing = await client.asyncInvokeFunction(new fg.AsyncInvokeFunctionRequest().withFunctionUrn(urn('raise')).withBody(sdkBody({ message: 'async boom' }))) as unknown as { request_id: string };

    const read = async (target: string, id: string) => {
      const list = await client.listAsyncInvocations(new fg.ListAsyncInvocationsRequest().withFunctionUrn(target).withRequestId(id)) as unknown as Record<string, unknown>;
      const { httpStatusCode: _, ...body } = list;
      const parsed = asyncInvocationsListSchema.parse(body);
      const record = parsed.invocations[0];
      return record && (record.status === 'SUCCESS' || record.status === 'FAIL') ? { parsed, record } : undefined;
    };
    const ok = await eventually(() => read(urn('echo'), requestId));
    expect(ok.parsed.count).toBe(1);
    expect(ok.record).toMatchObject({ request_id: requestId, status: 'SUCCESS', error_code: 0, error_message: '' });
    expect(JSON.parse(ok.record.result!)).toMatchObject({ event: { async: true }, function: 'echo', requestId });
    expect(new Date(ok.record.end_time).getTime()).toBeGreaterThanOrEqual(new Date(ok.record.start_time).getTime());

    const bad = await eventually(() => read(urn('raise'), failing.request_id));
    expect(bad.record).toMatchObject({ status: 'FAIL', error_code: 4002, error_message: 'function invocation exception, error: async boom' });
  });

  it('resolves versions and aliases in any region; refuses unknown ones with FSS.1052 / FSS.1053', async () => {
    for (const qualifier of ['v2', 'prod']) {
      const response = await invoke(urn('aliased', qualifier, 'eu-west-101'), {}) as unknown as { result: string };
      expect(JSON.parse(response.result)).toMatchObject({ function: 'aliased', version: 'v2', alias: 'prod' });
    }
    expect(await sdkError(invoke(urn('aliased', 'latest'), {}))).toMatchObject({ name: 'ClientRequestException', httpStatusCode: 404, errorCode: 'FSS.1052' });
    expect(await sdkError(invoke(urn('aliased', 'beta'), {}))).toMatchObject({ name: 'ClientRequestException', httpStatusCode: 404, errorCode: 'FSS.1053' });
  });

  it('throws ClientRequestException FSS.1051 for an unknown function', async () => {
    const error = await sdkError(invoke(urn('nope'), {}));
    expect(error).toMatchObject({ name: 'ClientRequestException', httpStatusCode: 404, errorCode: 'FSS.1051' });
    expect(error.errorMsg).toMatch(/^function nope not found in package default of project proj-local; fgrun serves: urn:fss:local:proj-local:function:default:echo:latest, /);
    expect(error.requestId).toMatch(UUID);
  });

  it('refuses a wrong secret key and an unknown access key with 401 FSS.0401', async () => {
    const wrongSk = await sdkError(sdkClient(server, 'not-the-secret').invokeFunction(new fg.InvokeFunctionRequest().withFunctionUrn(urn('echo')).withBody({})));
    expect(wrongSk).toMatchObject({ name: 'ClientRequestException', httpStatusCode: 401, errorCode: 'FSS.0401', errorMsg: 'Incorrect IAM authentication information: the signature does not match; check the secret key (SK) and that the body is sent as signed' });
    // The SDK signs JSON.stringify(body) but sends a string that is itself JSON unchanged: refused, as in the cloud.
    const jsonString = await sdkError(client.invokeFunction(new fg.InvokeFunctionRequest().withFunctionUrn(urn('echo')).withBody('{"a": 1}' as unknown as Record<string, object>)));
    expect(jsonString).toMatchObject({ httpStatusCode: 401, errorCode: 'FSS.0401' });
    const wrongAk = await sdkError(sdkClient(server, SK, 'OTHER').listFunctions(new fg.ListFunctionsRequest()));
    expect(wrongAk).toMatchObject({ httpStatusCode: 401, errorCode: 'FSS.0401', errorMsg: 'Incorrect IAM authentication information: unknown access key (AK)' });
  });

  it('lists the served functions in FunctionGraph\'s shape (listFunctions, filters and paging)', async () => {
    const all = await client.listFunctions(new fg.ListFunctionsRequest()) as unknown as Record<string, unknown>;
    const { httpStatusCode: _, ...body } = all;
    const list = functionListSchema.parse(body);
    expect(list.count).toBe(3 + runtimesFound.length);
    expect(list.functions[0]).toMatchObject({
      func_urn: 'urn:fss:local:proj-local:function:default:echo:latest', func_name: 'echo', namespace: 'proj-local', package: 'default',
      handler: 'index.handler', memory_size: 128, timeout: 3, cpu: 300, version: 'latest', user_data: '{}', runtime: expect.stringMatching(/^Python\d\.\d+$/),
    });
    const page = await client.listFunctions(new fg.ListFunctionsRequest().withFuncName('echo-').withMaxitems('1')) as unknown as { functions: Array<{ func_name: string }>; count: number; next_marker: number };
    expect(page.count).toBe(runtimesFound.length);
    expect(page.functions.map((f) => f.func_name)).toEqual([runtimeName(runtimesFound[0]!.runtime)]);
    expect(page.next_marker).toBe(1);
  });
});
