/** The directory under news that arrives out of order (`directory.ts`). */
import { describe, expect, it } from 'vitest';
import { type DirectoryNews, initialDirectory, updateDirectory } from './directory.ts';

const IP = '198.18.0.1';
const B = { ip: IP, mac: '02:00:00:00:00:0b', host: 'h2' };
const N = { ip: IP, mac: '02:00:00:00:00:33', host: 'h1' };
const news = (who: typeof B, holds: boolean, version: number): DirectoryNews => ({ ...who, holds, version });

describe('directory', () => {
  it('takes an IP from a release and a new holder in order, forgetting the old MAC', () => {
    let d = initialDirectory([B]);
    d = updateDirectory(d, news(B, false, 1));
    expect(d.ips[IP]).toBeUndefined();
    expect(d.macs).toEqual({});
    d = updateDirectory(d, news(N, true, 2));
    expect(d.ips[IP]).toEqual({ mac: N.mac, host: 'h1', version: 2 });
    expect(d.macs).toEqual({ [N.mac]: 'h1' });
  });

  it("ignores a late release of the IP's previous holder, and older news of any holder", () => {
    // Here (h1) the new holder started at once; B's stop on h2 is gossiped a second later.
    let d = updateDirectory(initialDirectory([B]), news(N, true, 2));
    const after = updateDirectory(d, news(B, false, 1));
    expect(after).toBe(d);
    d = updateDirectory(d, news({ ...B, host: 'h3' }, true, 1));
    expect(d.ips[IP]).toEqual({ mac: N.mac, host: 'h1', version: 2 });
  });

  it('a release by the holder itself removes it; news that changes nothing returns the same directory', () => {
    const d = updateDirectory(initialDirectory([]), news(N, true, 3));
    expect(updateDirectory(d, news(N, true, 3))).toBe(d);
    expect(updateDirectory(d, news(N, false, 4)).ips).toEqual({});
  });
});
