// Flags of bench:signaling, e.g. `npm run bench:signaling -- --clients 8000 --seconds 30`.
import { parseArgs } from 'node:util';

export interface SignalingBenchOptions {
  /** Most clients to hold on each server (the relay pair included). */
  clients: number;
  /** Longest each ramp may take, in seconds. */
  seconds: number;
  /** OFFERs timed on each server once it is loaded. */
  samples: number;
  /** PARLEY_CONCURRENT_LIMIT for Parley's server; undefined keeps its default. */
  parleyLimit: number | undefined;
}

export function readOptions(argv: string[]): SignalingBenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      clients: { type: 'string', default: '20000' },
      seconds: { type: 'string', default: '60' },
      samples: { type: 'string', default: '300' },
      'parley-limit': { type: 'string' },
    },
  });
  const whole = (name: string, raw: string): number => {
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 1)
      throw new Error(`--${name}: expected a whole number ≥ 1`);
    return value;
  };
  const limit = values['parley-limit'];
  return {
    clients: whole('clients', values.clients),
    seconds: whole('seconds', values.seconds),
    samples: whole('samples', values.samples),
    parleyLimit: limit === undefined ? undefined : whole('parley-limit', limit),
  };
}
