// Every function config field, declared once: its camelCase name (the key), FunctionGraph's name in
// config files, its CLI flag, its limits (the value schema and its messages), its default and its
// help. The library's zod schema (schema.ts), the config file's schema and JSON Schema
// (file-schema.ts), the function flags and FLAG_FOR_FIELD (cli/function-options.ts) are all built
// from this table: a new field is one entry here.
import { z } from 'zod';
import { INITIALIZER_TIMEOUT_SECONDS, RUNTIME_VARIABLES, TIMEOUT_SECONDS } from '../contract/index.js';
import { RUNTIME_IDS, type RuntimeId } from '../runtimes/ids.js';

/** FunctionGraph's memory sizes in MB. */
export const MEMORY_SIZES = [128, 256, 512, 768, 1024, 1280, 1536, 1792, 2048, 2560, 3072, 3584, 4096, 8192, 10240] as const;
export type MemorySize = (typeof MEMORY_SIZES)[number];

// Narrows a number to one of FunctionGraph's memory sizes.
export function isMemorySize(value: number): value is MemorySize {
  return (MEMORY_SIZES as readonly number[]).includes(value);
}

/** Environment names the runtime reserves (docs/cloud-reference.md); users may not define them. */
export const RESERVED_ENV = RUNTIME_VARIABLES;

/** FunctionGraph's rule for a variable name: a letter, then letters, digits and `_`. */
const ENV_KEY_PATTERN = /^[A-Za-z][A-Za-z0-9_]*$/;

/** All user variables together, names and values, may not exceed this many characters. */
const MAX_USER_DATA_CHARS = 4096;

/** How many dependency packages FunctionGraph lets one function use. */
const MAX_DEPENDENCIES = 20;

const IDENT = '[A-Za-z_][A-Za-z0-9_]*';
/** `[path/]file.function`, e.g. `index.handler` or `src/index.handler`. */
const HANDLER_PATTERN = new RegExp(`^(?:${IDENT}/)*${IDENT}\\.${IDENT}$`);

const handlerString = () =>
  z.string().regex(HANDLER_PATTERN, "must be '[path/]file.function' with Python identifiers, e.g. 'index.handler' or 'src/index.handler' (split on the last dot: handler() of src/index.py)");

const seconds = (min: number, max: number) =>
  z.number().int('must be a whole number of seconds').min(min, `must be at least ${min} (${min === 1 ? 'second' : 'seconds'})`).max(max, `must be at most ${max} (seconds)`);

const credentialsSchema = z.strictObject({
  /** Temporary AK of the function's agency (context.getSecurityAccessKey()). */
  securityAccessKey: z.string().optional(),
  /** Temporary SK of the function's agency (context.getSecuritySecretKey()). */
  securitySecretKey: z.string().optional(),
  /** Security token of the agency (context.getSecurityToken()). */
  securityToken: z.string().optional(),
  /** Agency token (context.getToken()). */
  token: z.string().optional(),
});

/** One field: how the library, the config file and the command line each spell and check it. */
export interface Field {
  /** The value's schema with its messages, shared by the library and the config file. */
  value: z.ZodType;
  /** The config file's schema when it is stricter than the library's (the library normalizes later). */
  fileValue?: z.ZodType;
  /** FunctionGraph's name for the field in config files; none when files do not carry it. */
  file?: string;
  /** The CLI flag, with its argument (`--memory <MB>`); none when no flag sets it. */
  flag?: string;
  /** How the flag becomes the value: its text, a whole number, true/false, present (a switch), every
   *  occurrence's text in order (a repeatable flag: a list), or by hand. */
  flagValue?: 'text' | 'integer' | 'boolean' | 'switch' | 'switch-off' | 'list' | 'special';
  /** What the field is, one sentence without a final period. */
  help: string;
  /** The default, as the library fills it in. */
  default?: unknown;
  /** The default in words when it is not a plain value (help texts only). */
  defaultText?: string;
  /** The library requires it. */
  required?: true;
}

