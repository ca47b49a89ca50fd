// The hashing worker: a thin adapter that runs a HashEngine off the host's thread, so the
// host stays free for the data channels. It cannot run under Vitest (Node has no Web
// Workers); serveHashEngine, which does all it does, is tested instead.
import { createHashEngine } from './hash-engine.ts';
import { serveHashEngine, type HashWorkerScope } from './serve-hash-engine.ts';

// The DOM library types `self` as a window; in this file it is the worker's scope.
serveHashEngine(self as unknown as HashWorkerScope, createHashEngine());
