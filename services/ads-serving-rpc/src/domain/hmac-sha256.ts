import { createHash, hash } from 'node:crypto';

const BLOCK_BYTES = 64;

/**
 * HMAC-SHA256 (RFC 2104) computed with two one-shot `crypto.hash` calls: about half the cost
 * of `createHmac` per message, which matters because every decided ad is signed. The HMAC
 * key is the hex SHA-256 of the secret: 64 ASCII bytes, exactly one block, so that
 * key XOR ipad is ASCII too and the inner input can be a plain string. The result equals
 * `createHmac('sha256', hmac.key).update(message).digest('base64url')`; the tests check it.
 */
export class HmacSha256 {
  /** The HMAC key derived from the secret (hex, 64 characters). */
  readonly key: string;
  private readonly innerPad: string;
  // opad || inner digest: the outer hash's whole input, rewritten in place for each message
  // (crypto.hash is synchronous, so no other call can interleave).
  private readonly outerInput = Buffer.alloc(BLOCK_BYTES + 32);

  constructor(secret: string) {
    this.key = createHash('sha256').update(secret, 'utf8').digest('hex');
    const keyBytes = Buffer.from(this.key, 'latin1');
    const innerPad = Buffer.alloc(BLOCK_BYTES);
    for (let at = 0; at < BLOCK_BYTES; at += 1) {
      innerPad[at] = keyBytes[at]! ^ 0x36;
      this.outerInput[at] = keyBytes[at]! ^ 0x5c;
    }
    this.innerPad = innerPad.toString('latin1');
  }

  /** The 32-byte tag of a message (UTF-8), base64url-encoded (43 characters). */
  digest(message: string): string {
    // 'binary' (latin1) output is the digest's bytes one per character, which write() puts back as bytes.
    this.outerInput.write(hash('sha256', this.innerPad + message, 'binary'), BLOCK_BYTES, 'latin1');
    return hash('sha256', this.outerInput, 'base64url');
  }
}
