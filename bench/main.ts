// The entry `npm run bench` runs (dist/bench/main.js): the bench CLI, then exit with its code.
import { main } from './cli.js';

process.exitCode = await main(process.argv.slice(2));
