export const BACKOFF_KINDS = ['exponential', 'fixed'] as const;
export type BackoffKind = (typeof BACKOFF_KINDS)[number];

/** User settings (DESIGN.md §3); every number has a range enforced by the settings schema. */
export interface Settings {
  /** Attempts in all, the first one included. */
  max_attempts: number;
  /** Delay before the first retry; exponential backoff doubles it for each further retry. */
  initial_delay_seconds: number;
  backoff: BackoffKind;
  /** An attempt with no byte received for this long is abandoned and retried. */
  stall_timeout_seconds: number;
  max_concurrent: number;
  /** Where new downloads go unless a request names another folder. */
  download_dir: string;
}

/** RETRY-RESUME-SPEC.md's numbers: 5 attempts, 2 s doubling (2, 4, 8, 16 s). */
export const DEFAULT_SETTINGS: Omit<Settings, 'download_dir'> = {
  max_attempts: 5,
  initial_delay_seconds: 2,
  backoff: 'exponential',
  stall_timeout_seconds: 30,
  max_concurrent: 3,
};
