/**
 * The list of problems at the top of a form that came back with errors: each item
 * links to its field, and the box takes focus (autofocus, and role=alert so it is
 * announced): after a refused submit, keyboard and screen-reader users start there.
 */
export function ErrorSummary({ title, message, errors }: { title: string; message?: string; errors: Array<{ id: string; text: string }> }) {
  return (
    // autofocus: after a refused submit, focus lands here, with or without the script.
    <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex={-1} id="error-summary" autofocus>
      <h2 id="error-summary-title">{title}</h2>
      {message !== undefined ? <p>{message}</p> : null}
      {errors.length > 0 ? (
        <ul>
          {errors.map((e) => (
            <li>
              <a href={`#${e.id}`}>{e.text}</a>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

export function FieldError({ id, text }: { id: string; text: string | undefined }) {
  return text === undefined ? null : (
    <p class="field-error" id={id}>
      {text}
    </p>
  );
}
