/** 32-bit FNV-1a hash of a string's UTF-16 code units: cheap and stable across processes. Not for secrets. */
export function stringHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let at = 0; at < text.length; at += 1) {
    hash ^= text.charCodeAt(at);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
