interface InputProps {
  type?: 'text' | 'password';
  autoComplete?: string;
  placeholder?: string;
}

/**
 * A labelled input whose problem (when `shown`) is announced and tied to it with
 * aria-describedby / aria-invalid.
 */
export function Field(
  p: InputProps & {
    id: string;
    label: string;
    value: string;
    onValue(v: string): void;
    problem?: string;
    shown?: boolean;
    hint?: string;
  },
) {
  const { id, label, value, onValue, problem, shown, hint, ...rest } = p;
  const bad = shown === true && problem !== undefined;
  const describe = bad ? `${id}-problem` : hint !== undefined ? `${id}-hint` : undefined;
  // The hint and the problem sit outside the label so they do not become the input's name.
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input
        {...rest}
        id={id}
        value={value}
        aria-invalid={bad}
        aria-describedby={describe}
        onInput={(e) => onValue(e.currentTarget.value)}
      />
      {bad ? (
        <span id={`${id}-problem`} class="error small">
          {problem}
        </span>
      ) : (
        hint !== undefined && (
          <span id={`${id}-hint`} class="muted small">
            {hint}
          </span>
        )
      )}
    </div>
  );
}
