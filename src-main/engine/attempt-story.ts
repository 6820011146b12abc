/**
 * What one attempt did, for the details view's picture (ARCHITECTURE.md §3 "The attempts
 * table"): the byte spans each of its connections wrote, and its speed over time. Both are
 * bounded, so a long attempt over many connections stores a few kilobytes at most.
 */

/** Bytes [start, end) of the file written by one response on connection `connection` (1-based). */
export interface Span {
  connection: number;
  start: number;
  end: number;
}

/** Bytes received per `every_ms` window from the attempt's start; the window doubles as it runs. */
export interface SpeedTrace {
  every_ms: number;
  bytes: number[];
}

export interface StoredStory {
  spans: Span[];
  /** Spans beyond MAX_SPANS, counted rather than kept. */
  spans_omitted: number;
  speed: SpeedTrace;
}

/** Enough for eight connections that each reconnect or steal a range two dozen times. */
export const MAX_SPANS = 200;
/** Speed samples kept per attempt: when more are needed, pairs merge and the window doubles. */
export const MAX_SAMPLES = 120;
export const FIRST_WINDOW_MS = 1000;

/** Records one attempt's spans and speed as it runs; cheap enough to call per chunk. */
export class AttemptStory {
  private readonly spans: Span[] = [];
  /** Responses still writing, with how far each got: shown live, stored once they end. */
  private readonly open = new Set<{ connection: number; start: number; position: () => number }>();
  private omitted = 0;
  private everyMs = FIRST_WINDOW_MS;
  private readonly samples: number[] = [];

  constructor(private readonly startedAt: number) {}

  /**
   * A response ended having written [start, end). Each response is its own span, even one that
   * continues its connection's last: where a connection was cut is part of the story.
   */
  addSpan(span: Span): void {
    if (span.end <= span.start) return;
    if (this.spans.length >= MAX_SPANS) {
      this.omitted += 1;
      return;
    }
    this.spans.push({ ...span });
  }

  /** A response begins writing at `start`; the function returned records its span once it has ended. */
  openSpan(connection: number, start: number, position: () => number): () => void {
    const span = { connection, start, position };
    this.open.add(span);
    return () => {
      if (!this.open.delete(span)) return;
      this.addSpan({ connection, start, end: position() });
    };
  }

  addBytes(bytes: number, at: number): void {
    let index = Math.floor(Math.max(0, at - this.startedAt) / this.everyMs);
    while (index >= MAX_SAMPLES) {
      for (let i = 0; i < this.samples.length; i += 2) this.samples[i / 2] = this.samples[i]! + (this.samples[i + 1] ?? 0);
      this.samples.length = Math.ceil(this.samples.length / 2);
      this.everyMs *= 2;
      index = Math.floor(Math.max(0, at - this.startedAt) / this.everyMs);
    }
    while (this.samples.length <= index) this.samples.push(0);
    this.samples[index] = this.samples[index]! + bytes;
  }

  /** The story so far with the responses still writing, as far as they got: the running attempt's picture. */
  live(): StoredStory {
    const story = this.stored();
    for (const { connection, start, position } of this.open) {
      const end = position();
      if (end > start) story.spans.push({ connection, start, end });
    }
    return story;
  }

  /** What is saved with the attempt's row: the spans of responses that ended. */
  stored(): StoredStory {
    return { spans: this.spans.map((s) => ({ ...s })), spans_omitted: this.omitted, speed: { every_ms: this.everyMs, bytes: [...this.samples] } };
  }
}
