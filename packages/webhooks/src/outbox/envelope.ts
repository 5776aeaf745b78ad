import type { RecordedEvent } from '@disclosure/event-store';

/** What a webhook knows of a case without reading its stream. */
export interface CaseRef {
  readonly agency: string;
  readonly registrationNumber: string | null;
}

/** The thin envelope's `data`: enough to decide whether to fetch the case, and where. */
export interface EnvelopeData {
  readonly caseId: string | null;
  readonly registrationNumber: string | null;
  readonly agency: string;
  /** The event's global position (a string: it may exceed 2^53). */
  readonly position: string;
  readonly occurredAt: string;
  readonly recordedAt: string;
  /** The case in the API (`GET /v1/cases/{id}`), or null for an event of no case. */
  readonly link: string | null;
  /** Only for a subscription granted the `applicant-data` scope. */
  readonly applicant?: unknown;
  readonly subscriptionId?: string;
}

/** The body of an `events` subscription's delivery (the Standard Webhooks payload shape: type, timestamp, data). */
export interface Envelope {
  /** The `webhook-id`. */
  readonly id: string;
  readonly type: string;
  readonly timestamp: string;
  readonly data: EnvelopeData;
}

/** The event type receivers get for a test sent through the API. */
export const WEBHOOK_TEST_TYPE = 'webhook.test';

/**
 * The thin envelope of one event for one subscription.
 * @example eventEnvelope(webhookId, event, { caseId, ref, publicBaseUrl: 'https://foi.example.gov.cn' })
 */
export function eventEnvelope(
  webhookId: string,
  event: RecordedEvent,
  about: { readonly caseId: string | null; readonly ref: CaseRef | undefined; readonly publicBaseUrl: string; readonly applicant?: unknown; readonly type?: string; readonly subscriptionId?: string },
): Envelope {
  const base = about.publicBaseUrl.replace(/\/+$/, '');
  return {
    id: webhookId,
    type: about.type ?? event.type,
    timestamp: event.metadata.recordedAt,
    data: {
      caseId: about.caseId,
      registrationNumber: about.ref?.registrationNumber ?? null,
      agency: about.ref?.agency ?? event.metadata.agency,
      position: event.position.toString(),
      occurredAt: event.metadata.occurredAt,
      recordedAt: event.metadata.recordedAt,
      link: about.caseId === null ? null : `${base}/v1/cases/${about.caseId}`,
      ...(about.subscriptionId === undefined ? {} : { subscriptionId: about.subscriptionId }),
      ...(about.applicant === undefined ? {} : { applicant: about.applicant }),
    },
  };
}
