/**
 * For maps anyone can add keys to (ids from requests, tokens): before a new key goes into a full
 * map, its oldest entry goes (a Map iterates in insertion order), so the map stays within `max`.
 */
export function makeRoomFor<K, V>(map: Map<K, V>, key: K, max: number): void {
  if (!map.has(key) && map.size >= max) map.delete(map.keys().next().value as K);
}

/** Sets `key` in a map kept within `max` entries (makeRoomFor). */
export function setBounded<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  makeRoomFor(map, key, max);
  map.set(key, value);
}
