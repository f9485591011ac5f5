/** @module time — the time-range picker and step input (logic in lib/time-range.ts). */
export {
  TimeRangePicker,
  StepInput,
  type TimeRangePickerProps,
  type StepInputProps,
} from './time-range-picker.js';
