// GET /v2/{project_id}/fgs/functions: the served functions of a project in FunctionGraph's list shape.
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { cpuMillicores } from '../../context.js';
import { ApiError } from '../errors.js';
import type { Registry, ServedFunction } from '../registry.js';
import { sendJson } from '../respond.js';
import type { RouteContext } from '../router.js';
import { listFunctionsQuerySchema, type FunctionItem } from './schemas.js';
import { LOCAL_REGION } from './urn.js';

/** FunctionGraph's default and largest page. */
const MAX_ITEMS = 400;

// One served function as FunctionGraph lists it (`startedAt` stands in for last_modified).
function functionItem(fn: ServedFunction, startedAt: Date): FunctionItem {
  const c = fn.config;
  return {
    func_urn: fn.urn,
    func_name: c.name,
    domain_id: 'local',
    namespace: c.projectId,
    project_name: LOCAL_REGION,
    package: c.package,
    runtime: fn.handle.runtime.runtime,
    timeout: c.timeout,
    handler: c.handler,
    memory_size: c.memorySize,
    cpu: cpuMillicores(c.memorySize),
    code_type: 'zip',
    code_filename: basename(c.code),
    code_size: 0,
    user_data: JSON.stringify(c.userData),
    digest: createHash('sha512').update(JSON.stringify([c.code, c.handler, c.runtime ?? '', c.memorySize, c.timeout])).digest('hex'),
    version: c.version,
    last_modified: startedAt.toISOString(),
    initializer_handler: c.initializer ?? '',
    initializer_timeout: c.initializerTimeout,
    type: 'v2',
  };
}

export function listFunctions(registry: Registry, startedAt: Date) {
  return async ({ res, params, query }: RouteContext): Promise<void> => {
    const parsed = listFunctionsQuerySchema.safeParse(Object.fromEntries(new URLSearchParams(query)));
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new ApiError('invalid-parameter', `query parameter ${issue.path.join('.')}: ${issue.message}`);
    }
    const q = parsed.data;
    const all = registry.functions.filter((f) =>
      f.config.projectId === params.project_id &&
      (q.package_name === undefined || f.config.package === q.package_name) &&
      (q.func_name === undefined || f.config.name.includes(q.func_name)));
    const marker = Number(q.marker ?? 0);
    const max = Number(q.maxitems ?? 0);
    const size = max <= 0 || max > MAX_ITEMS ? MAX_ITEMS : max;
    const page = all.slice(marker, marker + size).map((f) => functionItem(f, startedAt));
    sendJson(res, 200, { functions: page, next_marker: marker + page.length, count: all.length });
  };
}
