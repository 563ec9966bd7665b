const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Any UUID in its canonical 8-4-4-4-12 hex form, either case. */
export const isUuid = (value: string): boolean => UUID_PATTERN.test(value);
