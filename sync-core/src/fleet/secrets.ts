/**
 * Secrets at rest: a connection's configuration (API keys, OAuth secrets, webhook secret) is
 * stored AES-256-GCM encrypted with a key from the environment (SHOPBOOKS_FLEET_KEY: 32 bytes as
 * 64 hex digits or base64), never from the database. A wrong key or a tampered value fails
 * loudly (GCM authentication), it never decrypts to garbage.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ShopbooksError } from '../model/errors';

export function fleetKey(env: NodeJS.ProcessEnv = process.env): Buffer {
  const raw = env.SHOPBOOKS_FLEET_KEY ?? '';
  const key = /^[0-9a-fA-F]{64}$/.test(raw) ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'base64');
  if (key.length !== 32) throw new ShopbooksError('ConfigInvalid', 'SHOPBOOKS_FLEET_KEY must be 32 random bytes (64 hex digits or base64), e.g. from "openssl rand -hex 32". It encrypts the connections\' secrets in the database.');
  return key;
}

export function encryptSecret(plain: string, key: Buffer): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
  return `v1:${iv.toString('base64')}:${c.getAuthTag().toString('base64')}:${body.toString('base64')}`;
}

export function decryptSecret(sealed: string, key: Buffer): string {
  const [v, iv, tag, body] = sealed.split(':');
  if (v !== 'v1' || !iv || !tag || body === undefined) throw new ShopbooksError('ConfigInvalid', 'A stored connection secret has an unknown format.');
  try {
    const d = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
    d.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([d.update(Buffer.from(body, 'base64')), d.final()]).toString('utf8');
  } catch {
    throw new ShopbooksError('ConfigInvalid', 'A stored connection cannot be decrypted: SHOPBOOKS_FLEET_KEY is not the key it was saved with.');
  }
}