/** The fields, in the order help texts and schemas list them. */
export const FIELDS = {
  code: {
    value: z.string().min(1, 'must name the folder or .zip holding the function code'),
    file: 'code', flagValue: 'special', required: true,
    help: 'The function code: a folder, or a .zip as uploaded to FunctionGraph (at most 50 MB)',
  },
  handler: {
    value: handlerString(), file: 'handler', flag: '--handler <file.function>', flagValue: 'text', default: 'index.handler',
    help: "Handler, '[path/]file.function'",
  },
  type: {
    value: z.enum(['event', 'http'], "must be 'event' (handler(event, context)) or 'http' (a web server that the code's bootstrap file starts)"),
    file: 'type', flag: '--type <event|http>', flagValue: 'text',
    defaultText: 'http when the code has a bootstrap file at its root and no handler is given, else event',
    help: "Function type: event (handler(event, context)) or http (a web server that the code's bootstrap file starts, on 127.0.0.1:8000)",
  },
  initializer: {
    value: handlerString(), file: 'initializer_handler', flag: '--initializer <file.function>', flagValue: 'text',
    help: 'Initializer, [path/]file.function; runs once per instance before its first request',
  },
  runtime: {
    // Any letter case is accepted (python3.9); the type asks for the canonical id, files for exactly it.
    value: z.custom<RuntimeId>((value) => typeof value === 'string', `must be one of ${RUNTIME_IDS.join(', ')}`),
    fileValue: z.enum(RUNTIME_IDS, `must be one of ${RUNTIME_IDS.join(', ')} (spelled as FunctionGraph spells it)`),
    file: 'runtime', flag: '--runtime <id>', flagValue: 'text', defaultText: 'the newest one found on this machine',
    help: `Runtime: ${RUNTIME_IDS.join(', ')}`,
  },
  pythonPath: {
    value: z.string(), flag: '--python <path>', flagValue: 'text',
    help: 'Interpreter to use for the runtime (skips discovery)',
  },
  memorySize: {
    value: z.literal([...MEMORY_SIZES], `must be one of FunctionGraph's sizes: ${MEMORY_SIZES.join(', ')}`),
    file: 'memory_size', flag: '--memory <MB>', flagValue: 'integer', default: 128,
    help: "Memory in MB, one of FunctionGraph's sizes",
  },
  timeout: {
    value: seconds(TIMEOUT_SECONDS.min, TIMEOUT_SECONDS.max), file: 'timeout', flag: '--timeout <seconds>', flagValue: 'integer', default: TIMEOUT_SECONDS.default,
    help: `Handler timeout in seconds, ${TIMEOUT_SECONDS.min} to ${TIMEOUT_SECONDS.max}`,
  },
  initializerTimeout: {
    value: seconds(INITIALIZER_TIMEOUT_SECONDS.min, INITIALIZER_TIMEOUT_SECONDS.max), file: 'initializer_timeout', flag: '--initializer-timeout <seconds>', flagValue: 'integer', default: INITIALIZER_TIMEOUT_SECONDS.default,
    help: `Initializer timeout in seconds, ${INITIALIZER_TIMEOUT_SECONDS.min} to ${INITIALIZER_TIMEOUT_SECONDS.max}`,
  },
  userData: {
    // The file spells it user_data and encrypted_user_data (file-schema.ts); --env-file adds to --env.
    value: z.record(z.string(), z.string()), flag: '--env <KEY=VALUE>', flagValue: 'special', default: {},
    help: 'A user environment variable (repeatable); also read with context.getUserData',
  },
  name: {
    value: z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,59}$/, 'must start with a letter and hold letters, digits, _ or - (at most 60 characters)'),
    file: 'func_name', flag: '--name <name>', flagValue: 'text', defaultText: "the code folder's name",
    help: 'Function name; required in a config file that holds several functions',
  },
  version: {
    value: z.string().min(1, 'must not be empty'), file: 'version', flag: '--version <version>', flagValue: 'text', default: 'latest',
    help: 'Function version',
  },
  alias: {
    value: z.string(), flag: '--alias <alias>', flagValue: 'text', default: '', defaultText: 'none',
    help: 'Alias the function is called through',
  },
  package: {
    value: z.string().min(1, 'must not be empty'), file: 'package', flag: '--package <package>', flagValue: 'text', default: 'default',
    help: 'Function group (app)',
  },
  projectId: {
    value: z.string().min(1, 'must not be empty'), flag: '--project-id <id>', flagValue: 'text', default: 'local',
    help: 'Project id',
  },
  credentials: {
    value: credentialsSchema, flag: '--credentials-env', flagValue: 'special', default: {},
    help: 'Give the function the agency credentials in HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK, HUAWEICLOUD_SDK_SECURITY_TOKEN and HUAWEICLOUD_SDK_TOKEN',
  },
  dependencies: {
    value: z.array(z.string().min(1, 'must name a folder or .zip')).max(MAX_DEPENDENCIES, `may list at most ${MAX_DEPENDENCIES} dependency packages`),
    file: 'dependencies', flag: '--dependency <path>', flagValue: 'list', default: [],
    help: 'Dependency packages (folders or .zip files of a site-packages tree), put on sys.path after the code root, in order',
  },
  maxInstances: {
    value: z.number().int('must be a whole number').min(1, 'must be at least 1').max(1000, 'must be at most 1000'),
    file: 'max_instance_num', flag: '--max-instances <n>', flagValue: 'integer', default: 10,
    help: 'Instances that may run at once, one request each; more requests queue',
  },
  idleTimeout: {
    value: z.number().positive('must be a number of seconds above 0').max(86400, 'must be at most 86400 (seconds)'),
    file: 'idle_timeout', default: 60,
    help: 'Seconds an idle instance is kept warm before it is stopped (fgrun only)',
  },
  hostSitePackages: {
    value: z.boolean('must be true or false'), file: 'host_site_packages', flag: '--host-site-packages', flagValue: 'switch', default: false,
    defaultText: 'only the standard library, the code and its dependencies',
    help: "Let the function import the interpreter's own site-packages, which the cloud never has (fgrun only)",
  },
  sandbox: {
    value: z.boolean('must be true or false'), file: 'sandbox', flag: '--sandbox', flagValue: 'switch', default: false,
    help: "Run each instance in the cloud's file system and identity: code read-only at /opt/function/code, a private 512 MB /tmp, uid 1003, no home folders (Linux, bubblewrap; fgrun only)",
  },
  sandboxNetwork: {
    value: z.enum(['host', 'none'], "must be 'host' (the network as the host has it, as in the cloud) or 'none' (no network but a private loopback)"),
    file: 'sandbox_network', flag: '--sandbox-network <host|none>', flagValue: 'text', default: 'host',
    help: "The sandbox's network: host (as the cloud, the default) or none (a private loopback only) (fgrun only)",
  },
  bundledLibraries: {
    value: z.boolean('must be true or false'), file: 'bundled_libraries', flag: '--no-bundled', flagValue: 'switch-off', default: true,
    defaultText: "true: the layer `fgrun build --bundled` installed, after the function's own packages",
    help: "Let the function import the libraries FunctionGraph's runtime bundles (requests, obs, yaml, numpy, ...) from the layer `fgrun build --bundled` installs; --no-bundled runs without them",
  },
  apigBase64: {
    value: z.boolean('must be true or false'), file: 'apig_base64', flag: '--apig-base64 <true|false>', flagValue: 'boolean', default: true,
    help: 'Whether the APIG gateway sends request bodies base64-encoded (isBase64Encoded: true), as the cloud does by default; false sends text (x-apigateway-is-send-fg-body-base64)',
  },
} as const satisfies Record<string, Field>;

