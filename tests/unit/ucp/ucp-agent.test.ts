import { parseDictionary, readUcpAgentProfile } from '../../../src/protocols/ucp/ucp-agent';

describe('UCP-Agent header (RFC 8941 dictionary)', () => {
  it('when the header is a dictionary with a profile string, then the profile URI is read', () => {
    expect(readUcpAgentProfile('profile="https://agent.example/profiles/shopping-agent.json"')).toBe(
      'https://agent.example/profiles/shopping-agent.json',
    );
    expect(readUcpAgentProfile('v=1, profile="https://a.example/p";q=?1, flag')).toBe('https://a.example/p');
    expect(readUcpAgentProfile('profile="https://a.example/p\\"x"')).toBe('https://a.example/p"x');
  });

  it('when members, items or the profile are malformed, then ucp_agent_invalid; when absent, ucp_agent_missing', () => {
    expect(() => readUcpAgentProfile(undefined)).toThrow(expect.objectContaining({ code: 'ucp_agent_missing' }));
    for (const bad of [
      '',
      'https://a.example/p',
      'profile=https://a.example/p',
      'profile="https://a.example/p',
      'profile="https://a.example/p",',
      'Profile="https://a.example/p"',
      'profile=("https://a.example/p")',
      'profile="mailto:x@example.com"',
      'profile="https://user:pw@a.example/p"',
      'profile=?1',
      'other="https://a.example/p"',
      `profile="https://a.example/${'x'.repeat(2100)}"`,
      'profile="https://a.example/\u00e9"',
    ]) {
      expect(() => readUcpAgentProfile(bad)).toThrow(expect.objectContaining({ code: 'ucp_agent_invalid' }));
    }
  });

  it('when a dictionary has several kinds of items, then each is read as RFC 8941 says', () => {
    expect(parseDictionary('a=1, b="x", c=?0, d, e=tok/en:1, f=-1.5')).toEqual(
      new Map<string, unknown>([
        ['a', 1],
        ['b', 'x'],
        ['c', false],
        ['d', true],
        ['e', { token: 'tok/en:1' }],
        ['f', -1.5],
      ]),
    );
    expect(parseDictionary('a=1,,b=2')).toBeNull();
    expect(parseDictionary('a="\\n"')).toBeNull();
  });
});
