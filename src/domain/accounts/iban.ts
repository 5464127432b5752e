/**
 * ISO 13616 / ISO 7064 mod 97 of an IBAN's characters in the order given, letters counted as 10–35. A valid
 * IBAN rearranged (country and check digits moved to the end) gives 1; check digits are `98 − mod97(bban + "GB00")`.
 */
export function ibanMod97(characters: string): number {
  let remainder = 0;
  for (const character of characters) {
    const value = /[A-Z]/.test(character) ? String(character.charCodeAt(0) - 55) : character;
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder;
}
