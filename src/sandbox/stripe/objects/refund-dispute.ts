import { newId } from '../ids.js';
import type { StripeObject } from '../store.js';
import type { ChargeObject } from './payment.js';

export interface RefundObject extends StripeObject {
  object: 'refund';
  amount: number;
  charge: string;
  payment_intent: string | null;
  status: string;
}

/** A new (succeeded) Refund of `amount` on `charge`. */
export function buildRefund(
  created: number,
  charge: ChargeObject,
  amount: number,
  fields: Partial<RefundObject> = {},
): RefundObject {
  return {
    amount,
    balance_transaction: newId('balance_transaction'),
    charge: charge.id,
    created,
    currency: charge.currency,
    destination_details: { card: { type: 'refund' }, type: 'card' },
    id: newId('refund'),
    metadata: {},
    object: 'refund',
    payment_intent: charge.payment_intent,
    reason: null,
    receipt_number: null,
    source_transfer_reversal: null,
    status: 'succeeded',
    transfer_reversal: null,
    customer: charge.customer,
    customer_account: null,
    payment_method: charge.payment_method,
    ...fields,
  };
}

export interface DisputeObject extends StripeObject {
  object: 'dispute';
  amount: number;
  charge: string;
  status: string;
}

/** A new Dispute on `charge`. */
export function buildDispute(
  created: number,
  charge: ChargeObject,
  amount: number,
  reason: string,
): DisputeObject {
  const evidenceFields = [
    'access_activity_log',
    'billing_address',
    'cancellation_policy',
    'cancellation_policy_disclosure',
    'cancellation_rebuttal',
    'customer_communication',
    'customer_email_address',
    'customer_name',
    'customer_purchase_ip',
    'customer_signature',
    'duplicate_charge_documentation',
    'duplicate_charge_explanation',
    'duplicate_charge_id',
    'product_description',
    'receipt',
    'refund_policy',
    'refund_policy_disclosure',
    'refund_refusal_explanation',
    'service_date',
    'service_documentation',
    'shipping_address',
    'shipping_carrier',
    'shipping_date',
    'shipping_documentation',
    'shipping_tracking_number',
    'uncategorized_file',
    'uncategorized_text',
  ];
  return {
    amount,
    balance_transactions: [],
    charge: charge.id,
    created,
    currency: charge.currency,
    evidence: {
      ...Object.fromEntries(evidenceFields.map((f) => [f, null])),
      enhanced_evidence: {},
    },
    evidence_details: {
      due_by: created + 7 * 24 * 3600,
      has_evidence: false,
      past_due: false,
      submission_count: 0,
      enhanced_eligibility: {},
    },
    id: newId('dispute'),
    is_charge_refundable: false,
    livemode: false,
    metadata: {},
    object: 'dispute',
    payment_intent: charge.payment_intent,
    payment_method_details: {
      card: { brand: 'visa', case_type: 'chargeback', network_reason_code: '10.4' },
      type: 'card',
    },
    reason,
    status: 'needs_response',
    enhanced_eligibility_types: [],
  };
}
