/**
 * Roles that may read inventory (services read, for the warmers); importer keys only write
 * feeds through the RPC and do not read inventory over REST.
 */
export const everyRole = ['admin', 'advertiser', 'service'] as const;

/** Every role there is: who may authenticate at all (and ask `GET /me`). */
export const allRoles = ['admin', 'advertiser', 'service', 'importer'] as const;
