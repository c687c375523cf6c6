// The function's configuration as the library takes it (camelCase), validated with zod, built from
// the field table (fields.ts): each field's value schema, with its default or as optional.
import { z } from 'zod';
import { FIELDS, type Field } from './fields.js';

export { MEMORY_SIZES, RESERVED_ENV, isMemorySize, type MemorySize } from './fields.js';

type Fields = typeof FIELDS;
type LibraryShape = {
  [K in keyof Fields]: Fields[K] extends { required: true }
    ? Fields[K]['value']
    : Fields[K] extends { default: unknown }
      ? z.ZodDefault<Fields[K]['value']>
      : z.ZodOptional<Fields[K]['value']>;
};

// One field as the library takes it: required, with its default, or optional.
function librarySchema(field: Field): z.ZodType {
  if (field.required) return field.value;
  return field.default === undefined ? field.value.optional() : field.value.default(field.default as never);
}

export const functionConfigSchema = z.strictObject(
  Object.fromEntries(Object.entries(FIELDS).map(([key, field]) => [key, librarySchema(field)])) as LibraryShape,
);

export type FunctionConfigInput = z.input<typeof functionConfigSchema>;
export type FunctionConfig = z.output<typeof functionConfigSchema>;
export type Credentials = FunctionConfig['credentials'];

/**
 * A config as text gives it (flags, HTTP headers) before validation: any runtime string, any memory
 * size. resolveConfig() takes it and answers a typed config or a ConfigError naming the field.
 */
export type UncheckedConfigInput = Omit<FunctionConfigInput, 'runtime' | 'memorySize'> & { runtime?: string; memorySize?: number };
