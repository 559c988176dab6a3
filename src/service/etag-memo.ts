/**
 * A bounded memo from (URL, Accept) to the ETag and headers a tensor GET answers with. A
 * response is a pure function of the URL and Accept, so a repeated conditional request is
 * answered 304 in the onRequest hook, before validation and canonicalisation run again.
 */
export interface MemoEntry {
  etag: string;
  labels: { route: string; scheme: string; format: string };
  /** the 304 counter bound to these labels (no label hashing per request) */
  counter?: { inc(): void };
}

export class EtagMemo {
  private readonly map = new Map<string, MemoEntry>();
  constructor(private readonly max = 10_000) {}

  static key(url: string, accept: string | undefined): string {
    return `${url}\u0000${accept ?? ''}`;
  }

  get(key: string): MemoEntry | undefined {
    return this.map.get(key);
  }

  set(key: string, e: MemoEntry): void {
    if (this.map.has(key)) return;
    if (this.map.size >= this.max) this.map.delete(this.map.keys().next().value!);
    this.map.set(key, e);
  }
}
