/** The Stripe API simulator (DESIGN §8): build with `createStripeSimulator`, then `listen()`. */
export { createStripeSimulator, DEFAULT_API_VERSION } from './simulator.js';
export type { StripeSimulator, StripeSimulatorOptions } from './simulator.js';
export type { StripeSimulatorControl } from './control.js';
export { SimulatorControlError } from './control-error.js';
export type { ApiRequestRecord, FaultSpec, FaultKind, Violation } from './api-server.js';
export type { DeliveryAttempt, DeliveryFaults, RetryPolicy } from './webhook-delivery.js';
export type { CardBehavior, EventObject } from './sim.js';
export type { SimClock } from './clock.js';
export type { PayCheckoutOptions, PayCheckoutResult } from './resources/checkout-actions.js';
export type { StripeObject } from './store.js';
export type { StripeErrorBody } from './errors.js';
export { signatureHeader } from './signature.js';
export { parseForm, encodeForm } from './form.js';
