import { describe, expect, it } from 'vitest';
import { AttemptStory, FIRST_WINDOW_MS, MAX_SAMPLES, MAX_SPANS } from '../../src-main/engine/attempt-story.js';

describe('AttemptStory', () => {
  it('keeps every response as its own span, empty ones aside', () => {
    const story = new AttemptStory(0);
    story.addSpan({ connection: 1, start: 0, end: 100 });
    story.addSpan({ connection: 1, start: 100, end: 250 });
    story.addSpan({ connection: 2, start: 500, end: 500 });
    story.addSpan({ connection: 2, start: 500, end: 900 });
    expect(story.stored().spans).toEqual([
      { connection: 1, start: 0, end: 100 },
      { connection: 1, start: 100, end: 250 },
      { connection: 2, start: 500, end: 900 },
    ]);
  });

  it('shows a response still writing as far as it got, and keeps its span once it ended', () => {
    const story = new AttemptStory(0);
    let position = 100;
    const close = story.openSpan(2, 100, () => position);
    expect(story.live().spans).toEqual([]);
    position = 350;
    expect(story.live().spans).toEqual([{ connection: 2, start: 100, end: 350 }]);
    expect(story.stored().spans).toEqual([]);
    position = 400;
    close();
    close();
    position = 999;
    expect(story.stored().spans).toEqual([{ connection: 2, start: 100, end: 400 }]);
    expect(story.live().spans).toEqual([{ connection: 2, start: 100, end: 400 }]);
  });

  it(`keeps at most ${MAX_SPANS} spans and counts the rest`, () => {
    const story = new AttemptStory(0);
    for (let i = 0; i < MAX_SPANS + 7; i++) story.addSpan({ connection: 1 + (i % 8), start: i * 10, end: i * 10 + 5 });
    const stored = story.stored();
    expect(stored.spans).toHaveLength(MAX_SPANS);
    expect(stored.spans_omitted).toBe(7);
    expect(stored.spans.at(-1)).toEqual({ connection: 1 + ((MAX_SPANS - 1) % 8), start: (MAX_SPANS - 1) * 10, end: (MAX_SPANS - 1) * 10 + 5 });
  });

  it('sums bytes per second from the start, with empty seconds as zero', () => {
    const story = new AttemptStory(10_000);
    story.addBytes(100, 10_000);
    story.addBytes(50, 10_999);
    story.addBytes(7, 13_500);
    expect(story.stored().speed).toEqual({ every_ms: FIRST_WINDOW_MS, bytes: [150, 0, 0, 7] });
  });

  it('merges pairs and doubles the window rather than keep more samples, keeping every byte', () => {
    const story = new AttemptStory(0);
    const seconds = MAX_SAMPLES * 3 + 1;
    for (let s = 0; s < seconds; s++) story.addBytes(s + 1, s * 1000 + 500);
    const { every_ms, bytes } = story.stored().speed;
    expect(every_ms).toBe(4 * FIRST_WINDOW_MS);
    expect(bytes.length).toBeLessThanOrEqual(MAX_SAMPLES);
    expect(bytes.length).toBe(Math.ceil(seconds / 4));
    expect(bytes.reduce((a, b) => a + b, 0)).toBe((seconds * (seconds + 1)) / 2);
    // The first window now holds seconds 0–3: 1 + 2 + 3 + 4 bytes.
    expect(bytes[0]).toBe(10);
  });
});
