// The function's configuration as the library takes it (camelCase), validated with zod. The
// FunctionGraph field names of the config file map onto these. Each field's doc is its reference.
import { z } from 'zod';

/** FunctionGraph's memory sizes in MB. */
export const MEMORY_SIZES = [128, 256, 512, 768, 1024, 1280, 1536, 1792, 2048, 2560, 3072, 3584, 4096, 8192, 10240] as const;

/** Environment names the runtime reserves (reference: "Environment inside the function"); users may not define them. */
export const RESERVED_ENV = [
  'RUNTIME_PROJECT_ID', 'RUNTIME_FUNC_NAME', 'RUNTIME_FUNC_VERSION', 'RUNTIME_PACKAGE', 'RUNTIME_HANDLER',
  'RUNTIME_TIMEOUT', 'RUNTIME_USERDATA', 'RUNTIME_CPU', 'RUNTIME_MEMORY', 'RUNTIME_MAX_RESP_BODY_SIZE',
  'RUNTIME_INITIALIZER_HANDLER', 'RUNTIME_INITIALIZER_TIMEOUT', 'RUNTIME_ROOT', 'RUNTIME_CODE_ROOT', 'RUNTIME_LOG_DIR',
] as const;

/** FunctionGraph's rule for a variable name: a letter, then letters, digits and `_`. */
export const ENV_KEY_PATTERN = /^[A-Za-z][A-Za-z0-9_]*$/;

/** All user variables together, names and values, may not exceed this many characters. */
export const MAX_USER_DATA_CHARS = 4096;

const IDENT = '[A-Za-z_][A-Za-z0-9_]*';
/** `[path/]file.function`, e.g. `index.handler` or `src/index.handler`. */
export const HANDLER_PATTERN = new RegExp(`^(?:${IDENT}/)*${IDENT}\\.${IDENT}$`);

const handlerString = (what: string) =>
  z.string().regex(HANDLER_PATTERN, `must be '[path/]file.function' with Python identifiers (e.g. 'index.handler'); split on the last dot, so 'src/index.handler' loads handler() from src/index.py (${what})`);

export const credentialsSchema = z.strictObject({
  /** Temporary AK of the function's agency (context.getSecurityAccessKey()). */
  securityAccessKey: z.string().optional(),
  /** Temporary SK of the function's agency (context.getSecuritySecretKey()). */
  securitySecretKey: z.string().optional(),
  /** Security token of the agency (context.getSecurityToken()). */
  securityToken: z.string().optional(),
  /** Agency token (context.getToken()). */
  token: z.string().optional(),
});
export type Credentials = z.infer<typeof credentialsSchema>;

export const functionConfigSchema = z.strictObject({
  /** Folder holding the function's code (the code root, first on sys.path). */
  code: z.string().min(1, 'must name the folder holding the function code'),
  /** Handler, `[path/]file.function`. @default "index.handler" */
  handler: handlerString('handler').default('index.handler'),
  /** Initializer, `[path/]file.function`; runs once per instance before its first request. */
  initializer: handlerString('initializer').optional(),
  /** Runtime id (Python2.7, Python3.6, Python3.9, Python3.10, Python3.12). @default newest found */
  runtime: z.string().optional(),
  /** An explicit interpreter for the runtime (skips discovery). */
  pythonPath: z.string().optional(),
  /** Memory in MB, one of FunctionGraph's sizes. @default 128 */
  memorySize: z.number().refine((v) => (MEMORY_SIZES as readonly number[]).includes(v), {
    message: `must be one of FunctionGraph's sizes: ${MEMORY_SIZES.join(', ')}`,
  }).default(128),
  /** Handler timeout in seconds, 3 to 259200. @default 3 */
  timeout: z.number().int('must be a whole number of seconds').min(3, 'must be at least 3 (seconds)').max(259200, 'must be at most 259200 (seconds)').default(3),
  /** Initializer timeout in seconds, 1 to 300. @default 3 */
  initializerTimeout: z.number().int('must be a whole number of seconds').min(1, 'must be at least 1 (second)').max(300, 'must be at most 300 (seconds)').default(3),
  /** The user's environment variables (also read with context.getUserData). @default {} */
  userData: z.record(z.string(), z.string()).default({}),
  /** Function name. @default the code folder's name */
  name: z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,59}$/, 'must start with a letter and hold letters, digits, _ or - (at most 60)').optional(),
  /** Version. @default "latest" */
  version: z.string().min(1).default('latest'),
  /** Alias the function is called through. @default "" */
  alias: z.string().default(''),
  /** Function group (app). @default "default" */
  package: z.string().min(1).default('default'),
  /** Project id. @default "local" */
  projectId: z.string().min(1).default('local'),
  /** The agency's temporary credentials, returned by the context's security getters. @default {} */
  credentials: credentialsSchema.default({}),
  /** Dependency folders (site-packages trees), put on sys.path after the code root, in order. @default [] */
  dependencies: z.array(z.string()).max(20, 'at most 20 dependency packages per function').default([]),
  /** Instances that may run at once (one request each); further requests queue. @default 10 */
  maxInstances: z.number().int('must be a whole number').min(1, 'must be at least 1').max(1000, 'must be at most 1000').default(10),
  /** fgrun only: let the function import the interpreter's own site-packages (the cloud never does). @default false */
  hostSitePackages: z.boolean().default(false),
  /** APIG sends the request body base64-encoded (isBase64Encoded: true), as the cloud does by default; false sends text. @default true */
  apigBase64: z.boolean().default(true),
  /** Seconds an idle instance stays warm before it is stopped (fractions allowed). @default 60 */
  idleTimeout: z.number().positive('must be a number of seconds above 0').max(86400, 'must be at most 86400 (seconds)').default(60),
});

export type FunctionConfigInput = z.input<typeof functionConfigSchema>;
export type FunctionConfig = z.output<typeof functionConfigSchema>;
