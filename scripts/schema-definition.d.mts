export const ACTIVITY_TYPES: string[];
export const collections: Array<Record<string, unknown>>;
export const relations: Array<Record<string, unknown>>;
