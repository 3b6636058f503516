/** A simulated action that cannot happen (paying an expired session, refunding too much…). */
export class SimulatorControlError extends Error {
  constructor(
    message: string,
    /** HTTP status the control API answers with. */
    readonly status = 400,
  ) {
    super(message);
    this.name = 'SimulatorControlError';
  }
}
