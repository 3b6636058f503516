/**
 * Builders for every object the simulator returns, one file per family. Each one has exactly the
 * top-level keys of the matching resource in Stripe's OpenAPI fixtures
 * (`stripe-openapi-fixtures3.json`), with nullable fields null — a test compares the key sets
 * whenever that file is present.
 */
export * from './customer.js';
export * from './catalog.js';
export * from './payment.js';
export * from './refund-dispute.js';
export * from './session.js';
export * from './webhook-endpoint.js';
