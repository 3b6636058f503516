import type { Knex } from 'knex';
import type { PaymentStore } from '../../../core/payments/ports.js';

export type Tx = Knex.Transaction;
export type Q = Knex | Tx;

export type DbPaymentStore = PaymentStore<Tx>;
