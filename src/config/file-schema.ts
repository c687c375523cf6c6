// The config file's shape (fgrun.json / fgrun.yaml), with FunctionGraph's own field names. One
// function is an object of these fields; several are `{ "functions": [ ... ] }`. The descriptions
// are the editor docs: the shipped JSON Schema (schema/fgrun.schema.json) is generated from here.
import { z } from 'zod';
import { RUNTIME_IDS } from '../runtimes/ids.js';
import { HANDLER_PATTERN, MEMORY_SIZES } from './schema.js';

/** How many dependency packages FunctionGraph lets one function use. */
export const MAX_DEPENDENCIES = 20;

const handler = (field: string) =>
  z.string().regex(HANDLER_PATTERN, `must be '[path/]file.function' with Python identifiers, e.g. 'index.handler' or 'src/index.handler' (${field})`);

const seconds = (min: number, max: number) =>
  z.number().int('must be a whole number of seconds').min(min, `must be at least ${min} (seconds)`).max(max, `must be at most ${max} (seconds)`);

// Environment values are strings in FunctionGraph; YAML's `PORT: 8080` or `DEBUG: true` are accepted and stringified.
const variables = z.union([
  z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  z.string().describe('The variables as FunctionGraph\'s API sends them: a JSON object encoded as a string.'),
]);

export const fileFunctionSchema = z.strictObject({
  $schema: z.string().optional().describe('The JSON Schema that editors validate this file with.'),
  func_name: z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,59}$/, 'must start with a letter and hold letters, digits, _ or - (at most 60 characters)')
    .optional().describe('Function name. Default: the code folder\'s name. Required when the file holds several functions.'),
  package: z.string().min(1, 'must not be empty').optional().describe('Function group (app). Default: "default".'),
  runtime: z.enum(RUNTIME_IDS as [string, ...string[]], `must be one of ${RUNTIME_IDS.join(', ')} (spelled as FunctionGraph spells it)`)
    .optional().describe('Runtime. Default: the newest one fgrun finds on this machine.'),
  handler: handler('handler').optional().describe('Handler, [path/]file.function. Default: "index.handler".'),
  code: z.string().min(1, 'must name the folder or .zip holding the function code')
    .describe('The function code: a folder, or a .zip as uploaded to FunctionGraph (at most 50 MB). Relative to this file\'s folder.'),
  dependencies: z.array(z.string().min(1, 'must name a folder or .zip')).max(MAX_DEPENDENCIES, `may list at most ${MAX_DEPENDENCIES} dependency packages`)
    .optional().describe('Dependency packages (folders or .zip files of a site-packages tree), put on sys.path after the code root, in order. Relative to this file\'s folder.'),
  memory_size: z.literal([...MEMORY_SIZES], `must be one of FunctionGraph's sizes: ${MEMORY_SIZES.join(', ')}`)
    .optional().describe('Memory in MB. Default: 128.'),
  timeout: seconds(3, 259200).optional().describe('Handler timeout in seconds, 3 to 259200. Default: 3.'),
  initializer_handler: handler('initializer_handler').optional().describe('Initializer, [path/]file.function; runs once per instance before its first request.'),
  initializer_timeout: seconds(1, 300).optional().describe('Initializer timeout in seconds, 1 to 300. Default: 3.'),
  user_data: variables.optional().describe('Environment variables (also read with context.getUserData(key)).'),
  encrypted_user_data: variables.optional().describe('Encrypted environment variables; locally they behave like user_data (same names may not appear in both).'),
  version: z.string().min(1, 'must not be empty').optional().describe('Function version. Default: "latest".'),
  max_instance_num: z.number().int('must be a whole number').min(1, 'must be at least 1').max(1000, 'must be at most 1000')
    .optional().describe('Instances that may run at once (FunctionGraph\'s max_instance_num). Default: 10.'),
  idle_timeout: z.number().positive('must be a number of seconds above 0').max(86400, 'must be at most 86400 (seconds)')
    .optional().describe('fgrun only: seconds an idle instance is kept warm before it is stopped. Default: 60.'),
  host_site_packages: z.boolean('must be true or false').optional()
    .describe('fgrun only: let the function import the interpreter\'s own site-packages, which the cloud never has. Default: false (only the standard library, the code and its dependencies).'),
  apig_base64: z.boolean('must be true or false').optional()
    .describe('APIG backend setting x-apigateway-is-send-fg-body-base64: the gateway sends the request body base64-encoded (isBase64Encoded: true). Default: true, as in the cloud; false sends text.'),
  description: z.string().optional().describe('Free text; fgrun ignores it.'),
});

export const fileFunctionsSchema = z.strictObject({
  $schema: z.string().optional().describe('The JSON Schema that editors validate this file with.'),
  functions: z.array(fileFunctionSchema).min(1, 'must list at least one function').describe('The functions this file defines, each with its own func_name.'),
});

/** The whole file: one function, or `{ functions: [...] }`. */
export const configFileSchema = z.union([fileFunctionSchema, fileFunctionsSchema])
  .describe('fgrun config file: one FunctionGraph function, or several under "functions".');

export type FileFunction = z.output<typeof fileFunctionSchema>;
export type FileFunctions = z.output<typeof fileFunctionsSchema>;

/** The fields a function entry may hold, for "unknown field" messages. */
export const FILE_FIELDS = Object.keys(fileFunctionSchema.shape).filter((k) => k !== '$schema');

// The config file's JSON Schema for editors (draft 2020-12).
export function configFileJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(configFileSchema, { io: 'input' }),
    title: 'fgrun config file',
  };
}
