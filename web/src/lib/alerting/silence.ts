/**
 * The silence editor's mapping of an API refusal to the field it concerns, so the message
 * shows beside that field (Alertmanager's messages name it: "comment missing", "invalid label
 * matcher", "end time must not be in the past"…). Pure, no DOM.
 */

export type SilenceField = 'matchers' | 'time' | 'createdBy' | 'comment' | 'general';

export function silenceFieldOf(message: string): SilenceField {
  const m = message.toLowerCase();
  if (/comment/.test(m)) return 'comment';
  if (/created ?by|creator/.test(m)) return 'createdBy';
  if (/matcher|label name|regex|regular expression/.test(m)) return 'matchers';
  if (/start|end|time/.test(m)) return 'time';
  return 'general';
}
