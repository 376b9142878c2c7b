// The worker thread that reads and parses the meta repository's election folders
// (see loadSnapshot in load.ts): CPU-heavy parsing of untrusted files stays off the
// server's event loop, under a time and memory limit.
import { parentPort } from 'node:worker_threads';
import { serveLoadRequests } from './load.js';

if (parentPort !== null) serveLoadRequests(parentPort);
