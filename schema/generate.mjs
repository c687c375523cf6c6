// Writes schema/fgrun.schema.json, the config file's JSON Schema for editors, from the zod schema
// in the built dist/ (run by `npm run build`). The output is generated, not committed: it ships in
// the npm package ("files"), so editors point at ./node_modules/fgrun/schema/fgrun.schema.json.
import { writeFileSync } from 'node:fs';
import { configFileJsonSchema } from '../dist/config/file-schema.js';

const target = new URL('./fgrun.schema.json', import.meta.url);
writeFileSync(target, JSON.stringify(configFileJsonSchema(), null, 2) + '\n');
