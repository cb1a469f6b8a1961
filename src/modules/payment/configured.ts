/** A capability that works once its settings are present, or the first setting that is missing. */
export type Configured<T> = { value: T; missing?: undefined } | { value?: undefined; missing: string };

export const configured = <T>(value: T): Configured<T> => ({ value });
export const missing = <T>(setting: string): Configured<T> => ({ missing: setting });
