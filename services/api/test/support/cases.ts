import { receiveBody, type TestApp } from './testApp.js';
import { at, type Caller } from './http.js';

/** A request received by registered post signed for on `day`, registered the same day (the server's clock set to that day): its case id. */
export async function registeredCase(app: TestApp, by: Caller, day: string): Promise<string> {
  app.setNow(at(day));
  const caseId = (await by.post('/v1/cases', receiveBody(day))).json().caseId as string;
  const registered = await by.command(caseId, 'registerRequest', {});
  if (registered.statusCode !== 200) throw new Error(`registering the case received ${day}: ${registered.statusCode} ${registered.body}`);
  return caseId;
}
