#!/usr/bin/env node
// The `paystep` command. paystep's sources are TypeScript, run through tsx's loader so that a fresh
// clone works with `npm ci` alone, with no build step to forget.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
