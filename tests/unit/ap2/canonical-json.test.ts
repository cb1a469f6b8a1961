import { canonicalJson } from '../../../src/protocols/ucp/ap2';

describe('canonicalJson (RFC 8785)', () => {
  it('when given the RFC 3.2.2 example, then it writes the RFC output byte for byte', () => {
    const input = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],' +
        '"string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",' +
        '"literals": [null, true, false]}',
    ) as unknown;
    expect(canonicalJson(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('when keys are outside the BMP or non-ASCII, then they sort by UTF-16 code units (RFC 3.2.3)', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    const keys = Object.keys(JSON.parse(canonicalJson(input)) as object);
    // Code-point order would put the emoji (U+1F600) last; UTF-16 order puts its surrogate (D83D) before FB33.
    expect(canonicalJson(input).indexOf('Emoji')).toBeLessThan(canonicalJson(input).indexOf('Hebrew'));
    expect(canonicalJson(input)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign",' +
        '"\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
    expect(keys).toHaveLength(7);
  });

  it.each([
    [0, '0'],
    [-0, '0'],
    [5e-324, '5e-324'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [9007199254740992, '9007199254740992'],
    [295147905179352830000, '295147905179352830000'],
    [9.999999999999997e22, '9.999999999999997e+22'],
    [1e21, '1e+21'],
    [0.000001, '0.000001'],
    [1e-7, '1e-7'],
  ])('when the number is %p, then it is written as %s (RFC appendix B)', (value, text) => {
    expect(canonicalJson(value)).toBe(text);
  });

  it('when nested objects have whitespace-free order, then nesting sorts too and undefined properties are left out', () => {
    expect(canonicalJson({ b: [{ z: 1, a: { y: true, c: null } }], a: 'x', u: undefined })).toBe(
      '{"a":"x","b":[{"a":{"c":null,"y":true},"z":1}]}',
    );
  });

  it.each([
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['-Infinity', -Infinity],
    ['a bigint', 1n],
    ['a lone surrogate', '\ud800'],
    ['a Date', new Date(0)],
    ['a function', () => 1],
    ['undefined in an array', [undefined]],
  ])('when the value holds %s, then it is refused', (_name, value) => {
    expect(() => canonicalJson({ v: value })).toThrow(TypeError);
  });

  it('when the value nests deeper than any checkout, then it is refused rather than overflowing the stack', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100; i++) deep = [deep];
    expect(() => canonicalJson(deep)).toThrow(TypeError);
  });
});
