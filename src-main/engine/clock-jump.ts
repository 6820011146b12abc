/**
 * The wall clock ran ahead of the monotonic one by more than this between two looks: the computer
 * slept (the monotonic clock stops in suspend on Linux and macOS). NTP corrections are far smaller.
 */
export const CLOCK_JUMP_MS = 10_000;

/**
 * Returns a check that says whether the computer slept since the last check. `wall` is the
 * engine's clock; `monotonic` keeps counting only while the computer is awake.
 */
export function clockJumpDetector(wall: () => number, monotonic: () => number, thresholdMs = CLOCK_JUMP_MS): () => boolean {
  let wallAt = wall();
  let monotonicAt = monotonic();
  return () => {
    const wallNow = wall();
    const monotonicNow = monotonic();
    const jumped = wallNow - wallAt - (monotonicNow - monotonicAt) > thresholdMs;
    wallAt = wallNow;
    monotonicAt = monotonicNow;
    return jumped;
  };
}
