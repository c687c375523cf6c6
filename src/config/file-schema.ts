// The config file's shape (fgrun.json / fgrun.yaml), with FunctionGraph's own field names, built from
// the field table (fields.ts). One function is an object of these fields; several are
// `{ "functions": [ ... ] }`. The descriptions are the editor docs: the shipped JSON Schema
// (schema/fgrun.schema.json) is generated from here.
import { z } from 'zod';
import { defaultWords, FIELDS, type Field } from './fields.js';

// Environment values are strings in FunctionGraph; YAML's `PORT: 8080` or `DEBUG: true` are accepted and stringified.
const variables = z.union([
  z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  z.string().describe('The variables as FunctionGraph\'s API sends them: a JSON object encoded as a string.'),
]);

// One field as the file takes it: optional (but code), described for editors.
function fileSchema(field: Field): z.ZodType {
  const value = field.fileValue ?? field.value;
  const shown = defaultWords(field);
  const description = `${field.help}.${shown === undefined ? '' : ` Default: ${shown}.`}`;
  return (field.required ? value : value.optional()).describe(field.file === 'code' || field.file === 'dependencies' ? `${description} Relative to this file's folder.` : description);
}

type Fields = typeof FIELDS;
type FileValue<F> = F extends { fileValue: infer V extends z.ZodType } ? V : F extends { value: infer V extends z.ZodType } ? V : never;
type FileFields = {
  [K in keyof Fields as Fields[K] extends { file: infer N extends string } ? N : never]: Fields[K] extends { required: true }
    ? FileValue<Fields[K]>
    : z.ZodOptional<FileValue<Fields[K]>>;
};

const fromTable = Object.fromEntries(
  Object.values(FIELDS as Record<string, Field>).flatMap((field) => (field.file === undefined ? [] : [[field.file, fileSchema(field)]])),
) as FileFields;

export const fileFunctionSchema = z.strictObject({
  $schema: z.string().optional().describe('The JSON Schema that editors validate this file with.'),
  ...fromTable,
  user_data: variables.optional().describe('Environment variables (also read with context.getUserData(key)).'),
  encrypted_user_data: variables.optional().describe('Encrypted environment variables; locally they behave like user_data (same names may not appear in both).'),
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

/** The fields a function entry may hold, for "unknown field" messages. */
export const FILE_FIELDS = Object.keys(fileFunctionSchema.shape).filter((k) => k !== '$schema');

// The config file's JSON Schema for editors (draft 2020-12).
export function configFileJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(configFileSchema, { io: 'input' }),
    title: 'fgrun config file',
  };
}
