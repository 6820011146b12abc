import type * as z from 'zod';
import { extensionAcceptingSchema, extensionIdSchema } from './extension-pairing.js';
import {
  type AddRequest,
  changeSourceSchema,
  downloadIdSchema,
  parseAddRequest,
  type ParsedAddRequest,
  parseInput,
  removeOptionsSchema,
  settingsPatchSchema,
  speedLimitSchema,
} from './schemas.js';

/**
 * The check of one kind of argument: `parse` refuses with INVALID_ARGUMENT or returns what the
 * engine receives. `accepts` is never set: it only carries, for the types, what callers may send.
 */
export interface ArgumentSchema<In, Out> {
  parse(value: unknown): Out;
  readonly accepts?: (value: In) => void;
}

const checkedBy = <S extends z.ZodType>(schema: S): ArgumentSchema<z.input<S>, z.output<S>> => ({
  parse: (value) => parseInput(schema, value),
});

const addRequest: ArgumentSchema<AddRequest, ParsedAddRequest> = { parse: parseAddRequest };

/**
 * The schemas the method table names, kept apart from it so that the table (which the sandboxed
 * preload and the page import) does not pull zod in; only the main process runs these.
 */
export const ARGUMENT_SCHEMAS = {
  downloadId: checkedBy(downloadIdSchema),
  addRequest,
  changeSource: checkedBy(changeSourceSchema),
  speedLimit: checkedBy(speedLimitSchema),
  removeOptions: checkedBy(removeOptionsSchema),
  settingsPatch: checkedBy(settingsPatchSchema),
  extensionAccepting: checkedBy(extensionAcceptingSchema),
  extensionId: checkedBy(extensionIdSchema),
};
export type SchemaName = keyof typeof ARGUMENT_SCHEMAS;

/** What callers may send, and what the engine receives, for one schema. */
export type SchemaInput<S extends SchemaName> = (typeof ARGUMENT_SCHEMAS)[S] extends ArgumentSchema<infer In, unknown> ? In : never;
export type SchemaOutput<S extends SchemaName> = ReturnType<(typeof ARGUMENT_SCHEMAS)[S]['parse']>;
