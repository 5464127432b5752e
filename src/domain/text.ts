/** Whether a name holds a control character (C0 or DEL): names shown on pages and in logs must not. */
export function hasControlCharacter(value: string): boolean {
  for (let index = 0; index < value.length; index += 1) {
    const code = value.charCodeAt(index);
    if (code <= 0x1f || code === 0x7f) return true;
  }
  return false;
}

/** A JSON value read as text: a string as it is, anything else (a number, an object, nothing) as the empty string. */
export function textOf(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
