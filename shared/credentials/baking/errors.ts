/** A baked image that cannot be read or written: not a PNG/SVG, a broken chunk, malformed XML. */
export class BakingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BakingError';
  }
}
