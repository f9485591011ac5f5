import { SilenceValidationError } from './errors.js';
import type { SilenceInput } from './silence.js';

function invalid(msg: string): SilenceValidationError {
  return new SilenceValidationError(`cannot save silence: ${msg}`);
}

/**
 * Checks a silence as Alertmanager's API v2 and `validateSilence` do, in their order and with
 * their messages: required fields, at least one matcher, not all matching the empty string,
 * start before end, end not in the past (`now`).
 */
export function validateSilence(s: SilenceInput, now: number): void {
  if (s.createdBy === '') throw invalid('createdBy in body is required');
  if (s.comment === '') throw invalid('comment in body is required');
  if (s.startsAt === 0) throw invalid('invalid zero start timestamp');
  if (s.endsAt === 0) throw invalid('invalid zero end timestamp');
  if (s.startsAt >= s.endsAt) throw invalid('start time must be before end time');
  if (s.endsAt < now) throw invalid("end time can't be in the past");
  if (s.matchers.length === 0) throw invalid('at least one matcher required');
  if (s.matchers.every((m) => m.matchesEmpty()))
    throw invalid('at least one matcher must not match the empty string');
}
