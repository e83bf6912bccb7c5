/**
 * Where a step stands, in the journal and on every screen. The journal writes "pending" for a step that was
 * interrupted (it is checked again next time); "cancelled" is what the screen shows at that moment.
 */
export const stepStatuses = ['pending', 'running', 'done', 'failed', 'cancelled'] as const;

export type StepStatus = (typeof stepStatuses)[number];
