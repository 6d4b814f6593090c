import { describe, expect, it } from 'vitest';
import {
  inSubnet,
  intToIp,
  intToMac,
  ipToInt,
  isCidr,
  isGroupMac,
  isIp,
  isMac,
  networkOf,
} from './addresses.ts';

describe('addresses', () => {
  it('parses and prints IPv4', () => {
    expect(ipToInt('198.18.0.1')).toBe(0xc6120001);
    expect(intToIp(0xc6120001)).toBe('198.18.0.1');
    expect(isIp('198.18.0.256')).toBe(false);
    expect(isIp('198.18.0')).toBe(false);
    expect(() => ipToInt('x')).toThrow(/not an IPv4/);
  });
  it('checks subnets', () => {
    expect(inSubnet('198.18.0.200', '198.18.0.0/24')).toBe(true);
    expect(inSubnet('198.18.1.1', '198.18.0.0/24')).toBe(false);
    expect(inSubnet('198.19.5.5', '198.18.0.0/15')).toBe(true);
    expect(inSubnet('1.2.3.4', '0.0.0.0/0')).toBe(true);
    expect(networkOf('198.18.0.7/24')).toBe('198.18.0.0');
    expect(isCidr('198.18.0.0/33')).toBe(false);
  });
  it('prints and classifies MACs', () => {
    expect(intToMac(0x02000000000a)).toBe('02:00:00:00:00:0a');
    expect(isMac('02:00:00:00:00:0A')).toBe(false);
    expect(isGroupMac('ff:ff:ff:ff:ff:ff')).toBe(true);
    expect(isGroupMac('01:00:5e:00:00:01')).toBe(true);
    expect(isGroupMac('02:00:00:00:00:01')).toBe(false);
  });
});
