// `fgrun event <trigger> [--set path=value ...]` prints a trigger event with fresh ids and times;
// `fgrun event --list` lists the templates.
import { Command } from 'commander';
import { commandDescription } from './descriptions.js';
import { ConfigError } from '../errors.js';
import { EVENT_TEMPLATES, EVENT_TRIGGERS, generateEvent } from '../events/index.js';
import { booleanFlag } from './function-options.js';
import type { Io } from './io.js';

interface EventFlags {
  set?: string[];
  list?: boolean;
  apigBase64?: string;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

// The `event` command.
export function eventCommand(io: Io): Command {
  return new Command('event')
    .description(commandDescription('event'))
    .argument('[trigger]', EVENT_TRIGGERS.join(', '))
    .option('--set <path=value>', "override a field (repeatable): path=text, or path:=json; e.g. --set body='{\"a\":1}' --set queryStringParameters.x=1", collect)
    .option('--apig-base64 <true|false>', 'apig: send the body base64-encoded, as the cloud does by default (default: true)')
    .option('--list', 'list the templates')
    .addHelpText('after', '\nExample:\n  fgrun event apig --set httpMethod=POST > apig.json && fgrun invoke ./my-fn --event @apig.json\n')
    .action((trigger: string | undefined, flags: EventFlags) => {
      if (flags.list) {
        const width = Math.max(...EVENT_TRIGGERS.map((name) => name.length));
        for (const template of EVENT_TEMPLATES) io.stdout.write(`${template.name.padEnd(width)}  ${template.description}\n`);
        return;
      }
      if (trigger === undefined) throw new ConfigError(`name a trigger: ${EVENT_TRIGGERS.join(', ')} (or --list)`, { field: 'trigger' });
      const apigBase64 = flags.apigBase64 === undefined ? undefined : booleanFlag('--apig-base64', flags.apigBase64);
      io.stdout.write(JSON.stringify(generateEvent(trigger, { set: flags.set, apigBase64 }), null, 2) + '\n');
    });
}
