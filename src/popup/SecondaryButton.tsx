import type { ComponentChildren } from 'preact';

/** The quieter action beside a step's main one (Decline, Cancel, Remember…). */
export function SecondaryButton(props: {
  id: string;
  onClick: () => void;
  children: ComponentChildren;
}) {
  return (
    <button type="button" class="secondary" id={props.id} onClick={props.onClick}>
      {props.children}
    </button>
  );
}
