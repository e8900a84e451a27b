// A growable Uint32Array that segmentations append token ids to.

export class IdBuffer {
  ids = new Uint32Array(1024);
  length = 0;

  push(id: number): void {
    if (this.length === this.ids.length) {
      const grown = new Uint32Array(this.ids.length * 2);
      grown.set(this.ids);
      this.ids = grown;
    }
    this.ids[this.length++] = id;
  }

  /** The ids so far, as an array of their own. */
  take(): Uint32Array {
    return this.ids.slice(0, this.length);
  }
}
