// Writes bootstrap/fgrun_contract.py, the contract's Python twin, from the built dist/ (run by
// `npm run build`); the file is committed so the bootstrap runs from a clone without a build.
import { writeFileSync } from 'node:fs';
import { pythonContract } from '../dist/contract/python.js';

writeFileSync(new URL('../bootstrap/fgrun_contract.py', import.meta.url), pythonContract());
