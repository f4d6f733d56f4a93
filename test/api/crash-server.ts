/**
 * A paystep process for the crash test: started on the data directory given as argv[2] with the
 * queue consumer off, it reports its URL over IPC and runs until killed.
 */
import { loadConfig } from '../../src/config.js';
import { createPaystep } from '../../src/main.js';

const dir = process.argv[2] as string;
const paystep = await createPaystep(
  loadConfig({
    env: {},
    cwd: dir,
    overrides: {
      dataDir: dir,
      port: 0,
      sfnPort: -1,
      logLevel: 'silent',
      webhookSecrets: [process.argv[3] as string],
    },
  }),
  { consumer: false, announce: () => undefined },
);
const { url } = await paystep.start();
process.send?.({ url });
