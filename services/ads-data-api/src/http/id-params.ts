import { z } from 'zod';

/** `/:id` of every resource: ids are UUIDs (anything else is a 404). */
export const idParams = z.object({ id: z.guid() });
