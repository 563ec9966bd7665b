import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Lease, LeaseManager } from '../lease.js';
import { assertTtl } from '../ttl.js';
import { callRedis } from './redis.js';

// The single-instance Redis lock pattern: SET NX PX with a random token to acquire; renew and
// release compare the token inside a script, so checking and acting are one atomic step.
const RENEW_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`;

const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

// defineCommand adds these methods at run time (sent as EVALSHA, falling back to EVAL when Redis
// does not know the script yet); TypeScript cannot see them, hence this view of the client.
type LeaseScripts = {
  switchboardLeaseRenew(key: string, token: string, ttlMs: number): Promise<number>;
  switchboardLeaseRelease(key: string, token: string): Promise<number>;
};

/** Leases as Redis keys `<prefix>lease:<name>` holding the holder's token. */
export class RedisLeaseManager implements LeaseManager {
  readonly #client: Redis & LeaseScripts;
  readonly #keyPrefix: string;

  /** `client` is shared and owned by the caller. */
  constructor(client: Redis, options: { prefix: string }) {
    client.defineCommand('switchboardLeaseRenew', { numberOfKeys: 1, lua: RENEW_SCRIPT });
    client.defineCommand('switchboardLeaseRelease', { numberOfKeys: 1, lua: RELEASE_SCRIPT });
    this.#client = client as Redis & LeaseScripts;
    this.#keyPrefix = `${options.prefix}lease:`;
  }

  async acquire(name: string, options: { ttlMs: number }): Promise<Lease | null> {
    const { ttlMs } = options;
    assertTtl(ttlMs);
    const key = this.#keyPrefix + name;
    const token = randomUUID();
    const client = this.#client;
    const reply = await callRedis(client, 'lease acquire', () => client.set(key, token, 'PX', ttlMs, 'NX'));
    if (reply !== 'OK') return null;
    return {
      name,
      token,
      renew: async () =>
        (await callRedis(client, 'lease renew', () => client.switchboardLeaseRenew(key, token, ttlMs))) === 1,
      release: async () => {
        await callRedis(client, 'lease release', () => client.switchboardLeaseRelease(key, token));
      },
    };
  }
}
