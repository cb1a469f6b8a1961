import { makeRoomFor, setBounded } from '../../src/shared/bounded-map';

describe('setBounded', () => {
  it('when a new key finds the map full, then the oldest entry goes and the map stays at its bound', () => {
    const map = new Map([
      ['a', 1],
      ['b', 2],
    ]);
    setBounded(map, 'c', 3, 2);
    expect([...map]).toEqual([
      ['b', 2],
      ['c', 3],
    ]);
  });

  it('when a key already in a full map is set again, then nothing is evicted', () => {
    const map = new Map([
      ['a', 1],
      ['b', 2],
    ]);
    setBounded(map, 'a', 10, 2);
    expect([...map]).toEqual([
      ['a', 10],
      ['b', 2],
    ]);
  });

  it('when the map has room, then makeRoomFor takes nothing out', () => {
    const map = new Map([['a', 1]]);
    makeRoomFor(map, 'b', 2);
    expect([...map]).toEqual([['a', 1]]);
  });
});
