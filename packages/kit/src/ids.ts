import { v7 } from 'uuid';

/** Every id JobGraph issues is a UUIDv7: sortable by creation time, unguessable enough, index-friendly. */
export const newId = (): string => v7();

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: string): boolean => UUID.test(value);