// A field's command-line flag without its value, e.g. '--memory', or undefined when it has none.
export function flagName(field: Field): string | undefined {
  return field.flag?.split(' ')[0];
}

// The default as help texts show it: "128", "index.handler", or the words for it.
export function defaultWords(field: Field): string | undefined {
  if (field.defaultText !== undefined) return field.defaultText;
  if (field.default === undefined || typeof field.default === 'object') return undefined;
  return String(field.default);
}

/** What is wrong with one user variable name, or null when FunctionGraph accepts it. */
export function userDataKeyProblem(key: string): string | null {
  if ((RESERVED_ENV as readonly string[]).includes(key)) return 'is reserved by the FunctionGraph runtime; rename the variable';
  if (!ENV_KEY_PATTERN.test(key)) return 'is not a valid variable name: FunctionGraph wants a letter first, then letters, digits and _';
  return null;
}

/** What is wrong with the variables' total size, or null: names and values together count. */
export function userDataSizeProblem(userData: Record<string, string>): string | null {
  let chars = 0;
  for (const [key, value] of Object.entries(userData)) chars += key.length + value.length;
  return chars > MAX_USER_DATA_CHARS ? `holds ${chars} characters; FunctionGraph allows ${MAX_USER_DATA_CHARS} for all variables together` : null;
}
