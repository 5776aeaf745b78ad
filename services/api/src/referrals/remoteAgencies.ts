import { z } from 'zod';
import { isSigningSecret } from '@disclosure/webhooks';

/**
 * The agencies served by other instances that this one refers cases to (会商/转办 across
 * instances): each agency's `POST /v1/intake` URL on its instance, an integrator token of that
 * instance for that agency (its `agency` claim is the agency's id), and optionally the
 * `whsec_…` secret the deliveries are signed with.
 */
export const remoteAgenciesSchema = z.record(
  z.string().regex(/^[A-Za-z0-9_.]{1,64}$/, { error: 'an agency id: letters, digits, _ and .' }),
  z
    .object({
      intakeUrl: z.url({ protocol: /^https?$/, error: 'the other instance’s POST /v1/intake URL (http or https)' }),
      token: z.string().regex(/^[\w-]+\.[\w-]+\.[\w-]+$/, { error: 'an integrator token (JWT) of the other instance' }),
      // the check the subscription itself makes, so a secret this accepts never fails at start
      webhookSecret: z.string().refine(isSigningSecret, { error: 'a Standard Webhooks secret: whsec_ and the base64 of 24–64 bytes' }).optional(),
    })
    .strict(),
);
export type RemoteAgencies = z.infer<typeof remoteAgenciesSchema>;
