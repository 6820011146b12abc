/**
 * Deterministic hostile input for the REST API and the IPC handlers (test/integration/fuzz.test.ts).
 *
 * Every generator draws from one seeded PRNG, so a seed names a whole run and a failure can be
 * replayed by its index. Only requests that must be refused are generated: each carries at
 * least one "poison" (a wrong token, host or origin, an unknown route or id, an action the
 * state forbids, or an invalid field), so none of them may change anything. Values that are
 * hostile but legal (a `../` file name beside a valid URL) appear only next to a poison.
 *
 * URLs inside bodies point at 127.0.0.1:9 (discard): should a request ever be accepted by
 * mistake, nothing outside this machine is contacted.
 *
 * The generators live in the fuzz-*.ts modules beside this one (rng and strings, JSON values,
 * invalid bodies and settings, REST request parts and requests, IPC calls); this module is the
 * one the tests import.
 */
export { hostileIpcValue, type IpcCall, ipcCall, type IpcContext, IPC_METHODS } from './fuzz-ipc-calls.js';
export { invalidAddRequest, invalidDownloadPatch } from './fuzz-invalid-bodies.js';
export { invalidSettingsPatch } from './fuzz-invalid-settings.js';
export { hostileJson, HOSTILE_NUMBERS, objectOf, pollutionAttempt, RawJson, toJsonText, toJsValue } from './fuzz-json-values.js';
export type { FuzzRequest, RestContext } from './fuzz-request-parts.js';
export { restRequest } from './fuzz-rest-requests.js';
export {
  createRng,
  HARMLESS_URL,
  headerSafe,
  HOSTILE_STRINGS,
  hostileString,
  isWellFormed,
  POLLUTION_KEY,
  randomUnicode,
  type Rng,
} from './fuzz-rng-and-strings.js';
