import type { Calls, DesktopActions, DesktopFileActions, DownloadsApi, EngineApi, ParsedCalls } from './api.js';
import { ARGUMENT_SCHEMAS } from './argument-schemas.js';
import {
  API_METHOD_NAMES,
  type Argument,
  argumentsOf,
  DESKTOP_METHOD_NAMES,
  generateMethods,
  type MethodName,
  type UntypedMethod,
} from './methods.js';

function parseArgument(arg: Argument, value: unknown): unknown {
  if (value === undefined && arg.optional === true) return undefined;
  const schema = ARGUMENT_SCHEMAS[arg.schema];
  // Checked inside its object, as REST carries it, so a refusal names the field ("url: …").
  if (arg.in === 'field') return (schema.parse({ [arg.name]: value }) as Record<string, unknown>)[arg.name];
  return schema.parse(value);
}

/** A call's arguments checked against its row of the table, in order: what the implementation receives. */
function parseArguments(method: MethodName, values: readonly unknown[]): unknown[] {
  return argumentsOf(method).map((arg, index) => parseArgument(arg, values[index]));
}

function validating<M extends MethodName>(names: readonly M[], implementation: ParsedCalls<M>): Calls<M> {
  return generateMethods(names, (method) => {
    const call = implementation[method] as UntypedMethod;
    return async (...values) => call.apply(implementation, parseArguments(method, values));
  }) as Calls<M>;
}

/**
 * The API edge: every argument is checked with the table's schemas, and refused with
 * INVALID_ARGUMENT, before the engine is called. Every transport and composition root hands
 * callers this, never the engine itself.
 */
export function validatingApi(engine: EngineApi): DownloadsApi {
  return { ...validating(API_METHOD_NAMES, engine), onChanged: (listener) => engine.onChanged(listener) };
}

/** The same edge for the desktop app's file actions. */
export const validatingDesktop = (files: DesktopFileActions): DesktopActions => validating(DESKTOP_METHOD_NAMES, files);
