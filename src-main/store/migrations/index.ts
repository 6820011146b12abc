import { initial } from './001-initial.js';
import { speedLimit } from './002-speed-limit.js';
import { segments } from './003-segments.js';
import { oneConnection } from './004-one-connection.js';
import { connectionLimits } from './005-connection-limits.js';
import { partialFile } from './006-partial-file.js';
import { attemptStory } from './007-attempt-story.js';
import { noticeAndStopCodes } from './008-notice-and-stop-codes.js';
import { startedByHand } from './009-started-by-hand.js';
import type { Migration } from './migration.js';

/** Every migration in order; append new ones, never edit a released one. */
export const MIGRATIONS: readonly Migration[] = [
  initial,
  speedLimit,
  segments,
  oneConnection,
  connectionLimits,
  partialFile,
  attemptStory,
  noticeAndStopCodes,
  startedByHand,
];
