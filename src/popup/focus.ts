import { useEffect, useRef } from 'preact/hooks';

/**
 * Moves keyboard focus to an element each time `step` changes (a new step of a flow), so
 * focus never drops to <body> and a screen reader reads the new step's heading or control.
 */
export function useFocusOnStep<T extends HTMLElement>(step: string | undefined) {
  const ref = useRef<T>(null);
  useEffect(() => {
    if (step !== undefined) ref.current?.focus();
  }, [step]);
  return ref;
}
