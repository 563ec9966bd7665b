import { describe, expect, it, vi } from 'vitest';
import { warnEvery } from '../../../src/ingress/delivery/warn-every.js';
import type { Logger } from '../../../src/platform/logger.js';

describe('warnEvery', () => {
  it('says a warning at most once per interval, then how many it held back', () => {
    const warn = vi.fn();
    let clock = 1_000;
    const say = warnEvery({ warn } as unknown as Logger, 10_000, () => clock);

    say({ dependency: 'redis' }, 'kv down');
    clock += 9_999;
    say({ dependency: 'redis' }, 'kv down');
    say({ dependency: 'redis' }, 'kv down');
    expect(warn.mock.calls).toEqual([[{ dependency: 'redis', heldBack: 0 }, 'kv down']]);

    clock += 1;
    say({ dependency: 'redis', attempt: 4 }, 'kv down');
    expect(warn.mock.calls[1]).toEqual([{ dependency: 'redis', attempt: 4, heldBack: 2 }, 'kv down']);

    // The count starts again after each warning said.
    clock += 10_000;
    say({}, 'kv down');
    expect(warn.mock.calls[2]).toEqual([{ heldBack: 0 }, 'kv down']);
  });

  it('says the first warning whatever the clock reads', () => {
    const warn = vi.fn();
    warnEvery({ warn } as unknown as Logger, 10_000, () => 0)({}, 'first');
    expect(warn).toHaveBeenCalledTimes(1);
  });
});
